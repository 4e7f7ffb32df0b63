package com.example.linuxfib.tck;

import com.example.linuxfib.LinuxFibProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RoutingVerification;

/** The kit's Routing area against linuxfib. */
class LinuxFibRoutingTest extends RoutingVerification {
    @Override
    protected DataplaneProvider provider() {
        return new LinuxFibProvider();
    }
}
