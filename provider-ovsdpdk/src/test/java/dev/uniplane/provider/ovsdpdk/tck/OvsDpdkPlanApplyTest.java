package dev.uniplane.provider.ovsdpdk.tck;

import dev.uniplane.provider.ovsdpdk.OvsDpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.PlanApplyVerification;

/** The conformance kit's PlanApply area against the real OVS-DPDK dataplane (policy parts skip: POLICY not declared). */
class OvsDpdkPlanApplyTest extends PlanApplyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new OvsDpdkProvider();
    }
}
