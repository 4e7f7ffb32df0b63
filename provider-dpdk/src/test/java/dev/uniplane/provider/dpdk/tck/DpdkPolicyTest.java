package dev.uniplane.provider.dpdk.tck;

import dev.uniplane.provider.dpdk.DpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.PolicyVerification;

/** The conformance kit's Policy area against the real DPDK dataplane. */
class DpdkPolicyTest extends PolicyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new DpdkProvider();
    }
}
