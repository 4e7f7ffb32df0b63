package dev.uniplane.provider.sriov.tck;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.HostileInputVerification;
import java.util.Map;
import org.junit.jupiter.api.Tag;

/**
 * The kit's HostileInput area against SR-IOV, run inside the QEMU igb guest by
 * {@link dev.uniplane.provider.sriov.SriovGuestRunTest}: refused calls leave the VFs (read back by the inspector) and the
 * namespaces as they were; cases that need routes, policies or remotes skip naming the capability.
 */
@Tag("sriov-guest")
class SriovHostileInputTest extends HostileInputVerification {
    @Override
    protected DataplaneProvider provider() {
        return SriovKit.provider();
    }

    @Override
    protected DataplaneConfig.Builder configure(DataplaneConfig.Builder config) {
        return SriovKit.configure(config);
    }

    @Override
    protected Map<String, String> hostileOptions() {
        return Map.of("sriov.vlan", "4095", "sriov.mtu", "-1", "sriov.trust", "maybe");
    }
}
