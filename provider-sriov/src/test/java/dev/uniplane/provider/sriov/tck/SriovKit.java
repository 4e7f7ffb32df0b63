package dev.uniplane.provider.sriov.tck;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.spi.DataplaneProvider;

/**
 * How the kit's areas open an SR-IOV dataplane: the VF netdevs live in the namespace of the PF (the initial one, not
 * the kit's node namespace), there is no uplink (a VF sits on its PF's network), and the guest's igb PF gets 4 VFs.
 */
final class SriovKit {
    private SriovKit() {
    }

    static DataplaneProvider provider() {
        return new dev.uniplane.provider.sriov.SriovProvider();
    }

    static DataplaneConfig.Builder configure(DataplaneConfig.Builder config) {
        return config.hostNetns("/proc/1/ns/net").uplink(null).option("sriov.numvfs", "4");
    }
}
