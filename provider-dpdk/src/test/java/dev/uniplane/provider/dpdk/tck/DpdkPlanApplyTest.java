package dev.uniplane.provider.dpdk.tck;

import dev.uniplane.provider.dpdk.DpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.PlanApplyVerification;

/** The conformance kit's PlanApply area against the real DPDK dataplane (policy parts skip: POLICY not declared yet). */
class DpdkPlanApplyTest extends PlanApplyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new DpdkProvider();
    }
}
