package dev.uniplane.provider.vpp.tck;

import dev.uniplane.provider.vpp.VppProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RestartVerification;

/** The conformance kit's Restart area against the real VPP (the dataplane starts its own VPP, one per class). */
class VppRestartTest extends RestartVerification {
    @Override
    protected DataplaneProvider provider() {
        return new VppProvider();
    }
}
