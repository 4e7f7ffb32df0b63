package dev.uniplane.provider.vpp.tck;

import dev.uniplane.provider.vpp.VppProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.PlanApplyVerification;

/** The conformance kit's PlanApply area against the real VPP (the dataplane starts its own VPP, one per class). */
class VppPlanApplyTest extends PlanApplyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new VppProvider();
    }
}
