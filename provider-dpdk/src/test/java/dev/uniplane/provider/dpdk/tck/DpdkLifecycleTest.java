package dev.uniplane.provider.dpdk.tck;

import dev.uniplane.provider.dpdk.DpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.LifecycleVerification;

/** The conformance kit's Lifecycle area against the real DPDK dataplane. */
class DpdkLifecycleTest extends LifecycleVerification {
    @Override
    protected DataplaneProvider provider() {
        return new DpdkProvider();
    }
}
