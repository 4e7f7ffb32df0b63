/** Uniplane's VPP provider (not implemented yet; its probe reports what is missing). */
module dev.uniplane.provider.vpp {
    requires dev.uniplane.api;
    requires dev.uniplane.linux;
    requires org.slf4j;

    provides dev.uniplane.spi.DataplaneProvider with dev.uniplane.provider.vpp.VppProvider;
}
