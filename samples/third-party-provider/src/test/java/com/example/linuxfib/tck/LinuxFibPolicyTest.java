package com.example.linuxfib.tck;

import com.example.linuxfib.LinuxFibProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.PolicyVerification;

/** The kit's Policy area against linuxfib. */
class LinuxFibPolicyTest extends PolicyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new LinuxFibProvider();
    }
}
