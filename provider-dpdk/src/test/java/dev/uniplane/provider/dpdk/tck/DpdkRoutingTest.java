package dev.uniplane.provider.dpdk.tck;

import dev.uniplane.provider.dpdk.DpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RoutingVerification;

/** The conformance kit's Routing area against the real DPDK dataplane (one JVM per class: EAL once per process). */
class DpdkRoutingTest extends RoutingVerification {
    @Override
    protected DataplaneProvider provider() {
        return new DpdkProvider();
    }
}
