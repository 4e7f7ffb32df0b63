/**
 * Uniplane's OVS-DPDK provider: a netdev bridge per dataplane on a private ovsdb-server/ovs-vswitchd-dpdk pair, veth
 * workloads as DPDK af_packet ports, IPv4 routing/ECMP in OpenFlow 1.3. The internal packages (daemon control, OVSDB
 * JSON-RPC client, OpenFlow codec and channel) are not exported.
 */
module dev.uniplane.provider.ovsdpdk {
    requires dev.uniplane.api;
    requires dev.uniplane.linux;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    opens dev.uniplane.provider.ovsdpdk.internal.state to com.fasterxml.jackson.databind;

    provides dev.uniplane.spi.DataplaneProvider with dev.uniplane.provider.ovsdpdk.OvsDpdkProvider;
}
