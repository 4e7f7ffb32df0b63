package com.example.linuxfib.tck;

import com.example.linuxfib.LinuxFibProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.HostileInputVerification;

/** The kit's Lifecycle area against linuxfib. */
class LinuxFibHostileInputTest extends HostileInputVerification {
    @Override
    protected DataplaneProvider provider() {
        return new LinuxFibProvider();
    }
}
