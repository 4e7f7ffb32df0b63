package dev.uniplane.provider.ovsdpdk.tck;

import dev.uniplane.provider.ovsdpdk.OvsDpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RoutingVerification;

/** The conformance kit's Routing area against the real OVS-DPDK dataplane. */
class OvsDpdkRoutingTest extends RoutingVerification {
    @Override
    protected DataplaneProvider provider() {
        return new OvsDpdkProvider();
    }
}
