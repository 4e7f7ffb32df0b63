package dev.uniplane.provider.ovsdpdk.tck;

import dev.uniplane.provider.ovsdpdk.OvsDpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.PolicyVerification;

/** The conformance kit's Policy area against the real OVS-DPDK dataplane. */
class OvsDpdkPolicyTest extends PolicyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new OvsDpdkProvider();
    }
}
