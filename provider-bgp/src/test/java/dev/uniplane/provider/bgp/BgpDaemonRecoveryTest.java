package dev.uniplane.provider.bgp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RouteInfo;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.bgp.internal.program.FibRoutes;
import dev.uniplane.provider.bgp.internal.state.BgpState;
import dev.uniplane.provider.bgp.internal.wire.GobgpClient;
import dev.uniplane.provider.bgp.internal.wire.GobgpException;
import dev.uniplane.spi.state.SavedDataplane;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gobgpd a BGP dataplane owns is killed with SIGKILL; the dataplane starts a new one and the node announces and
 * learns again. One FRR router (AS 65100) for the class, a host behind it, and a node per test:
 *
 * <pre>
 *   workload (10.84.N.5) - node N (AS 6500N) --10.83.N.0/24-- FRR --10.83.9.0/24-- host (10.83.9.2)
 * </pre>
 * Node N announces 10.84.N.0/24 and its endpoints' /32s; FRR announces 10.83.9.0/24. The workload reaches the host only
 * when both directions are learned: the node's FIB has FRR's prefix and FRR's has the node's. Node 4 drives a gobgpd
 * the test starts ({@code bgp.grpc}), which is killed and started again unconfigured.
 */
class BgpDaemonRecoveryTest {
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final Duration RESTART_TIME = Duration.ofSeconds(15);
    private static final String ID = "ubgr" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private static final String HOST = "10.83.9.2";
    private static final IpPrefix BEHIND_FRR = IpPrefix.parse("10.83.9.0/24");
    private static final int NODES = 4;
    private static final List<String> namespaces = new ArrayList<>();
    private static FrrRouter frr;
    private final List<Dataplane> dataplanes = new ArrayList<>();
    /** gobgpd processes a test started itself (the {@code bgp.grpc} case). */
    private final List<Process> ownDaemons = new ArrayList<>();

    @BeforeAll
    static void router() {
        RequireAll.prerequisite("0".equals(FrrRouter.sh("id", "-u").trim()), "root (namespaces, veths, daemons)");
        RequireAll.prerequisite(new BgpProvider().probe().available(), "the bgp provider: " + new BgpProvider().probe().describe());
        RequireAll.prerequisite(FrrRouter.installed(), "FRR's zebra, bgpd and vtysh (apt-get install frr)");
        try {
            String router = netns("r");
            String host = netns("h");
            NamespaceLink.connect(host, ID + "h", "10.83.9.2/24", router, ID + "hr", "10.83.9.1/24");
            FrrRouter.sh("ip", "-n", host, "route", "add", "default", "via", "10.83.9.1");
            for (int n = 1; n <= NODES; n++) {
                NamespaceLink.connect(netns("n" + n), uplink(n), "10.83." + n + ".1/24", router, ID + "r" + n, "10.83." + n + ".2/24");
            }
            FrrRouter.sh("ip", "netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            frr = FrrRouter.start(router, frrConf());
        } catch (RuntimeException | AssertionError e) {
            cleanupClass();
            throw e;
        }
    }

    @Test
    void withoutGracefulRestartAKilledGobgpdIsReplacedAndTheNodeLearnsAndAnnouncesAgain() {
        int n = 1;
        Dataplane dp = open(n, false);
        String workload = workload(dp, n);
        awaitConverged(n);
        long before = pid(n);

        try (Poller poller = new Poller(n)) {
            long after = killAndAwaitRecovery(n, before);
            assertThat(ProcessHandle.of(after).map(ProcessHandle::isAlive)).as("the new gobgpd runs").contains(true);
            assertThat(poller.nodeLostRoute()).as("without graceful restart the learned routes went when gobgpd died").isTrue();
        }
        assertThat(Pings.reach(workload, HOST)).as("the workload reaches the host behind FRR again").isTrue();
    }

    @Test
    void withGracefulRestartTheLearnedRoutesAndOurPrefixesAtFrrStayWhileGobgpdIsReplaced() {
        int n = 2;
        Dataplane dp = open(n, true);
        String workload = workload(dp, n);
        awaitConverged(n);
        long before = pid(n);

        try (Poller poller = new Poller(n)) {
            killAndAwaitRecovery(n, before);
            assertThat(Pings.reach(workload, HOST)).as("the workload reaches the host behind FRR").isTrue();
            // past the restart time after the recovery: the stale sweep has run and the refreshed routes stay
            long sweptBy = System.nanoTime() + RESTART_TIME.plusSeconds(3).toNanos();
            FrrRouter.await(() -> System.nanoTime() > sweptBy, RESTART_TIME.plusSeconds(10), "the stale sweep");
            assertThat(poller.gaps()).as("moments a learned route or our prefix at FRR was missing").isEmpty();
        }
        assertThat(learned(n)).as("refreshed, not swept").contains(BEHIND_FRR);
        assertThat(Pings.reach(workload, HOST)).isTrue();

        long recovered = pid(n);
        dp.close();
        open(n, true);
        assertThat(pid(n)).as("the saved state named the new gobgpd: the next open adopts it").isEqualTo(recovered);
        assertThat(ProcessHandle.of(recovered).map(ProcessHandle::isAlive)).contains(true);
    }

    @Test
    void withGracefulRestartAGobgpdThatDiesWhileTheDataplaneIsClosedIsReplacedByTheNextOpen() {
        int n = 3;
        Dataplane dp = open(n, true);
        String workload = workload(dp, n);
        awaitConverged(n);
        var state = dp.currentState();
        long before = pid(n);

        dp.close();
        long killedAt = System.nanoTime();
        try (Poller poller = new Poller(n)) {
            kill(before);
            Dataplane reopened = open(n, true);
            assertThat(reopened.currentState()).isEqualTo(state);
            long after = pid(n);
            assertThat(after).as("a new gobgpd, in the saved state").isNotEqualTo(before).isPositive();
            assertThat(ProcessHandle.of(after).map(ProcessHandle::isAlive)).contains(true);
            awaitSessionSince(n, killedAt);
            awaitConverged(n);
            assertThat(Pings.reach(workload, HOST)).as("the workload reaches the host behind FRR").isTrue();
            assertThat(poller.gaps()).as("moments a learned route or our prefix at FRR was missing").isEmpty();
        }
    }

    @Test
    void withBgpGrpcADaemonThatComesBackUnconfiguredIsConfiguredAndAnnouncesAgain() {
        int n = 4;
        int port = freePort(n);
        Process first = startGobgpd(n, port);
        Dataplane dp = open(n, false, "127.0.0.1:" + port);
        String workload = workload(dp, n);
        awaitConverged(n);
        assertThat(pid(n)).as("not ours: no pid saved").isZero();

        long killedAt = System.nanoTime();
        first.destroyForcibly();
        FrrRouter.await(() -> !first.isAlive(), CONVERGE, "the bgp.grpc gobgpd to exit");
        startGobgpd(n, port); // the same API address, unconfigured
        awaitSessionSince(n, killedAt);
        awaitConverged(n);
        assertThat(Pings.reach(workload, HOST)).as("the workload reaches the host behind FRR again").isTrue();
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    private static int freePort(int n) {
        try (NetNs ns = NetNs.open(ID + "n" + n)) {
            return ns.run(() -> {
                try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                    return socket.getLocalPort();
                }
            });
        }
    }

    /** A gobgpd the test owns in node {@code n}'s namespace, API on {@code port}; returns once the API answers. */
    private Process startGobgpd(int n, int port) {
        Process p;
        try {
            p = new ProcessBuilder("/usr/bin/nsenter", "--net=" + NetNs.RUN_DIR.resolve(ID + "n" + n), "--", "gobgpd",
                    "--api-hosts=127.0.0.1:" + port, "--pprof-disable", "--log-plain", "--log-level=info")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot start gobgpd", e);
        }
        ownDaemons.add(p);
        try (NetNs ns = NetNs.open(ID + "n" + n);
             GobgpClient client = GobgpClient.connect(ns, port, Duration.ofSeconds(2))) {
            FrrRouter.await(() -> {
                try {
                    client.localAsn();
                    return true;
                } catch (GobgpException e) {
                    return false;
                }
            }, CONVERGE, "gobgpd's API on port " + port);
        }
        return p;
    }

    private Dataplane open(int n, boolean gracefulRestart) {
        return open(n, gracefulRestart, null);
    }

    private Dataplane open(int n, boolean gracefulRestart, String grpc) {
        DataplaneConfig.Builder config = DataplaneConfig.builder().provider(BgpProvider.NAME).name(name(n))
                .hostNetns(NetNs.RUN_DIR.resolve(ID + "n" + n).toString()).uplink(uplink(n))
                .option("bgp.local-as", "6500" + n).option("bgp.peers", "10.83." + n + ".2,as=65100")
                .option("bgp.pod-cidr", "10.84." + n + ".0/24").option("bgp.announce-endpoints", "true");
        if (gracefulRestart) {
            config.option("bgp.graceful-restart", "true").option("bgp.restart-time", RESTART_TIME.toSeconds() + "s");
        }
        if (grpc != null) {
            config.option("bgp.grpc", grpc);
        }
        Dataplane dp = new BgpProvider().open(config.build());
        dataplanes.add(dp);
        return dp;
    }

    private static String name(int n) {
        return ID + "d" + n;
    }

    private static String uplink(int n) {
        return ID + "n" + n;
    }

    private static String workload(Dataplane dp, int n) {
        String ns = netns("w" + n);
        dp.attach(AttachSpec.builder("w" + n).netns(NetNs.RUN_DIR.resolve(ns).toString()).interfaceName("eth0")
                .address("10.84." + n + ".5").build());
        return ns;
    }

    /** FRR's prefix in the node's FIB, the node's pod CIDR and endpoint in FRR's (installed by zebra). */
    private static void awaitConverged(int n) {
        IpPrefix pod = IpPrefix.parse("10.84." + n + ".0/24");
        IpPrefix endpoint = IpPrefix.parse("10.84." + n + ".5/32");
        FrrRouter.await(() -> learned(n).contains(BEHIND_FRR), CONVERGE, BEHIND_FRR + " learned by node " + n);
        FrrRouter.await(() -> routes(ID + "r").containsAll(Set.of(pod, endpoint)), CONVERGE,
                pod + " and " + endpoint + " in FRR's FIB (now: " + routes(ID + "r") + ")");
        String bgp = frr.vtysh("show bgp ipv4 unicast json");
        assertThat(bgp).as("FRR's BGP table").contains("\"" + pod + "\"", "\"" + endpoint + "\"");
    }

    /** The gobgpd pid node {@code n}'s saved state names. */
    private static long pid(int n) {
        return SavedDataplane.read(SavedDataplane.file(BgpProvider.NAME, name(n))).flatMap(s -> s.backend(BgpState.class))
                .map(BgpState::gobgpdPid).orElse(0L);
    }

    /** Kills node {@code n}'s gobgpd ({@code pid}) and waits for a new one, its session and the routes; returns its pid. */
    private static long killAndAwaitRecovery(int n, long pid) {
        long killedAt = System.nanoTime();
        kill(pid);
        long after = awaitNewPid(n, pid);
        awaitSessionSince(n, killedAt);
        awaitConverged(n);
        return after;
    }

    private static long awaitNewPid(int n, long old) {
        FrrRouter.await(() -> pid(n) != old && pid(n) > 0, CONVERGE, "a new gobgpd in the saved state of " + name(n));
        return pid(n);
    }

    private static void kill(long pid) {
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no gobgpd " + pid));
        assertThat(process.info().command().orElse("")).endsWith("gobgpd");
        process.destroyForcibly(); // SIGKILL
        FrrRouter.await(() -> !Files.exists(Path.of("/proc", Long.toString(pid))), CONVERGE, "gobgpd " + pid + " to exit");
    }

    /** FRR's session to node {@code n} is established and came up after {@code since} (a new session). */
    private static void awaitSessionSince(int n, long since) {
        Pattern up = Pattern.compile("\"bgpTimerUpMsec\":(\\d+)");
        FrrRouter.await(() -> {
            String out = frr.vtysh("show bgp neighbors 10.83." + n + ".1 json");
            Matcher m = up.matcher(out.replace(" ", ""));
            return out.contains("\"Established\"") && m.find()
                    && Long.parseLong(m.group(1)) * 1_000_000L < System.nanoTime() - since;
        }, CONVERGE, "FRR's session to node " + n + " re-established");
    }

    private static Set<IpPrefix> learned(int n) {
        try (NetNs ns = NetNs.open(ID + "n" + n); RtNetlink nl = RtNetlink.open(ns)) {
            return learned(nl);
        }
    }

    private static Set<IpPrefix> learned(RtNetlink nl) {
        return nl.routes(RtNetlink.AF_INET, RouteSpec.TABLE_MAIN).stream()
                .filter(r -> r.protocol() == FibRoutes.PROTO_BGP && r.priority() == FibRoutes.LEARNED_METRIC)
                .map(RouteInfo::destination).collect(Collectors.toSet());
    }

    private static Set<IpPrefix> routes(String netns) {
        try (NetNs ns = NetNs.open(netns); RtNetlink nl = RtNetlink.open(ns)) {
            return routes(nl);
        }
    }

    private static Set<IpPrefix> routes(RtNetlink nl) {
        return nl.routes(RtNetlink.AF_INET, RouteSpec.TABLE_MAIN).stream().map(RouteInfo::destination).collect(Collectors.toSet());
    }

    /**
     * Watches, every few milliseconds until closed, FRR's prefix in node {@code n}'s FIB and the node's pod CIDR in
     * FRR's, recording each moment one of them was missing.
     */
    private static final class Poller implements AutoCloseable {
        private final ConcurrentLinkedQueue<String> gaps = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean stop;
        private volatile boolean nodeLostRoute;

        Poller(int n) {
            IpPrefix pod = IpPrefix.parse("10.84." + n + ".0/24");
            thread = Thread.ofPlatform().name("ubgr-poll").start(() -> {
                try (NetNs node = NetNs.open(ID + "n" + n); RtNetlink nodeNl = RtNetlink.open(node);
                     NetNs router = NetNs.open(ID + "r"); RtNetlink routerNl = RtNetlink.open(router)) {
                    long start = System.nanoTime();
                    while (!stop) {
                        long ms = (System.nanoTime() - start) / 1_000_000;
                        if (!learned(nodeNl).contains(BEHIND_FRR)) {
                            nodeLostRoute = true;
                            gaps.add(ms + " ms: " + BEHIND_FRR + " missing in node " + n);
                        }
                        if (!routes(routerNl).contains(pod)) {
                            gaps.add(ms + " ms: " + pod + " missing in FRR's FIB");
                        }
                        try {
                            Thread.sleep(5); // poll interval
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                } catch (RuntimeException e) {
                    gaps.add("poller failed: " + e);
                }
            });
        }

        boolean nodeLostRoute() {
            return nodeLostRoute;
        }

        List<String> gaps() {
            List<String> all = List.copyOf(gaps);
            return all.size() > 20 ? all.subList(0, 20) : all;
        }

        @Override
        public void close() {
            stop = true;
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String netns(String suffix) {
        String name = ID + suffix;
        NetNs.create(name).close();
        namespaces.add(name);
        FrrRouter.sh("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    private static String frrConf() {
        StringBuilder neighbors = new StringBuilder();
        for (int n = 1; n <= NODES; n++) {
            neighbors.append(" neighbor 10.83.%d.1 remote-as 6500%d\n neighbor 10.83.%d.1 timers connect 5\n".formatted(n, n, n));
        }
        return """
                frr defaults traditional
                hostname ubgr-frr
                !
                router bgp 65100
                 bgp router-id 10.83.9.1
                 no bgp ebgp-requires-policy
                 no bgp network import-check
                 bgp graceful-restart
                 bgp graceful-restart restart-time 30
                %s !
                 address-family ipv4 unicast
                  network 10.83.9.0/24
                 exit-address-family
                !
                """.formatted(neighbors);
    }

    @AfterEach
    void destroyDataplanes() {
        for (Dataplane dp : dataplanes.reversed()) {
            try {
                dp.destroy();
            } catch (RuntimeException e) {
                // reported by the test that failed (a closed one was reopened and is destroyed through that)
            }
        }
        dataplanes.clear();
        ownDaemons.forEach(Process::destroyForcibly);
        ownDaemons.clear();
        // a dataplane closed with graceful restart (not destroyed) leaves its gobgpd and saved state
        for (int n = 1; n <= NODES; n++) {
            long pid = pid(n);
            ProcessHandle.of(pid).filter(p -> pid > 0 && p.info().command().orElse("").endsWith("gobgpd")).ifPresent(ProcessHandle::destroyForcibly);
            try {
                Files.deleteIfExists(SavedDataplane.file(BgpProvider.NAME, name(n)));
            } catch (java.io.IOException e) {
                // reported by the next run's open
            }
        }
    }

    @AfterAll
    static void cleanupClass() {
        if (frr != null) {
            frr.close();
            frr = null;
        }
        for (String ns : namespaces.reversed()) {
            if (Files.exists(Path.of("/run/netns", ns))) {
                NetNs.delete(ns);
            }
        }
        namespaces.clear();
    }
}
