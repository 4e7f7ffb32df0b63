package dev.uniplane.provider.ebpf;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.AddressInfo;
import dev.uniplane.linux.IpPrefix;
import dev.uniplane.linux.NeighbourInfo;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;

/**
 * Configures the workload end of an endpoint's veth inside the workload namespace: MAC, host address(es), a default
 * route to the fixed gateway and a permanent neighbour entry for the gateway with the host veth's MAC.
 */
final class WorkloadSide {
    private WorkloadSide() {
    }

    static void configure(NetNs workload, AttachSpec spec, MacAddress mac, MacAddress hostMac) {
        try (RtNetlink nl = RtNetlink.open(workload)) {
            int eth = nl.index(spec.interfaceName());
            nl.setMac(eth, dev.uniplane.linux.MacAddress.parse(mac.toString()));
            nl.setUp(nl.index("lo"), true);
            nl.setUp(eth, true);
            var gwMac = dev.uniplane.linux.MacAddress.parse(hostMac.toString());
            for (IpAddress address : spec.addresses()) {
                boolean v4 = address.family() == IpFamily.IPV4;
                nl.addAddress(eth, IpPrefix.parse(address + (v4 ? "/32" : "/128")), AddressInfo.IFA_F_NODAD);
                IpAddress gateway = v4 ? EbpfDataplane.GATEWAY_V4 : EbpfDataplane.GATEWAY_V6;
                if (v4) {
                    nl.addRoute(RouteSpec.to(gateway + "/32").dev(eth).scope(RouteSpec.SCOPE_LINK).build());
                }
                nl.addNeighbour(eth, gateway.toInetAddress(), gwMac, NeighbourInfo.NUD_PERMANENT);
                nl.addRoute(RouteSpec.to(v4 ? "0.0.0.0/0" : "::/0").via(gateway.toInetAddress()).dev(eth).build());
            }
        }
    }
}
