package com.example.linuxfib.tck;

import com.example.linuxfib.LinuxFibProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RestartVerification;

/** The kit's Restart area against linuxfib. */
class LinuxFibRestartTest extends RestartVerification {
    @Override
    protected DataplaneProvider provider() {
        return new LinuxFibProvider();
    }
}
