package dev.uniplane.provider.vpp.tck;

import dev.uniplane.provider.vpp.VppProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.PolicyVerification;

/** The conformance kit's Policy area against the real VPP (the dataplane starts its own VPP, one per class). */
class VppPolicyTest extends PolicyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new VppProvider();
    }
}
