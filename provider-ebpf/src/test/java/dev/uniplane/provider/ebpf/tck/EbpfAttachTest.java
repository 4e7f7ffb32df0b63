package dev.uniplane.provider.ebpf.tck;

import dev.uniplane.provider.ebpf.EbpfProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.AttachVerification;

/** The conformance kit's Attach area against the real eBPF dataplane. */
class EbpfAttachTest extends AttachVerification {
    @Override
    protected DataplaneProvider provider() {
        return new EbpfProvider();
    }
}
