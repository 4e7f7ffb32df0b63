package dev.uniplane.provider.ebpf.tck;

import dev.uniplane.provider.ebpf.EbpfProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.LifecycleVerification;

/** The conformance kit's Lifecycle area against the real eBPF dataplane. */
class EbpfLifecycleTest extends LifecycleVerification {
    @Override
    protected DataplaneProvider provider() {
        return new EbpfProvider();
    }
}
