package dev.uniplane.provider.ebpf.tck;

import dev.uniplane.provider.ebpf.EbpfProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.DifferentialPolicyVerification;

/** The conformance kit's DifferentialPolicy area against the real eBPF dataplane. */
class EbpfDifferentialPolicyTest extends DifferentialPolicyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new EbpfProvider();
    }
}
