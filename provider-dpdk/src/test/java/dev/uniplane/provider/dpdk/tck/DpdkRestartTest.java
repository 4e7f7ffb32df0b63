package dev.uniplane.provider.dpdk.tck;

import dev.uniplane.provider.dpdk.DpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RestartVerification;

/**
 * The conformance kit's Restart area against the real DPDK dataplane. It is skipped, naming RESTART_SURVIVAL: the
 * router runs in this JVM, so forwarding stops while no JVM runs. What DPDK does instead (the next open restores the
 * configuration and takes the workloads' veths over) is {@code DpdkCrashRecoveryTest}.
 */
class DpdkRestartTest extends RestartVerification {
    @Override
    protected DataplaneProvider provider() {
        return new DpdkProvider();
    }
}
