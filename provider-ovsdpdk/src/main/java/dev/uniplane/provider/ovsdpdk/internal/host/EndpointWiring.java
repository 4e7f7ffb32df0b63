package dev.uniplane.provider.ovsdpdk.internal.host;

import dev.uniplane.linux.Ethtool;
import dev.uniplane.linux.VethWorkload;
import java.util.EnumSet;
import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.PortSpec;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.Rows.InterfaceRow;
import dev.uniplane.spi.HostInterfaceNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything of an endpoint but its flows: the veth pair (host end {@code <name>e<index>}), the workload side, and the
 * host end as a DPDK af_packet port of the bridge with {@code ofport = index}; and taking them away again.
 */
public final class EndpointWiring {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointWiring.class);

    private final String bridge;
    private final NetNs node;
    private final RtNetlink nodeLinks;
    private final OvsInstance ovs;
    private final MacAddress gatewayMac;

    public EndpointWiring(String bridge, NetNs node, RtNetlink nodeLinks, OvsInstance ovs, MacAddress gatewayMac) {
        this.bridge = bridge;
        this.node = node;
        this.nodeLinks = nodeLinks;
        this.ovs = ovs;
        this.gatewayMac = gatewayMac;
    }

    /** Wires the endpoint with this index; undone on failure. */
    public Wiring wire(AttachSpec spec, AttachKind kind, int index) {
        String hostName = hostInterfaceName(index);
        try {
            MacAddress mac = spec.macAddress().orElseGet(() -> MacAddress.locallyAdministered(
                    ((long) bridge.hashCode() << 16) ^ index ^ ((long) spec.id().hashCode() << 24)));
            // Offloads off (NOTES 4.3): af_packet hands packets on as they are, so a checksum left to offload would
            // never be filled in and TCP would stall.
            VethWorkload.create(nodeLinks, hostName, spec, mac, gatewayMac,
                    EnumSet.of(Ethtool.Offload.TX_CHECKSUM, Ethtool.Offload.TSO, Ethtool.Offload.GSO));
            HostEnds.disableIpv6(node, hostName);
            nodeLinks.setUp(hostName, true);
            InterfaceRow row = ovs.ovsdb().addPort(bridge, PortSpec.dpdkAfPacket(hostName, hostName).withOfportRequest(index));
            return new Wiring(index, row.ofport().orElseThrow(), hostName, mac, spec, kind);
        } catch (RuntimeException e) {
            nodeLinks.deleteLinkIfPresent(hostName);
            throw e;
        }
    }

    /** The veth's host end: {@code <stem>e<index>} (index up to 4095). */
    private String hostInterfaceName(int index) {
        return HostInterfaceNames.of(bridge, "e", index);
    }

    /** Deletes the port if the bridge has it; a failure is added to {@code failure} (or logged when that is null). */
    public void deletePortQuietly(String port, RuntimeException failure) {
        try {
            if (ovs.ovsdb().iface(port).isPresent()) {
                ovs.ovsdb().deletePort(bridge, port);
            }
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                LOG.warn("cannot delete port {}: {}", port, e.getMessage());
            }
        }
    }

    /** Deletes a host end that a restart left behind; a failure is logged. */
    public void deleteLeftoverLink(String name) {
        try {
            if (nodeLinks.findLink(name).isPresent()) {
                nodeLinks.deleteLink(name);
            }
        } catch (LinuxException e) {
            LOG.warn("cannot delete leftover {}: {}", name, e.getMessage());
        }
    }
}
