package dev.uniplane.provider.sriov.tck;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.AttachVerification;
import org.junit.jupiter.api.Tag;

/**
 * The kit's Attach area against SR-IOV, run inside the QEMU igb guest (the PF is in the guest's initial namespace).
 *
 * <p>Not in the build's guest run ({@link dev.uniplane.provider.sriov.SriovGuestRunTest} runs it on request): the two
 * source-address tests ({@code required_S2_sourceAddresses_...}, IPv4 and IPv6) fail, because a VF's only source check
 * is the NIC's spoof check of MAC and VLAN; nothing between two VFs of one PF looks at IP source addresses. The SPI
 * has no capability for that check that a provider could leave undeclared, so the kit cannot skip them (measured in the
 * guest: the other 8 tests pass).
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
