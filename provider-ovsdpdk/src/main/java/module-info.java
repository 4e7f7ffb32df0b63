/** Uniplane's OVS-DPDK provider (not implemented yet; its probe reports what is missing). */
module dev.uniplane.provider.ovsdpdk {
    requires dev.uniplane.api;

    provides dev.uniplane.spi.DataplaneProvider with dev.uniplane.provider.ovsdpdk.OvsDpdkProvider;
}
