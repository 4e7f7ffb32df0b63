package dev.uniplane.provider.ebpf.tck;

import dev.uniplane.provider.ebpf.EbpfProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.HostileInputVerification;
import java.util.Map;

/** The conformance kit's HostileInput area against the real eBPF dataplane. */
class EbpfHostileInputTest extends HostileInputVerification {
    @Override
    protected DataplaneProvider provider() {
        return new EbpfProvider();
    }

    @Override
    protected Map<String, String> hostileOptions() {
        return Map.of("maps.policy-entries", "-5", "maps.routes", "0", "maps.conntrack", "lots");
    }
}
