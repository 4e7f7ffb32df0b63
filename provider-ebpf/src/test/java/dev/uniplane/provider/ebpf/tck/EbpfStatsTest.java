package dev.uniplane.provider.ebpf.tck;

import dev.uniplane.provider.ebpf.EbpfProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.StatsVerification;

/** The conformance kit's Stats area against the real eBPF dataplane. */
class EbpfStatsTest extends StatsVerification {
    @Override
    protected DataplaneProvider provider() {
        return new EbpfProvider();
    }
}
