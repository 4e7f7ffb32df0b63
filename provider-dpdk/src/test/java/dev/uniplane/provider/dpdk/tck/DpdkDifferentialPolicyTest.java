package dev.uniplane.provider.dpdk.tck;

import dev.uniplane.provider.dpdk.DpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.DifferentialPolicyVerification;

/** The conformance kit's DifferentialPolicy area against the real DPDK dataplane. */
class DpdkDifferentialPolicyTest extends DifferentialPolicyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new DpdkProvider();
    }
}
