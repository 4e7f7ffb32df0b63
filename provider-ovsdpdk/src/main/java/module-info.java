/**
 * Uniplane's OVS-DPDK provider. The dataplane is not implemented yet (its probe reports what is missing); the internal
 * packages hold the foundation: a private ovsdb-server/ovs-vswitchd-dpdk pair, an OVSDB JSON-RPC client and an
 * OpenFlow 1.3 codec and channel.
 */
module dev.uniplane.provider.ovsdpdk {
    requires dev.uniplane.api;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    provides dev.uniplane.spi.DataplaneProvider with dev.uniplane.provider.ovsdpdk.OvsDpdkProvider;
}
