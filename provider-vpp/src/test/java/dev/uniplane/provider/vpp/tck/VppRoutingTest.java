package dev.uniplane.provider.vpp.tck;

import dev.uniplane.provider.vpp.VppProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RoutingVerification;

/** The conformance kit's Routing area against the real VPP (the dataplane starts its own VPP, one per class). */
class VppRoutingTest extends RoutingVerification {
    @Override
    protected DataplaneProvider provider() {
        return new VppProvider();
    }
}
