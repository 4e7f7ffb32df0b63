package dev.uniplane.provider.sriov.tck;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.AttachVerification;
import org.junit.jupiter.api.Tag;

/**
 * The kit's Attach area against SR-IOV, run inside the QEMU igb guest (the PF is in the guest's initial namespace) by
 * {@link dev.uniplane.provider.sriov.SriovGuestRunTest}. The two source-address tests skip: a VF's only source check is
 * the NIC's spoof check of MAC and VLAN, so SR-IOV does not declare SOURCE_ADDRESS_CHECK.
 */
@Tag("sriov-guest")
class SriovAttachTest extends AttachVerification {
    @Override
    protected DataplaneProvider provider() {
        return SriovKit.provider();
    }

    @Override
    protected DataplaneConfig.Builder configure(DataplaneConfig.Builder config) {
        return SriovKit.configure(config);
    }
}
