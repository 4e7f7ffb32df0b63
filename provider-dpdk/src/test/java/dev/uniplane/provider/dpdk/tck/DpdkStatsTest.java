package dev.uniplane.provider.dpdk.tck;

import dev.uniplane.provider.dpdk.DpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.StatsVerification;

/** The conformance kit's Stats area against the real DPDK dataplane (one JVM per class: EAL once per process). */
class DpdkStatsTest extends StatsVerification {
    @Override
    protected DataplaneProvider provider() {
        return new DpdkProvider();
    }
}
