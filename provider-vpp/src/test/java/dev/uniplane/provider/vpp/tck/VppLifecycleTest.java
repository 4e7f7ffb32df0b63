package dev.uniplane.provider.vpp.tck;

import dev.uniplane.provider.vpp.VppProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.LifecycleVerification;

/** The conformance kit's Lifecycle area against the real VPP (the dataplane starts its own VPP, one per class). */
class VppLifecycleTest extends LifecycleVerification {
    @Override
    protected DataplaneProvider provider() {
        return new VppProvider();
    }
}
