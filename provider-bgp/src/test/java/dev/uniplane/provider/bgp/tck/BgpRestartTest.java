package dev.uniplane.provider.bgp.tck;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.provider.bgp.BgpProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RestartVerification;
import org.junit.jupiter.api.AfterAll;

/** The kit's Restart area against the BGP provider, with FRR peering from the kit's outside namespace. */
class BgpRestartTest extends RestartVerification {
    private final KitFrr frr = new KitFrr();

    @Override
    protected DataplaneProvider provider() {
        return new BgpProvider();
    }

    @Override
    protected DataplaneConfig.Builder configure(DataplaneConfig.Builder config) {
        return frr.configure(config, topology());
    }

    @AfterAll
    void stopFrr() {
        frr.close();
    }
}
