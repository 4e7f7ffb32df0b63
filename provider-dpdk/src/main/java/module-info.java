/**
 * Uniplane's DPDK provider. The dataplane is not implemented yet (issue #7; its probe reports what is missing); the
 * internal packages hold the foundation: FFM bindings and the shim ({@code internal.ffm}), the process-wide EAL
 * ({@code internal.eal}) and the Java forwarding loop ({@code internal.fastpath}). None is exported.
 */
module dev.uniplane.provider.dpdk {
    requires dev.uniplane.api;
    requires java.management;
    requires org.slf4j;

    provides dev.uniplane.spi.DataplaneProvider with dev.uniplane.provider.dpdk.DpdkProvider;
}
