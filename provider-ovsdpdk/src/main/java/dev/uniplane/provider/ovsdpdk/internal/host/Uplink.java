package dev.uniplane.provider.ovsdpdk.internal.host;

import dev.uniplane.api.BackendException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.NeighbourResolver;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.PortSpec;
import dev.uniplane.provider.ovsdpdk.internal.program.FlowTables;

/** The uplink as an af_packet port, and how to reach gateways through it. */
public record Uplink(long ofport, MacAddress mac, NeighbourResolver resolver, UplinkShim shim) {

    /** The name of the uplink's port (and interface row) on the bridge. */
    public static String portName(String bridge) {
        return bridge + "-up";
    }


    /** The uplink's port: the shim's inner end as a DPDK af_packet port with the uplink's fixed ofport. */
    public static PortSpec port(String bridge, UplinkShim shim) {
        return PortSpec.dpdkAfPacket(portName(bridge), shim.portInterface()).withOfportRequest(FlowTables.UPLINK_OFPORT);
    }

    /** The gateway's MAC, resolved by the node namespace's kernel on the uplink. */
    public MacAddress gatewayMac(IpAddress gateway) {
        try {
            return resolver.resolve(gateway);
        } catch (LinuxException e) {
            throw new BackendException("resolve gateway " + gateway, e.errnoName(), e.getMessage(), e);
        }
    }
}
