package dev.uniplane.provider.dpdk;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.WorkloadInterface;
import java.util.concurrent.TimeUnit;

/**
 * The workload end of an endpoint's veth ({@link WorkloadInterface}: /32 and /128, default routes to 169.254.1.1 and
 * fe80::1 pinned to the gateway MAC), plus checksum offload off: frames that reach the dataplane through AF_PACKET must carry complete
 * checksums.
 */
final class WorkloadSide {
    private static final long ETHTOOL_TIMEOUT_SECONDS = 10;

    private WorkloadSide() {
    }

    static void configure(NetNs workload, AttachSpec spec, MacAddress mac, MacAddress gatewayMac) {
        // both families: /32 and /128, gateways 169.254.1.1 and fe80::1 pinned to the gateway MAC
        WorkloadInterface.configure(workload, spec.interfaceName(), mac, spec.addresses(), gatewayMac);
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
