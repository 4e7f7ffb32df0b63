package dev.uniplane.provider.ovsdpdk.tck;

import dev.uniplane.provider.ovsdpdk.OvsDpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RestartVerification;

/** The conformance kit's Restart area against the real OVS-DPDK dataplane. */
class OvsDpdkRestartTest extends RestartVerification {
    @Override
    protected DataplaneProvider provider() {
        return new OvsDpdkProvider();
    }
}
