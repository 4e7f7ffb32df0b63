package dev.uniplane.provider.ebpf.tck;

import dev.uniplane.provider.ebpf.EbpfProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.PolicyVerification;

/** The conformance kit's Policy area against the real eBPF dataplane. */
class EbpfPolicyTest extends PolicyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new EbpfProvider();
    }
}
