package dev.uniplane.provider.bgp.tck;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.provider.bgp.BgpProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.HostileInputVerification;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The kit's HostileInput area against the BGP provider, with FRR peering from the kit's outside namespace. */
class BgpHostileInputTest extends HostileInputVerification {
    private final KitFrr frr = new KitFrr();

    @Override
    protected DataplaneProvider provider() {
        return new BgpProvider();
    }

    @Override
    protected DataplaneConfig.Builder configure(DataplaneConfig.Builder config) {
        return frr.configure(config, topology());
    }

    @Override
    protected Map<String, String> hostileOptions() {
        // not bgp.local-as, bgp.peers or bgp.pod-cidr: configure() sets those after the kit's hostile value
        return Map.of("bgp.router-id", "fd00::1", "bgp.communities", "65001", "bgp.restart-time", "1h30m",
                "bgp.grpc", "127.0.0.1:99999", "bgp.listen-port", "0", "bgp.multipath", "maybe", "bgp.announce-endpoints", "2");
    }

    @AfterAll
    void stopFrr() {
        frr.close();
    }
}
