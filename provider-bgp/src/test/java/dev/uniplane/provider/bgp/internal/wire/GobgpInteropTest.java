package dev.uniplane.provider.bgp.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.provider.bgp.internal.daemon.GobgpDaemon;
import dev.uniplane.spi.BackendFailure;
import dev.uniplane.tck.RequireAll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Our gobgpd (driven only through {@link GobgpClient}) against FRR 8.4's bgpd and a second gobgpd, each in its own
 * namespace on veths: IPv4 and IPv6 sessions (the IPv4 session to FRR with TCP-MD5), prefixes announced on each side
 * arrive at the others, communities included.
 *
 * <pre>
 *   FRR (AS 65002) --10.71.1.0/24, fd71:1::/64-- OURS (AS 65001) --10.71.2.0/24, fd71:2::/64-- GOBGP2 (AS 65003)
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GobgpInteropTest {
    private static final String MD5 = "hbgp-s3cret";
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(30);
    private static final IpPrefix OURS_V4 = IpPrefix.parse("10.200.1.0/24");
    private static final IpPrefix OURS_V6 = IpPrefix.parse("2001:db8:a::/48");
    private static final IpPrefix FRR_V4 = IpPrefix.parse("10.200.2.0/24");
    private static final IpPrefix FRR_V6 = IpPrefix.parse("2001:db8:f::/48");
    private static final IpPrefix G2_V4 = IpPrefix.parse("10.200.3.0/24");
    private static final IpPrefix G2_V6 = IpPrefix.parse("2001:db8:3::/48");
    private static final long COMMUNITY = BgpRoute.community(65001, 100);

    private static final List<String> SESSIONS = List.of("10.71.1.2", "fd71:1::2", "10.71.2.2", "fd71:2::2");
    private BgpTestbed bed;
    private String nsOurs;
    private String nsG2;
    private GobgpClient ours;
    private GobgpClient gobgp2;
    private Path frr;
    private GobgpClient.Watch watch;
    /** Best paths on ours as the watch reported them (withdrawals remove). */
    private final Map<IpPrefix, BgpRoute> watched = new ConcurrentHashMap<>();
    private final Map<String, BgpPeerStatus.SessionState> peerEvents = new ConcurrentHashMap<>();

    @BeforeAll
    void topology() throws Exception {
        RequireAll.prerequisite("0".equals(BgpTestbed.sh("id", "-u").trim()), "root (namespaces, veths, daemons)");
        RequireAll.prerequisite(onPath("gobgpd"), "gobgpd on PATH (apt-get install gobgpd)");
        RequireAll.prerequisite(Files.isExecutable(BgpTestbed.BGPD) && Files.isExecutable(BgpTestbed.ZEBRA)
                && Files.isExecutable(Path.of(BgpTestbed.VTYSH)), "FRR's bgpd, zebra and vtysh (apt-get install frr)");
        RequireAll.prerequisite(Files.isExecutable(Path.of(GobgpDaemon.NSENTER)), "nsenter (util-linux)");
        bed = new BgpTestbed();
        try {
            nsOurs = bed.netns("o");
            String nsFrr = bed.netns("f");
            nsG2 = bed.netns("g");
            bed.link(nsOurs, nsFrr, "of", "10.71.1.1/24", "10.71.1.2/24", "fd71:1::1/64", "fd71:1::2/64");
            bed.link(nsOurs, nsG2, "og", "10.71.2.1/24", "10.71.2.2/24", "fd71:2::1/64", "fd71:2::2/64");
            // For the MD5 mismatch test: a second address pair on the same link.
            bed.addAddress(nsOurs, bed.linkName("og", 'a'), "10.71.3.1/24");
            bed.addAddress(nsG2, bed.linkName("og", 'b'), "10.71.3.2/24");
            frr = bed.frr(nsFrr, frrConfig());

            ours = bed.gobgpd(nsOurs).client();
            watch = ours.watch(true, true, new GobgpClient.WatchListener() {
                @Override
                public void onRoutes(List<BgpRoute> routes) {
                    routes.forEach(r -> {
                        if (r.withdrawal()) {
                            watched.remove(r.prefix());
                        } else {
                            watched.put(r.prefix(), r);
                        }
                    });
                }

                @Override
                public void onPeer(BgpPeerStatus peer) {
                    peerEvents.put(peer.address(), peer.state());
                }
            });
            ours.startBgp(BgpGlobal.of(65001, IpAddress.parse("10.71.1.1"), 179));
            ours.addPeer(BgpPeerConfig.of(IpAddress.parse("10.71.1.2"), 65002).withFamilies(Set.of(IpFamily.IPV4)).withMd5(MD5));
            ours.addPeer(BgpPeerConfig.of(IpAddress.parse("fd71:1::2"), 65002).withFamilies(Set.of(IpFamily.IPV6)));
            ours.addPeer(BgpPeerConfig.of(IpAddress.parse("10.71.2.2"), 65003).withFamilies(Set.of(IpFamily.IPV4)));
            ours.addPeer(BgpPeerConfig.of(IpAddress.parse("fd71:2::2"), 65003).withFamilies(Set.of(IpFamily.IPV6)));
            ours.addPath(BgpRoute.announce(OURS_V4, IpAddress.parse("10.71.1.1"), List.of(COMMUNITY)));
            ours.addPath(BgpRoute.announce(OURS_V6, IpAddress.parse("fd71:1::1"), List.of(COMMUNITY)));

            gobgp2 = bed.gobgpd(nsG2).client();
            gobgp2.startBgp(BgpGlobal.of(65003, IpAddress.parse("10.71.2.2"), 179));
            gobgp2.addPeer(BgpPeerConfig.of(IpAddress.parse("10.71.2.1"), 65001).withFamilies(Set.of(IpFamily.IPV4)));
            gobgp2.addPeer(BgpPeerConfig.of(IpAddress.parse("fd71:2::1"), 65001).withFamilies(Set.of(IpFamily.IPV6)));
            gobgp2.addPath(BgpRoute.announce(G2_V4, IpAddress.parse("10.71.2.2"), List.of()));
            gobgp2.addPath(BgpRoute.announce(G2_V6, IpAddress.parse("fd71:2::2"), List.of()));
        } catch (Throwable t) {
            bed.close();
            throw t;
        }
    }

    private static String frrConfig() {
        return """
                frr defaults traditional
                hostname hbgp-frr
                !
                router bgp 65002
                 bgp router-id 10.71.1.2
                 no bgp ebgp-requires-policy
                 no bgp network import-check
                 no bgp default ipv4-unicast
                 neighbor 10.71.1.1 remote-as 65001
                 neighbor 10.71.1.1 password %s
                 neighbor 10.71.1.1 timers connect 5
                 neighbor fd71:1::1 remote-as 65001
                 neighbor fd71:1::1 timers connect 5
                 !
                 address-family ipv4 unicast
                  network 10.200.2.0/24
                  neighbor 10.71.1.1 activate
                 exit-address-family
                 !
                 address-family ipv6 unicast
                  network 2001:db8:f::/48
                  neighbor fd71:1::1 activate
                 exit-address-family
                !
                """.formatted(MD5);
    }

    @AfterAll
    void cleanUp() {
        if (watch != null) {
            watch.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void everySessionComesUpForIpv4AndIpv6IncludingMd5() {
        BgpTestbed.await(() -> ours.listPeers().stream().filter(p -> SESSIONS.contains(p.address()))
                        .filter(BgpPeerStatus::established).count() == 4, SESSION_TIMEOUT,
                "4 established sessions on ours: " + ours.listPeers());

        assertThat(ours.listPeers()).extracting(BgpPeerStatus::address).containsAll(SESSIONS);
        BgpPeerStatus frrV4 = ours.peer(IpAddress.parse("10.71.1.2")).orElseThrow();
        assertThat(frrV4.asn()).isEqualTo(65002);
        assertThat(frrV4.routerId()).isEqualTo("10.71.1.2");
        // GoBGP's default hold time (90 s) against FRR's (180 s): the smaller one wins.
        assertThat(frrV4.negotiatedHoldTime()).isEqualTo(Duration.ofSeconds(90));
        // The other side's view: FRR's own json and the second gobgpd's ListPeer.
        BgpTestbed.await(() -> frrSays("show bgp ipv4 unicast summary json", "\"10.71.1.1\"", "\"state\":\"Established\"")
                && frrSays("show bgp ipv6 unicast summary json", "\"fd71:1::1\"", "\"state\":\"Established\""),
                SESSION_TIMEOUT, "FRR established with ours");
        BgpTestbed.await(() -> gobgp2.listPeers().stream().allMatch(BgpPeerStatus::established), SESSION_TIMEOUT,
                "second gobgpd established");
        BgpTestbed.await(() -> SESSIONS.stream().allMatch(a -> peerEvents.get(a) == BgpPeerStatus.SessionState.ESTABLISHED),
                SESSION_TIMEOUT, "ESTABLISHED peer events for all 4 sessions: " + peerEvents);
    }

    @Test
    void prefixesOfFrrAndTheSecondGobgpdArriveOnOursAsBestPaths() {
        BgpTestbed.await(() -> watched.keySet().containsAll(List.of(FRR_V4, FRR_V6, G2_V4, G2_V6)), SESSION_TIMEOUT,
                "best paths from FRR and gobgp2 on the watch: " + watched.keySet());

        assertThat(watched.get(FRR_V4).nextHop()).isEqualTo(IpAddress.parse("10.71.1.2"));
        assertThat(watched.get(FRR_V4).neighbor()).isEqualTo("10.71.1.2");
        assertThat(watched.get(G2_V4).nextHop()).isEqualTo(IpAddress.parse("10.71.2.2"));
        assertThat(watched.get(FRR_V6).nextHop().family()).isEqualTo(IpFamily.IPV6);
        assertThat(watched.get(G2_V6).nextHop()).isEqualTo(IpAddress.parse("fd71:2::2"));
        assertThat(ours.listPaths(IpFamily.IPV4)).extracting(BgpRoute::prefix).contains(FRR_V4, G2_V4, OURS_V4);
        assertThat(ours.listPaths(IpFamily.IPV6)).extracting(BgpRoute::prefix).contains(FRR_V6, G2_V6, OURS_V6);
        BgpTestbed.await(() -> ours.peer(IpAddress.parse("10.71.1.2")).orElseThrow().prefixes()
                .getOrDefault(IpFamily.IPV4, new BgpPeerStatus.PrefixCounts(0, 0, 0)).accepted() >= 1,
                SESSION_TIMEOUT, "accepted prefix count from FRR");
        BgpPeerStatus.PrefixCounts fromG2v6 = ours.peer(IpAddress.parse("fd71:2::2")).orElseThrow().prefixes().get(IpFamily.IPV6);
        assertThat(fromG2v6.received()).isGreaterThanOrEqualTo(1);
        assertThat(fromG2v6.advertised()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void ourPrefixesArriveAtFrrWithTheirCommunityAndAtTheSecondGobgpd() {
        BgpTestbed.await(() -> frrSays("show bgp ipv4 unicast 10.200.1.0/24 json", "65001:100", "\"10.71.1.1\"")
                && frrSays("show bgp ipv6 unicast 2001:db8:a::/48 json", "65001:100"),
                SESSION_TIMEOUT, "our prefixes with community 65001:100 in FRR's RIB");
        // ours passes the second gobgpd's prefixes on to FRR (eBGP transit), and FRR's on to it.
        BgpTestbed.await(() -> frrSays("show bgp ipv4 unicast json", "10.200.3.0/24")
                && frrSays("show bgp ipv6 unicast json", "2001:db8:3::/48"), SESSION_TIMEOUT, "gobgp2's prefixes in FRR");
        BgpTestbed.await(() -> hasBest(gobgp2, IpFamily.IPV4, r -> r.prefix().equals(OURS_V4) && r.communities().contains(COMMUNITY))
                && hasBest(gobgp2, IpFamily.IPV6, r -> r.prefix().equals(OURS_V6))
                && hasBest(gobgp2, IpFamily.IPV4, r -> r.prefix().equals(FRR_V4))
                && hasBest(gobgp2, IpFamily.IPV6, r -> r.prefix().equals(FRR_V6)), SESSION_TIMEOUT, "prefixes on gobgp2");
    }

    @Test
    void aWithdrawnPrefixLeavesFrrAndTheWatch() {
        IpPrefix extra = IpPrefix.parse("10.200.9.0/24");
        BgpRoute route = BgpRoute.announce(extra, IpAddress.parse("10.71.1.1"), List.of());
        ours.addPath(route);
        BgpTestbed.await(() -> frrSays("show bgp ipv4 unicast json", "10.200.9.0/24"), SESSION_TIMEOUT, "extra prefix in FRR");
        BgpTestbed.await(() -> watched.containsKey(extra), SESSION_TIMEOUT, "extra prefix on the watch");

        ours.deletePath(route);

        BgpTestbed.await(() -> !frrSays("show bgp ipv4 unicast json", "10.200.9.0/24"), SESSION_TIMEOUT, "withdrawal in FRR");
        BgpTestbed.await(() -> !watched.containsKey(extra), SESSION_TIMEOUT, "withdrawal on the watch");
    }

    @Test
    void aWrongMd5PasswordKeepsTheSessionDownTheKernelDropsItsSegmentsAndTheRightOneBringsItUp() {
        IpAddress g2 = IpAddress.parse("10.71.3.2");
        IpAddress o = IpAddress.parse("10.71.3.1");
        long failuresBefore = bed.tcpExtCounter(nsOurs, "TCPMD5Failure") + bed.tcpExtCounter(nsG2, "TCPMD5Failure");
        try {
            ours.addPeer(BgpPeerConfig.of(g2, 65003).withFamilies(Set.of(IpFamily.IPV4)).withMd5("hbgp-right"));
            gobgp2.addPeer(BgpPeerConfig.of(o, 65001).withFamilies(Set.of(IpFamily.IPV4)).withMd5("hbgp-wrong"));

            BgpTestbed.await(() -> bed.tcpExtCounter(nsOurs, "TCPMD5Failure") + bed.tcpExtCounter(nsG2, "TCPMD5Failure")
                    > failuresBefore, SESSION_TIMEOUT, "the kernel rejecting segments with a bad MD5 signature");
            assertThat(ours.peer(g2).orElseThrow().established()).isFalse();
            assertThat(gobgp2.peer(o).orElseThrow().established()).isFalse();

            gobgp2.deletePeer(o);
            gobgp2.addPeer(BgpPeerConfig.of(o, 65001).withFamilies(Set.of(IpFamily.IPV4)).withMd5("hbgp-right"));

            BgpTestbed.await(() -> ours.peer(g2).orElseThrow().established(), SESSION_TIMEOUT, "session with matching keys");
        } finally {
            ours.deletePeer(g2);
            gobgp2.deletePeer(o);
        }
    }

    @Test
    void aFailedCallCarriesTheGrpcStatusCodeAsBackendErrorCode() {
        // The daemon refuses a second peer with the same address.
        assertThatThrownBy(() -> ours.addPeer(BgpPeerConfig.of(IpAddress.parse("10.71.1.2"), 65002)))
                .isInstanceOfSatisfying(GobgpException.class, e -> {
                    assertThat(e).isInstanceOf(BackendFailure.class);
                    assertThat(e.errorCode()).isNotBlank().isNotEqualTo("OK");
                    assertThat(e.operation()).contains("AddPeer 10.71.1.2");
                });
        // Nothing listens on this port: UNAVAILABLE within the deadline.
        try (GobgpClient nobody = GobgpClient.connect(1, Duration.ofSeconds(2))) {
            assertThatThrownBy(nobody::localAsn).isInstanceOfSatisfying(GobgpException.class,
                    e -> assertThat(e.errorCode()).isEqualTo("UNAVAILABLE"));
        }
    }

    private boolean frrSays(String command, String... fragments) {
        String out = bed.vtysh(frr, command).replace(" ", "").replace("\n", "");
        for (String f : fragments) {
            if (!out.contains(f.replace(" ", ""))) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasBest(GobgpClient client, IpFamily family, Predicate<BgpRoute> match) {
        return client.listPaths(family).stream().filter(BgpRoute::best).anyMatch(match);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
