package dev.uniplane.provider.ovsdpdk.tck;

import dev.uniplane.provider.ovsdpdk.OvsDpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.DifferentialPolicyVerification;

/** The conformance kit's DifferentialPolicy area against the real OVS-DPDK dataplane. */
class OvsDpdkDifferentialPolicyTest extends DifferentialPolicyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new OvsDpdkProvider();
    }
}
