package dev.uniplane.bench.bgp;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Dataplanes;
import dev.uniplane.api.IpAddress;
import dev.uniplane.bench.Stats;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.bgp.internal.daemon.BgpOptions;
import dev.uniplane.provider.bgp.internal.daemon.GobgpDaemon;
import dev.uniplane.provider.bgp.internal.wire.BgpGlobal;
import dev.uniplane.provider.bgp.internal.wire.BgpPeerConfig;
import dev.uniplane.provider.bgp.internal.wire.GobgpClient;
import dev.uniplane.tck.harness.FrrRouter;
import dev.uniplane.tck.harness.NamespaceLink;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * Learn-and-install of N prefixes (default 100k /32s) announced by one FRR 8.4 router, into the kernel FIB of two
 * receivers in the same run: the bgp provider (gobgpd over gRPC, FIB written by sdk-linux) and FRR 8.4 itself (bgpd +
 * zebra). Each receiver runs in its own namespace and peers with the announcer, whose neighbor for it is shut down
 * until the clock starts: time 0 is {@code no neighbor X shutdown} on the announcer, the end is the moment the
 * receiver's main table holds all N routes (the kernel's prefix count, polled every 100 ms, the same way for both). Then
 * {@code neighbor X shutdown} and the time until all N are gone (withdraw on session loss). Rounds alternate receivers.
 *
 * <p>Usage: {@code BgpLearnBench [prefixes] [rounds] [gobgpd GOGC]}; needs root, gobgpd and FRR; namespaces are named
 * {@code ubgb<hex>-*} and deleted at the end, also on failure.
 */
public final class BgpLearnBench {
    private static final String ANNOUNCER_AS = "65001";

    private BgpLearnBench() {
    }

    public static void main(String[] args) throws Exception {
        int prefixes = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int goGc = args.length > 2 ? Integer.parseInt(args[2]) : BgpOptions.DEFAULT_DAEMON_GOGC;
        String run = "ubgb" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        List<String> namespaces = List.of(run + "-ann", run + "-node", run + "-frr");
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> namespaces.forEach(BgpLearnBench::deleteQuietly)));
        try {
            namespaces.forEach(NetNs::create);
            wire(run, namespaces);
            System.out.printf(Locale.ROOT, "bgp learn bench: %d prefixes announced by FRR 8.4, %d rounds each, gobgpd GOGC=%d, run %s%n",
                    prefixes, rounds, goGc, run);
            try (FrrRouter announcer = FrrRouter.start(namespaces.get(0), announcerConf(prefixes))) {
                FrrRouter.await(() -> announcer.vtysh("show bgp ipv4 unicast statistics")
                                .matches("(?s).*Total Prefixes\\s*:\\s*" + prefixes + "\\b.*"),
                        java.time.Duration.ofMinutes(3), "the announcer's " + prefixes + " networks");
                List<Double> ourLearn = new ArrayList<>();
                List<Double> ourWithdraw = new ArrayList<>();
                List<Double> frrLearn = new ArrayList<>();
                List<Double> frrWithdraw = new ArrayList<>();
                List<Double> aloneLearn = new ArrayList<>();
                List<Double> aloneWithdraw = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    double[] alone = measureGobgpdAlone(announcer, namespaces.get(1), prefixes, goGc);
                    aloneLearn.add(alone[0]);
                    aloneWithdraw.add(alone[1]);
                    double[] ours = measureProvider(announcer, namespaces.get(1), prefixes, goGc);
                    double[] frr = measureFrr(announcer, namespaces.get(2), prefixes);
                    ourLearn.add(ours[0]);
                    ourWithdraw.add(ours[1]);
                    frrLearn.add(frr[0]);
                    frrWithdraw.add(frr[1]);
                    System.out.printf(Locale.ROOT, "round %d: learn+install uniplane-bgp %.2f s, FRR %.2f s; withdraw-all uniplane-bgp %.2f s, FRR %.2f s;"
                                    + " gobgpd alone (RIB only, no FIB) learn %.2f s, withdraw %.2f s%n",
                            round + 1, ours[0], frr[0], ours[1], frr[1], alone[0], alone[1]);
                }
                double learn = Stats.median(ourLearn) / Stats.median(frrLearn);
                double withdraw = Stats.median(ourWithdraw) / Stats.median(frrWithdraw);
                System.out.printf(Locale.ROOT, "median learn+install: uniplane-bgp %.2f s, FRR %.2f s, ratio %.2fx FRR's time%n",
                        Stats.median(ourLearn), Stats.median(frrLearn), learn);
                System.out.printf(Locale.ROOT, "median withdraw-all:  uniplane-bgp %.2f s, FRR %.2f s, ratio %.2fx FRR's time%n",
                        Stats.median(ourWithdraw), Stats.median(frrWithdraw), withdraw);
                System.out.printf(Locale.ROOT, "median gobgpd alone (RIB only, no FIB, no watch): learn %.2f s (%.2fx FRR's learn+install), withdraw %.2f s%n",
                        Stats.median(aloneLearn), Stats.median(aloneLearn) / Stats.median(frrLearn), Stats.median(aloneWithdraw));
            }
        } finally {
            namespaces.forEach(BgpLearnBench::deleteQuietly);
        }
    }

    /** announcer 10.251.0.1 -- 10.251.0.2 node; announcer 10.252.0.1 -- 10.252.0.2 frr. */
    private static void wire(String run, List<String> namespaces) {
        for (String ns : namespaces) {
            try (NetNs n = NetNs.open(ns); RtNetlink links = RtNetlink.open(n)) {
                links.setUp(links.index("lo"), true);
            }
        }
        for (int i = 1; i <= 2; i++) {
            NamespaceLink.connect(namespaces.get(0), run + "a" + i, "10.25" + i + ".0.1/30",
                    namespaces.get(i), run + "p" + i, "10.25" + i + ".0.2/30");
        }
    }

    private static double[] measureProvider(FrrRouter announcer, String node, int prefixes, int goGc) {
        DataplaneConfig config = DataplaneConfig.builder()
                .name("bgpbench").hostNetns(NetNs.RUN_DIR.resolve(node).toString()).uplink(node.replace("-node", "p1"))
                .option("bgp.local-as", "65000")
                .option("bgp.router-id", "10.251.0.2")
                .option("bgp.peers", "10.251.0.1,as=" + ANNOUNCER_AS)
                .option("bgp.ipv6", "false")
                .option("bgp.daemon-gogc", Integer.toString(goGc))
                .build();
        try (Dataplane dp = Dataplanes.open("bgp", config)) {
            try {
                return measure(announcer, "10.251.0.2", node, prefixes);
            } finally {
                dp.destroy();
            }
        }
    }

    /**
     * The floor of any gobgpd-based receiver: a bare gobgpd (same version, same namespace and peering as the provider's)
     * with no watch and no FIB; learned is its accepted-prefix count (ListPeer every 100 ms), gone is that count at 0.
     */
    private static double[] measureGobgpdAlone(FrrRouter announcer, String node, int prefixes, int goGc) {
        java.nio.file.Path workDir = java.nio.file.Path.of("/run/uniplane", "bench-" + node);
        try (GobgpDaemon daemon = GobgpDaemon.start(GobgpDaemon.Options.in(NetNs.RUN_DIR.resolve(node), workDir)
                .withGoGc(goGc))) {
            GobgpClient client = daemon.client();
            client.startBgp(BgpGlobal.of(65000, IpAddress.parse("10.251.0.2"), 179));
            client.addPeer(BgpPeerConfig.of(IpAddress.parse("10.251.0.1"), Long.parseLong(ANNOUNCER_AS)));
            IntSupplier accepted = () -> (int) client.listPeers().stream()
                    .flatMap(p -> p.prefixes().values().stream()).mapToLong(c -> c.accepted()).sum();
            long start = System.nanoTime();
            announcer.vtysh("configure terminal\nrouter bgp " + ANNOUNCER_AS + "\nno neighbor 10.251.0.2 shutdown");
            FrrRouter.await(() -> accepted.getAsInt() >= prefixes, java.time.Duration.ofMinutes(5), prefixes + " paths in gobgpd");
            double learn = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "gobgpd alone holds %d paths in %d MiB resident%n", prefixes, residentMiB(daemon.pid()));
            start = System.nanoTime();
            announcer.vtysh("configure terminal\nrouter bgp " + ANNOUNCER_AS + "\nneighbor 10.251.0.2 shutdown");
            FrrRouter.await(() -> accepted.getAsInt() == 0, java.time.Duration.ofMinutes(5), "paths gone from gobgpd");
            return new double[] {learn, (System.nanoTime() - start) / 1e9};
        } finally {
            try (var files = java.nio.file.Files.list(workDir)) {
                for (java.nio.file.Path f : files.toList()) {
                    java.nio.file.Files.deleteIfExists(f);
                }
                java.nio.file.Files.deleteIfExists(workDir);
            } catch (java.io.IOException e) {
                // the daemon's log stays; /run is a tmpfs
            }
        }
    }

    private static long residentMiB(long pid) {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024)
                    .findFirst().orElse(-1);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static double[] measureFrr(FrrRouter announcer, String frrNs, int prefixes) {
        String conf = """
                frr defaults traditional
                router bgp 65002
                 bgp router-id 10.252.0.2
                 no bgp ebgp-requires-policy
                 neighbor 10.252.0.1 remote-as %s
                 neighbor 10.252.0.1 timers connect 1
                !
                """.formatted(ANNOUNCER_AS);
        try (FrrRouter receiver = FrrRouter.start(frrNs, conf)) {
            return measure(announcer, "10.252.0.2", frrNs, prefixes);
        }
    }

    /** {learn seconds, withdraw seconds} for the receiver at {@code neighbor} in {@code netns}. */
    private static double[] measure(FrrRouter announcer, String neighbor, String netns, int prefixes) {
        try (NetNs ns = NetNs.open(netns)) {
            int before = ipv4Prefixes(ns);
            IntSupplier learned = () -> ipv4Prefixes(ns) - before;
            long start = System.nanoTime();
            announcer.vtysh("configure terminal\nrouter bgp " + ANNOUNCER_AS + "\nno neighbor " + neighbor + " shutdown");
            FrrRouter.await(() -> learned.getAsInt() >= prefixes, java.time.Duration.ofMinutes(5), prefixes + " routes in " + netns);
            double learn = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            announcer.vtysh("configure terminal\nrouter bgp " + ANNOUNCER_AS + "\nneighbor " + neighbor + " shutdown");
            FrrRouter.await(() -> learned.getAsInt() <= 0, java.time.Duration.ofMinutes(5), "routes gone from " + netns);
            return new double[] {learn, (System.nanoTime() - start) / 1e9};
        }
    }

    /**
     * The IPv4 prefixes in the namespace's main FIB, from the kernel's own count ({@code /proc/net/fib_triestat}, read
     * by a thread inside the namespace). A netlink dump of 100k routes every 100 ms kept a core busy in this JVM,
     * which took CPU from whichever receiver was measured; the kernel's count costs about a millisecond.
     */
    private static int ipv4Prefixes(NetNs ns) {
        String stats = ns.run(() -> java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/net/fib_triestat")));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)Main:.*?Prefixes:\\s*(\\d+)").matcher(stats);
        if (!m.find()) {
            throw new IllegalStateException("no Main table in fib_triestat: " + stats);
        }
        return Integer.parseInt(m.group(1));
    }

    private static String announcerConf(int prefixes) {
        StringBuilder conf = new StringBuilder("""
                frr defaults traditional
                router bgp %s
                 bgp router-id 10.251.0.1
                 no bgp ebgp-requires-policy
                 no bgp network import-check
                 neighbor 10.251.0.2 remote-as 65000
                 neighbor 10.251.0.2 shutdown
                 neighbor 10.252.0.2 remote-as 65002
                 neighbor 10.252.0.2 shutdown
                 address-family ipv4 unicast
                """.formatted(ANNOUNCER_AS));
        for (int i = 0; i < prefixes; i++) {
            conf.append("  network 10.").append(64 + (i >> 16)).append('.').append((i >> 8) & 255).append('.').append(i & 255).append("/32\n");
        }
        return conf.append(" exit-address-family\n!\n").toString();
    }

    private static void deleteQuietly(String name) {
        try {
            if (NetNs.exists(name)) {
                NetNs.delete(name);
            }
        } catch (RuntimeException e) {
            // already gone
        }
    }
}
