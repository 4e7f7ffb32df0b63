package dev.uniplane.provider.ebpf.tck;

import dev.uniplane.provider.ebpf.EbpfProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RoutingVerification;

/** The conformance kit's Routing area against the real eBPF dataplane. */
class EbpfRoutingTest extends RoutingVerification {
    @Override
    protected DataplaneProvider provider() {
        return new EbpfProvider();
    }
}
