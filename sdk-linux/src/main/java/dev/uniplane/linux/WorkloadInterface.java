package dev.uniplane.linux;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;

import java.util.List;

/**
 * The workload end of a point-to-point attachment (a veth whose other end the dataplane owns), configured the way
 * Calico and Cilium do it: one host address per family (/32, /128), a default route via a fixed link-local gateway
 * (169.254.1.1, fe80::1) and a permanent neighbour entry that pins the gateway to the dataplane side's MAC. The
 * workload then never ARPs for its gateway, and the dataplane needs no bridge and no ARP proxy.
 */
public final class WorkloadInterface {
    /** The IPv4 gateway every workload routes through. */
    public static final IpAddress GATEWAY_V4 = IpAddress.parse("169.254.1.1");
    /** The IPv6 gateway every workload routes through. */
    public static final IpAddress GATEWAY_V6 = IpAddress.parse("fe80::1");

    private WorkloadInterface() {
    }

    /**
     * Inside {@code workload}: sets {@code mac} on {@code interfaceName}, brings it and {@code lo} up, adds each address
     * as a host prefix (no DAD), the gateway's neighbour entry and the default route of each address family.
     */
    public static void configure(NetNs workload, String interfaceName, MacAddress mac, List<IpAddress> addresses,
                                 MacAddress gatewayMac) {
        try (RtNetlink nl = RtNetlink.open(workload)) {
            int eth = nl.index(interfaceName);
            nl.setMac(eth, mac);
            nl.setUp(nl.index("lo"), true);
            nl.setUp(eth, true);
            for (IpAddress address : addresses) {
                boolean v4 = address.isV4();
                nl.addAddress(eth, InterfaceAddress.host(address), AddressInfo.IFA_F_NODAD);
                IpAddress gateway = v4 ? GATEWAY_V4 : GATEWAY_V6;
                if (v4) {
                    // A /32 has no connected subnet: the gateway needs a link route before it can be a next hop.
                    nl.addRoute(RouteSpec.to(IpPrefix.host(gateway)).dev(eth).scope(RouteSpec.SCOPE_LINK).build());
                }
                nl.addNeighbour(eth, gateway, gatewayMac, NeighbourInfo.NUD_PERMANENT);
                nl.addRoute(RouteSpec.to(v4 ? "0.0.0.0/0" : "::/0").via(gateway).dev(eth).build());
            }
        }
    }
}
