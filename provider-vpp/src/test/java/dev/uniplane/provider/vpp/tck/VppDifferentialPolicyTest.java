package dev.uniplane.provider.vpp.tck;

import dev.uniplane.provider.vpp.VppProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.DifferentialPolicyVerification;

/** The conformance kit's DifferentialPolicy area against the real VPP (the dataplane starts its own VPP, one per class). */
class VppDifferentialPolicyTest extends DifferentialPolicyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new VppProvider();
    }
}
