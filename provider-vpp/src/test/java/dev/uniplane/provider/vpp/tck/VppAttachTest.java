package dev.uniplane.provider.vpp.tck;

import dev.uniplane.provider.vpp.VppProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.AttachVerification;

/** The conformance kit's Attach area against the real VPP (the dataplane starts its own VPP, one per class). */
class VppAttachTest extends AttachVerification {
    @Override
    protected DataplaneProvider provider() {
        return new VppProvider();
    }
}
