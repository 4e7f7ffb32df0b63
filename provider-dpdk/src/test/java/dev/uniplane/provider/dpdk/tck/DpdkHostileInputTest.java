package dev.uniplane.provider.dpdk.tck;

import dev.uniplane.provider.dpdk.DpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.HostileInputVerification;

/** The conformance kit's HostileInput area against the real DPDK dataplane (one JVM per class: EAL once per process). */
class DpdkHostileInputTest extends HostileInputVerification {
    @Override
    protected DataplaneProvider provider() {
        return new DpdkProvider();
    }
}
