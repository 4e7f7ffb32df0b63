package dev.uniplane.provider.ovsdpdk.tck;

import dev.uniplane.provider.ovsdpdk.OvsDpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.HostileInputVerification;

/** The conformance kit's HostileInput area against the real OVS-DPDK dataplane. */
class OvsDpdkHostileInputTest extends HostileInputVerification {
    @Override
    protected DataplaneProvider provider() {
        return new OvsDpdkProvider();
    }
}
