package dev.uniplane.provider.sriov.tck;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.StatsVerification;
import org.junit.jupiter.api.Tag;

/**
 * The kit's Stats area against SR-IOV, run inside the QEMU igb guest (the PF is in the guest's initial namespace). Tagged hardware-sriov as well: igb reports no VF counters (its VF stats stay zero), so the area needs a NIC that does.
 */
@Tag("sriov-guest")
@Tag("hardware-sriov")
class SriovStatsTest extends StatsVerification {
    @Override
    protected DataplaneProvider provider() {
        return SriovKit.provider();
    }

    @Override
    protected DataplaneConfig.Builder configure(DataplaneConfig.Builder config) {
        return SriovKit.configure(config);
    }
}
