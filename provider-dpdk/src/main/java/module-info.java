/**
 * Uniplane's DPDK provider: {@code DpdkDataplane}, an IPv4 router on the EAL lcore with AF_PACKET endpoints. The internal
 * packages hold FFM bindings and the shim ({@code internal.ffm}), the process-wide EAL ({@code internal.eal}) and the
 * fast path ({@code internal.fastpath}: the router, its tables and counters). None is exported.
 */
module dev.uniplane.provider.dpdk {
    requires dev.uniplane.api;
    requires dev.uniplane.linux;
    requires java.management;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;

    opens dev.uniplane.provider.dpdk.internal.state to com.fasterxml.jackson.databind;

    provides dev.uniplane.spi.DataplaneProvider with dev.uniplane.provider.dpdk.DpdkProvider;
}
