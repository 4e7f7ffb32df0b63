package dev.uniplane.provider.bgp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.ProviderStats;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RouteInfo;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.bgp.internal.program.FibRoutes;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.FrrRouter;
import dev.uniplane.tck.harness.NamespaceLink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes, each its own namespace with its own BGP dataplane and gobgpd, and an FRR 8.4 router peering with both:
 *
 * <pre>
 *   wA (10.201.0.5) - node A (AS 65001) --10.81.1.0/24-- FRR (AS 65100) --10.81.2.0/24-- node B (AS 65002) - wB (10.202.0.7)
 * </pre>
 * A announces 10.201.0.0/24, B 10.202.0.0/24 and its endpoints' /32s. wA reaches wB over BGP-learned routes only;
 * detaching wB withdraws its /32 on A; killing FRR's bgpd removes A's learned routes, or keeps them with graceful
 * restart.
 */
class BgpTwoNodeTest {
    private static final Duration CONVERGE = Duration.ofSeconds(40);
    private final String id = "ubc" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private final List<String> namespaces = new ArrayList<>();
    private final List<Dataplane> dataplanes = new ArrayList<>();
    private FrrRouter frr;
    private Dataplane a;
    private Dataplane b;

    private void topology(boolean gracefulRestart) {
        RequireAll.prerequisite("0".equals(FrrRouter.sh("id", "-u").trim()), "root (namespaces, veths, daemons)");
        RequireAll.prerequisite(new BgpProvider().probe().available(), "the bgp provider: " + new BgpProvider().probe().describe());
        RequireAll.prerequisite(FrrRouter.installed(), "FRR's zebra, bgpd and vtysh (apt-get install frr)");
        String nodeA = netns("a");
        String nodeB = netns("b");
        String router = netns("r");
        link(nodeA, router, "a", "10.81.1.1/24", "10.81.1.2/24");
        link(nodeB, router, "b", "10.81.2.1/24", "10.81.2.2/24");
        FrrRouter.sh("ip", "netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        frr = FrrRouter.start(router, frrConf(gracefulRestart));
        a = open(nodeA, id + "a0", "65001", "10.81.1.2", "10.201.0.0/24", false, gracefulRestart);
        b = open(nodeB, id + "b0", "65002", "10.81.2.2", "10.202.0.0/24", true, gracefulRestart);
    }

    @Test
    void workloadsOnTwoNodesReachEachOtherThroughLearnedRoutesAndADetachWithdraws() {
        topology(false);
        String wA = workload(a, "wa", "10.201.0.5");
        String wB = workload(b, "wb", "10.202.0.7");

        awaitLearned(id + "a", "10.202.0.0/24", true);
        awaitLearned(id + "b", "10.201.0.0/24", true);
        awaitLearned(id + "a", "10.202.0.7/32", true);
        assertThat(Pings.reach(wA, "10.202.0.7")).as("wA pings wB through BGP-learned routes").isTrue();
        assertThat(Pings.reach(wB, "10.201.0.5")).as("and back").isTrue();
        ProviderStats peers = a.stats().extension("bgp.peers").orElseThrow();
        ProviderStats.Row frrRow = peers.row("10.81.1.2").orElseThrow();
        assertThat(frrRow.attributes()).containsEntry("state", "ESTABLISHED").containsEntry("asn", "65100");
        assertThat(frrRow.gauges().get("ipv4.accepted")).as("prefixes accepted from FRR").isGreaterThanOrEqualTo(2L);
        assertThat(frrRow.gauges().get("ipv4.advertised")).as("A's pod CIDR advertised").isGreaterThanOrEqualTo(1L);

        b.detach(EndpointId.of("wb"));
        awaitLearned(id + "a", "10.202.0.7/32", false);
        assertThat(learned(id + "a")).as("the pod CIDR stays").contains(IpPrefix.parse("10.202.0.0/24"));

        frr.killBgpd();
        awaitLearned(id + "a", "10.202.0.0/24", false);
        assertThat(learned(id + "a")).as("no learned route left on A once FRR's bgpd is gone").isEmpty();
    }

    @Test
    void withGracefulRestartLearnedRoutesOutliveTheRoutersBgpd() throws InterruptedException {
        topology(true);
        awaitLearned(id + "a", "10.202.0.0/24", true);

        frr.killBgpd();
        // The session is down at once (the kernel resets the TCP connection); the routes stay for the restart time.
        FrrRouter.await(() -> a.stats().extension("bgp.peers").flatMap(p -> p.row("10.81.1.2"))
                .map(r -> !"ESTABLISHED".equals(r.attributes().get("state"))).orElse(false), CONVERGE, "the session to go down");
        Thread.sleep(3000);
        assertThat(learned(id + "a")).as("stale but kept (graceful restart)").contains(IpPrefix.parse("10.202.0.0/24"));
    }

    @Test
    void withGracefulRestartACloseLeavesGobgpdAndTheLearnedRoutesAndAReopenAdoptsThem() {
        topology(true);
        workload(a, "wa", "10.201.0.5");
        String wB = workload(b, "wb", "10.202.0.7");
        awaitLearned(id + "a", "10.202.0.0/24", true);
        awaitLearned(id + "b", "10.201.0.0/24", true);
        var before = a.currentState();
        String pid = FrrRouter.sh("ip", "netns", "pids", id + "a").trim();

        a.close();
        assertThat(learned(id + "a")).as("learned routes stay while closed").contains(IpPrefix.parse("10.202.0.0/24"));
        assertThat(Pings.reach(wB, "10.201.0.5")).as("B still reaches A's workload: the router keeps A's prefix").isTrue();

        a = open(id + "a", id + "a0", "65001", "10.81.1.2", "10.201.0.0/24", false, true);
        assertThat(a.currentState()).isEqualTo(before);
        assertThat(FrrRouter.sh("ip", "netns", "pids", id + "a").trim()).as("the same gobgpd, adopted").isEqualTo(pid);
        assertThat(learned(id + "a")).contains(IpPrefix.parse("10.202.0.0/24"));
        assertThat(Pings.reach(wB, "10.201.0.5")).isTrue();
    }

    private Dataplane open(String netns, String name, String as, String peer, String podCidr, boolean announceEndpoints,
                           boolean gracefulRestart) {
        DataplaneConfig.Builder config = DataplaneConfig.builder().provider(BgpProvider.NAME).name(name)
                .hostNetns(NetNs.RUN_DIR.resolve(netns).toString()).uplink(linkName(netns))
                .option("bgp.local-as", as).option("bgp.peers", peer + ",as=65100").option("bgp.pod-cidr", podCidr)
                .option("bgp.announce-endpoints", Boolean.toString(announceEndpoints));
        if (gracefulRestart) {
            config.option("bgp.graceful-restart", "true").option("bgp.restart-time", "30s");
        }
        Dataplane dp = new BgpProvider().open(config.build());
        dataplanes.add(dp);
        return dp;
    }

    private String workload(Dataplane dp, String name, String address) {
        String ns = netns(name);
        dp.attach(AttachSpec.builder(name).netns(NetNs.RUN_DIR.resolve(ns).toString()).interfaceName("eth0").address(address).build());
        return ns;
    }

    private void awaitLearned(String netns, String prefix, boolean present) {
        IpPrefix p = IpPrefix.parse(prefix);
        FrrRouter.await(() -> learned(netns).contains(p) == present, CONVERGE,
                prefix + (present ? " learned" : " withdrawn") + " in " + netns + " (learned now: " + learned(netns) + ")");
    }

    /** The learned routes in the main table of {@code netns}. */
    private static Set<IpPrefix> learned(String netns) {
        try (NetNs ns = NetNs.open(netns); RtNetlink nl = RtNetlink.open(ns)) {
            return nl.routes(RtNetlink.AF_INET, RouteSpec.TABLE_MAIN).stream()
                    .filter(r -> r.protocol() == FibRoutes.PROTO_BGP && r.priority() == FibRoutes.LEARNED_METRIC)
                    .map(RouteInfo::destination).collect(Collectors.toSet());
        }
    }

    private String netns(String suffix) {
        String name = id + suffix;
        NetNs.create(name).close();
        namespaces.add(name);
        FrrRouter.sh("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    private String linkName(String netns) {
        return netns.substring(id.length()) + id + "u";
    }

    private void link(String node, String router, String tag, String nodeAddress, String routerAddress) {
        NamespaceLink.connect(node, linkName(node), nodeAddress, router, tag + id + "d", routerAddress);
    }

    private static String frrConf(boolean gracefulRestart) {
        return """
                frr defaults traditional
                hostname ubc-frr
                !
                router bgp 65100
                 bgp router-id 10.81.1.2
                 no bgp ebgp-requires-policy
                 no bgp network import-check
                %s
                 neighbor 10.81.1.1 remote-as 65001
                 neighbor 10.81.1.1 timers connect 5
                 neighbor 10.81.2.1 remote-as 65002
                 neighbor 10.81.2.1 timers connect 5
                !
                """.formatted(gracefulRestart ? " bgp graceful-restart\n bgp graceful-restart restart-time 30" : "");
    }

    @AfterEach
    void cleanup() {
        for (Dataplane dp : dataplanes.reversed()) {
            try {
                dp.destroy();
            } catch (RuntimeException e) {
                // reported by the test that failed
            }
        }
        if (frr != null) {
            frr.close();
        }
        for (String ns : namespaces.reversed()) {
            if (Files.exists(Path.of("/run/netns", ns))) {
                NetNs.delete(ns);
            }
        }
    }
}
