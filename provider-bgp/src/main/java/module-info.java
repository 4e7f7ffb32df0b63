/** Uniplane's BGP provider (not implemented yet; its probe reports what is missing). */
module dev.uniplane.provider.bgp {
    requires dev.uniplane.api;

    provides dev.uniplane.spi.DataplaneProvider with dev.uniplane.provider.bgp.BgpProvider;
}
