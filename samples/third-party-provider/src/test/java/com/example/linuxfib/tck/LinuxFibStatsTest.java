package com.example.linuxfib.tck;

import com.example.linuxfib.LinuxFibProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.StatsVerification;

/** The kit's Stats area against linuxfib. */
class LinuxFibStatsTest extends StatsVerification {
    @Override
    protected DataplaneProvider provider() {
        return new LinuxFibProvider();
    }
}
