package dev.uniplane.provider.vpp.tck;

import dev.uniplane.provider.vpp.VppProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.StatsVerification;

/** The conformance kit's Stats area against the real VPP (the dataplane starts its own VPP, one per class). */
class VppStatsTest extends StatsVerification {
    @Override
    protected DataplaneProvider provider() {
        return new VppProvider();
    }
}
