package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.WorkloadInterface;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The workload end of an endpoint's veth: MAC, /32 (/128) addresses, a default route to 169.254.1.1 (fe80::1) pinned
 * by a permanent neighbour entry to the gateway MAC (so the workload never ARPs; {@link WorkloadInterface}), and
 * offloads off.
 */
final class WorkloadSide {
    private WorkloadSide() {
    }

    static void configure(NetNs workload, AttachSpec spec, MacAddress mac, MacAddress gatewayMac) {
        WorkloadInterface.configure(workload, spec.interfaceName(), mac, spec.addresses(), gatewayMac);
        offloadsOff(Path.of(spec.netns()), spec.interfaceName());
    }

    /**
     * {@code ethtool -K <if> tx off tso off gso off} in the workload namespace (NOTES 4.3): af_packet hands packets on
     * as they are, so a checksum left to offload would never be filled in and TCP would stall.
     */
    static void offloadsOff(Path netns, String iface) {
        NetnsCommand.in(java.util.Optional.of(netns), OvsDpdkProvider.ETHTOOL, "-K", iface, "tx", "off", "tso", "off", "gso", "off")
                .runOrThrow();
    }

    /**
     * Disables IPv6 on the host end in the node namespace: it carries no address, and the kernel's router
     * solicitations and MLD reports on it would reach the af_packet socket as if the workload had sent them.
     */
    static void quietHostEnd(NetNs node, String hostIface) {
        node.execute(() -> {
            try {
                Files.writeString(Path.of("/proc/sys/net/ipv6/conf", hostIface, "disable_ipv6"), "1");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
