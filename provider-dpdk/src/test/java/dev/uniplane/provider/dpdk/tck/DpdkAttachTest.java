package dev.uniplane.provider.dpdk.tck;

import dev.uniplane.provider.dpdk.DpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.AttachVerification;

/** The conformance kit's Attach area against the real DPDK dataplane (one JVM per class: EAL once per process). */
class DpdkAttachTest extends AttachVerification {
    @Override
    protected DataplaneProvider provider() {
        return new DpdkProvider();
    }
}
