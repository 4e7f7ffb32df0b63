package com.example.linuxfib.tck;

import com.example.linuxfib.LinuxFibProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.LifecycleVerification;

/** The kit's Lifecycle area against linuxfib. */
class LinuxFibLifecycleTest extends LifecycleVerification {
    @Override
    protected DataplaneProvider provider() {
        return new LinuxFibProvider();
    }
}
