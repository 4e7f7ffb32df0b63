/** Uniplane's SR-IOV provider (not implemented yet; its probe reports what is missing). */
module dev.uniplane.provider.sriov {
    requires dev.uniplane.api;

    provides dev.uniplane.spi.DataplaneProvider with dev.uniplane.provider.sriov.SriovProvider;
}
