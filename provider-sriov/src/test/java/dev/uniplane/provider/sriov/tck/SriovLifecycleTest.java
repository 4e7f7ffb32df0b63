package dev.uniplane.provider.sriov.tck;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.LifecycleVerification;
import org.junit.jupiter.api.Tag;

/**
 * The kit's Lifecycle area against SR-IOV, run inside the QEMU igb guest (the PF is in the guest's initial namespace).
 */
@Tag("sriov-guest")
class SriovLifecycleTest extends LifecycleVerification {
    @Override
    protected DataplaneProvider provider() {
        return SriovKit.provider();
    }

    @Override
    protected DataplaneConfig.Builder configure(DataplaneConfig.Builder config) {
        return SriovKit.configure(config);
    }
}
