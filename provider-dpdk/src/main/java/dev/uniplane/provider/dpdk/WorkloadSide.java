package dev.uniplane.provider.dpdk;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.AddressInfo;
import dev.uniplane.linux.IpPrefix;
import dev.uniplane.linux.NeighbourInfo;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import java.util.concurrent.TimeUnit;

/**
 * Configures the workload end of an endpoint's veth inside the workload namespace, the same shape as provider-ebpf's
 * (a /32, a default route to 169.254.1.1 and a permanent neighbour entry pinning it to the gateway MAC), plus checksum
 * offload off: frames that reach the dataplane through AF_PACKET must carry complete checksums.
 */
final class WorkloadSide {
    private static final long ETHTOOL_TIMEOUT_SECONDS = 10;

    private WorkloadSide() {
    }

    static void configure(NetNs workload, AttachSpec spec, MacAddress mac, MacAddress gatewayMac) {
        try (RtNetlink nl = RtNetlink.open(workload)) {
            int eth = nl.index(spec.interfaceName());
            nl.setMac(eth, dev.uniplane.linux.MacAddress.parse(mac.toString()));
            nl.setUp(nl.index("lo"), true);
            nl.setUp(eth, true);
            var gwMac = dev.uniplane.linux.MacAddress.parse(gatewayMac.toString());
            for (IpAddress address : spec.addresses()) {
                if (address.family() != IpFamily.IPV4) {
                    continue; // IPV6 is not declared: the base class rejects v6 addresses before attach
                }
                nl.addAddress(eth, IpPrefix.parse(address + "/32"), AddressInfo.IFA_F_NODAD);
                nl.addRoute(RouteSpec.to(DpdkDataplane.GATEWAY_V4 + "/32").dev(eth).scope(RouteSpec.SCOPE_LINK).build());
                nl.addNeighbour(eth, DpdkDataplane.GATEWAY_V4.toInetAddress(), gwMac, NeighbourInfo.NUD_PERMANENT);
                nl.addRoute(RouteSpec.to("0.0.0.0/0").via(DpdkDataplane.GATEWAY_V4.toInetAddress()).dev(eth).build());
            }
        }
    }

    /**
     * {@code ethtool -K <if> tx off} in the workload namespace: veth offloads leave TCP/UDP checksums to be completed
     * later (CHECKSUM_PARTIAL), but AF_PACKET copies the bytes as they are, so without this the receiver drops them.
     * The child process inherits the netns of the thread that starts it ({@link NetNs#run}).
     */
    static void disableTxOffload(NetNs workload, String interfaceName) {
        String result = workload.run(() -> {
            Process p = new ProcessBuilder("ethtool", "-K", interfaceName, "tx", "off").redirectErrorStream(true).start();
            if (!p.waitFor(ETHTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
        });
        if (result != null) {
            throw new BackendException("ethtool -K " + interfaceName + " tx off in " + workload.path(), "ETHTOOL", result);
        }
    }
}
