package dev.uniplane.provider.bgp.tck;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.tck.harness.FrrRouter;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.Topology;

/**
 * The kit's outside namespace as a BGP router: FRR 8.4 (AS 65001) peering with the node's gobgpd (AS 65000) over the
 * uplink, IPv4 on 10.254.0.x and IPv6 on fd00:254::x, announcing 192.0.2.0/24 and 2001:db8:bbbb::/64 (prefixes the
 * kit's tests never use) and learning the node's pod CIDRs. Started once per test class, at the first open.
 */
final class KitFrr implements AutoCloseable {
    static final String LOCAL_AS = "65000";
    private FrrRouter frr;

    /** The BGP options of the kit's dataplane; starts FRR in the topology's outside namespace the first time. */
    DataplaneConfig.Builder configure(DataplaneConfig.Builder config, Topology topology) {
        if (frr == null) {
            RequireAll.prerequisite(FrrRouter.installed(), "FRR's zebra, bgpd and vtysh (apt-get install frr)");
            frr = FrrRouter.start(topology.outside().netns().name(), bgpdConf());
        }
        return config.option("bgp.local-as", LOCAL_AS)
                .option("bgp.peers", "10.254.0.2,as=65001;fd00:254::2,as=65001")
                .option("bgp.pod-cidr", Topology.WORKLOAD_V4 + "," + Topology.WORKLOAD_V6);
    }

    FrrRouter frr() {
        return frr;
    }

    private static String bgpdConf() {
        return """
                frr defaults traditional
                hostname ubc-kit-frr
                !
                router bgp 65001
                 bgp router-id 10.254.0.2
                 no bgp ebgp-requires-policy
                 no bgp network import-check
                 no bgp default ipv4-unicast
                 neighbor 10.254.0.1 remote-as 65000
                 neighbor 10.254.0.1 timers connect 5
                 neighbor fd00:254::1 remote-as 65000
                 neighbor fd00:254::1 timers connect 5
                 !
                 address-family ipv4 unicast
                  network 192.0.2.0/24
                  neighbor 10.254.0.1 activate
                 exit-address-family
                 !
                 address-family ipv6 unicast
                  network 2001:db8:bbbb::/64
                  neighbor fd00:254::1 activate
                 exit-address-family
                !
                """;
    }

    @Override
    public void close() {
        if (frr != null) {
            frr.close();
            frr = null;
        }
    }
}
