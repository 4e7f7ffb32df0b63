package dev.uniplane.provider.ebpf.tck;

import dev.uniplane.provider.ebpf.EbpfProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RestartVerification;

/** The conformance kit's Restart area against the real eBPF dataplane (pinned maps, adopted state). */
class EbpfRestartTest extends RestartVerification {
    @Override
    protected DataplaneProvider provider() {
        return new EbpfProvider();
    }
}
