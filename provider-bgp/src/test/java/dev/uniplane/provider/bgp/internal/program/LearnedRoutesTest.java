package dev.uniplane.provider.bgp.internal.program;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.linux.FibNextHop;
import dev.uniplane.linux.InterfaceAddress;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RouteInfo;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.bgp.internal.wire.BgpPeerStatus;
import dev.uniplane.provider.bgp.internal.wire.BgpRoute;
import dev.uniplane.tck.RequireAll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LearnedRoutes} against a real kernel FIB in a namespace of its own: ECMP sets, replacement, withdrawal, flush,
 * session loss.
 */
class LearnedRoutesTest {
    private static final IpPrefix P1 = IpPrefix.parse("10.210.1.0/24");
    private static final IpPrefix P2 = IpPrefix.parse("10.210.2.0/24");
    private static final IpAddress GW1 = IpAddress.parse("10.77.0.2");
    private static final IpAddress GW2 = IpAddress.parse("10.77.0.3");
    private static final IpPrefix P3 = IpPrefix.parse("10.210.3.0/24");
    private static final IpPrefix P4 = IpPrefix.parse("10.210.4.0/24");
    private String ns;
    private NetNs netns;
    private RtNetlink nl;
    private LearnedRoutes learned;

    @BeforeEach
    void namespace() {
        RequireAll.prerequisite(Files.isWritable(Path.of("/run")) && "root".equals(System.getProperty("user.name")), "root (network namespaces)");
        ns = "ubc" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()) + "l";
        netns = NetNs.create(ns);
        nl = RtNetlink.open(netns);
        nl.createVethPair("ubcv0", "ubcv1", netns); // no dummy driver on every kernel
        nl.addAddress(nl.index("ubcv0"), InterfaceAddress.parse("10.77.0.1/24"));
        nl.setUp("ubcv1", true);
        nl.setUp("ubcv0", true);
        learned = new LearnedRoutes(RtNetlink.open(netns), 0, "test", false).start();
    }

    @AfterEach
    void cleanup() {
        if (learned != null) {
            learned.close();
        }
        if (nl != null) {
            nl.close();
        }
        if (netns != null) {
            netns.close();
            NetNs.delete(ns);
        }
    }

    private static BgpRoute path(IpPrefix prefix, IpAddress hop, String neighbor) {
        return new BgpRoute(prefix, hop, List.of(), neighbor, true, false);
    }

    private static BgpRoute withdrawal(IpPrefix prefix) {
        return new BgpRoute(prefix, IpAddress.ofV4(0), List.of(), "10.77.0.2", false, true);
    }

    private static BgpPeerStatus peer(String address, BgpPeerStatus.SessionState state) {
        return new BgpPeerStatus(address, 65001, state, "192.0.2.1", Duration.ZERO, Map.of(), Optional.empty(), Optional.empty());
    }

    /** The neighbor's session comes up and goes down again. */
    private void sessionLost(LearnedRoutes routes, String neighbor) {
        routes.peerChanged(peer(neighbor, BgpPeerStatus.SessionState.ESTABLISHED));
        routes.peerChanged(peer(neighbor, BgpPeerStatus.SessionState.ACTIVE));
    }

    /** Queues P4 via GW2 from 10.77.0.3 and waits for it: everything queued before has been applied. */
    private void barrier() {
        learned.submit(List.of(path(P4, GW2, "10.77.0.3")));
        await(() -> fib().containsKey(P4) && learned.installed().containsKey(P4), "the barrier route P4");
    }

    private Map<IpPrefix, Set<IpAddress>> fib() {
        return nl.routes(RtNetlink.AF_INET, RouteSpec.TABLE_MAIN).stream()
                .filter(r -> r.protocol() == FibRoutes.PROTO_BGP && r.priority() == FibRoutes.LEARNED_METRIC)
                .collect(Collectors.toMap(RouteInfo::destination, r -> r.nextHops().isEmpty() ? Set.of(r.gateway())
                        : r.nextHops().stream().map(FibNextHop::gateway).collect(Collectors.toSet())));
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void eachEventReplacesThePrefixsNextHopsAndAWithdrawalRemovesIt() {
        learned.submit(List.of(path(P1, GW1, "10.77.0.2"), path(P1, GW2, "10.77.0.3"), path(P2, GW1, "10.77.0.2")));
        await(() -> fib().equals(Map.of(P1, Set.of(GW1, GW2), P2, Set.of(GW1))), "ECMP over both next hops: " + fib());

        learned.submit(List.of(path(P1, GW2, "10.77.0.3")));
        await(() -> fib().get(P1) != null && fib().get(P1).equals(Set.of(GW2)), "the set shrinks to one hop");

        learned.submit(List.of(withdrawal(P2)));
        // the writer updates its record of the kernel right after the kernel: wait for both
        await(() -> !fib().containsKey(P2) && !learned.installed().containsKey(P2), "P2 withdrawn");
        assertThat(learned.installed()).containsOnlyKeys(P1);
    }

    @Test
    void localPathsAreNotInstalledAndAFlushRemovesEverything() {
        learned.submit(List.of(path(P1, IpAddress.ofV4(0), ""), path(P2, GW1, "10.77.0.2")));
        await(() -> fib().containsKey(P2), "P2 learned");
        assertThat(fib()).doesNotContainKey(P1);

        learned.flush();
        await(() -> fib().isEmpty(), "everything flushed");
    }

    @Test
    void aFlushedBurstIsCoalescedToItsLastWord() {
        for (int i = 0; i < 200; i++) {
            learned.submit(List.of(path(P1, i % 2 == 0 ? GW1 : GW2, "x")));
        }
        learned.submit(List.of(path(P1, GW1, "x")));
        await(() -> learned.idle() && Set.of(GW1).equals(fib().get(P1)), "the last word: " + fib());
    }

    @Test
    void adoptedRoutesThatNoEventRefreshesAreSwept() {
        nl.replaceRoute(FibRoutes.learned(P1, List.of(GW1), 0));
        nl.replaceRoute(FibRoutes.learned(P2, List.of(GW1), 0));
        learned.close();
        learned = new LearnedRoutes(RtNetlink.open(netns), 0, "test", false);
        learned.adopt();
        learned.start();
        learned.submit(List.of(path(P2, GW2, "10.77.0.3")));
        await(() -> Set.of(GW2).equals(fib().get(P2)), "P2 refreshed");

        learned.sweepStale();
        await(() -> !fib().containsKey(P1), "stale P1 swept");
        assertThat(fib()).containsKey(P2);
    }

    @Test
    void aLostSessionTakesOnlyThatNeighborsNextHopsAtOnce() {
        learned.submit(List.of(path(P1, GW1, "10.77.0.2"), path(P1, GW2, "10.77.0.3")));
        learned.submit(List.of(path(P2, GW1, "10.77.0.2")));
        learned.submit(List.of(path(P3, GW2, "10.77.0.3")));
        await(() -> fib().equals(Map.of(P1, Set.of(GW1, GW2), P2, Set.of(GW1), P3, Set.of(GW2))), "three prefixes: " + fib());

        sessionLost(learned, "10.77.0.2");
        await(() -> fib().equals(Map.of(P1, Set.of(GW2), P3, Set.of(GW2)))
                && learned.installed().equals(Map.of(P1, List.of(GW2), P3, List.of(GW2))), "10.77.0.2's hops gone, ECMP shrunk: " + fib());
        assertThat(learned.installed()).isEqualTo(Map.of(P1, List.of(GW2), P3, List.of(GW2)));

        // gobgpd's own withdrawals afterwards find nothing to do
        long written = learned.written();
        learned.submit(List.of(withdrawal(P2)));
        learned.submit(List.of(path(P1, GW2, "10.77.0.3")));
        barrier();
        assertThat(learned.written()).isEqualTo(written + 1); // the barrier route only
        assertThat(fib()).isEqualTo(Map.of(P1, Set.of(GW2), P3, Set.of(GW2), P4, Set.of(GW2)));
    }

    @Test
    void neighborsAreComparedAsAddresses() {
        learned.submit(List.of(path(P1, GW1, "fd00:0:0::2"), path(P2, GW2, "10.77.0.3")));
        await(() -> fib().keySet().equals(Set.of(P1, P2)), "both learned: " + fib());

        sessionLost(learned, "fd00::2");
        await(() -> fib().equals(Map.of(P2, Set.of(GW2))), "fd00::2's route gone: " + fib());
    }

    @Test
    void withKeepOnSessionLossALostSessionRemovesNothing() {
        learned.close();
        learned = new LearnedRoutes(RtNetlink.open(netns), 0, "test", true).start();
        learned.submit(List.of(path(P1, GW1, "10.77.0.2"), path(P2, GW1, "10.77.0.2")));
        await(() -> fib().keySet().equals(Set.of(P1, P2)), "both learned: " + fib());

        sessionLost(learned, "10.77.0.2");
        barrier();
        assertThat(fib()).isEqualTo(Map.of(P1, Set.of(GW1), P2, Set.of(GW1), P4, Set.of(GW2)));
    }

    @Test
    void aNewBestPathAfterTheLossInTheSameBatchIsInstalled() {
        learned.close();
        learned = new LearnedRoutes(RtNetlink.open(netns), 0, "test", false);
        // queued before the writer starts: one batch, applied in order
        learned.submit(List.of(path(P1, GW1, "10.77.0.2")));
        learned.submit(List.of(path(P2, GW1, "10.77.0.2")));
        sessionLost(learned, "10.77.0.2");
        learned.submit(List.of(path(P1, GW2, "10.77.0.3")));
        learned.start();
        await(() -> learned.idle() && Map.of(P1, Set.of(GW2)).equals(fib())
                && learned.installed().equals(Map.of(P1, List.of(GW2))), "the new best path only: " + fib());
        assertThat(learned.installed()).isEqualTo(Map.of(P1, List.of(GW2)));
    }

    @Test
    void adoptedRoutesSurviveASessionLoss() {
        nl.replaceRoute(FibRoutes.learned(P1, List.of(GW1), 0));
        learned.close();
        learned = new LearnedRoutes(RtNetlink.open(netns), 0, "test", false);
        learned.adopt();
        learned.start();
        learned.submit(List.of(path(P2, GW1, "10.77.0.2")));
        await(() -> fib().containsKey(P2), "P2 learned");

        sessionLost(learned, "10.77.0.2");
        await(() -> !fib().containsKey(P2), "P2 gone with its session");
        barrier();
        assertThat(fib()).isEqualTo(Map.of(P1, Set.of(GW1), P4, Set.of(GW2)));
    }
}
