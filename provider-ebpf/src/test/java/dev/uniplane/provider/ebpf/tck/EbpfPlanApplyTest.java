package dev.uniplane.provider.ebpf.tck;

import dev.uniplane.provider.ebpf.EbpfProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.PlanApplyVerification;

/** The conformance kit's PlanApply area against the real eBPF dataplane. */
class EbpfPlanApplyTest extends PlanApplyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new EbpfProvider();
    }
}
