package dev.uniplane.provider.bgp.tck;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.provider.bgp.BgpProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.AttachVerification;
import org.junit.jupiter.api.AfterAll;

/** The kit's Attach area against the BGP provider, with FRR peering from the kit's outside namespace. */
class BgpAttachTest extends AttachVerification {
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
