package com.example.linuxfib.tck;

import com.example.linuxfib.LinuxFibProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.DifferentialPolicyVerification;

/** The kit's DifferentialPolicy area against linuxfib. */
class LinuxFibDifferentialPolicyTest extends DifferentialPolicyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new LinuxFibProvider();
    }
}
