package dev.uniplane.provider.ovsdpdk.tck;

import dev.uniplane.provider.ovsdpdk.OvsDpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.LifecycleVerification;

/** The conformance kit's Lifecycle area against the real OVS-DPDK dataplane. */
class OvsDpdkLifecycleTest extends LifecycleVerification {
    @Override
    protected DataplaneProvider provider() {
        return new OvsDpdkProvider();
    }
}
