package dev.uniplane.provider.vpp.tck;

import dev.uniplane.provider.vpp.VppProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.HostileInputVerification;
import java.util.Map;

/** The conformance kit's HostileInput area against the real VPP, with the VPP options' bad values. */
class VppHostileInputTest extends HostileInputVerification {
    @Override
    protected DataplaneProvider provider() {
        return new VppProvider();
    }

    @Override
    protected Map<String, String> hostileOptions() {
        return Map.of("vpp.buffers", "-5", "vpp.main-heap", "lots", "vpp.socket", "relative/api.sock",
                "vpp.start-timeout", "-1s");
    }
}
