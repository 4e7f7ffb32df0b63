package com.example.linuxfib.tck;

import com.example.linuxfib.LinuxFibProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.PlanApplyVerification;

/** The kit's PlanApply area against linuxfib. */
class LinuxFibPlanApplyTest extends PlanApplyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new LinuxFibProvider();
    }
}
