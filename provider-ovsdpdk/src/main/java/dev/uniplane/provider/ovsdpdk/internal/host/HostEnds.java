package dev.uniplane.provider.ovsdpdk.internal.host;

import dev.uniplane.linux.NetNs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The node-side ends of the veths whose other end an af_packet port reads. */
public final class HostEnds {
    private HostEnds() {
    }

    /**
     * Disables IPv6 on the host end in the node namespace: it carries no address, and the kernel's router
     * solicitations and MLD reports on it would reach the af_packet socket as if the workload had sent them.
     */
    static void disableIpv6(NetNs node, String hostIface) {
        node.execute(() -> {
            try {
                Files.writeString(Path.of("/proc/sys/net/ipv6/conf", hostIface, "disable_ipv6"), "1");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
