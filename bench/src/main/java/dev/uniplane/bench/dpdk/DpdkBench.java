package dev.uniplane.bench.dpdk;

import dev.uniplane.bench.Stats;
import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.EalConfig;
import dev.uniplane.provider.dpdk.internal.eal.EthPort;
import dev.uniplane.provider.dpdk.internal.eal.PacketPool;
import dev.uniplane.provider.dpdk.internal.fastpath.ForwardingLoop;
import dev.uniplane.provider.dpdk.internal.fastpath.PortPair;
import dev.uniplane.provider.dpdk.internal.fastpath.Rewrite;
import dev.uniplane.provider.dpdk.internal.ffm.DpdkException;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DPDK benchmarks of provider-dpdk, interleaved rounds (order alternating per round):
 * <ol>
 * <li><b>Forwarding</b>: {@code dpdk-testpmd} (C, a separate process per run) against our {@link ForwardingLoop} (Java on
 * the EAL lcore of a child JVM per variant and round, see {@link JavaForwarding}), io and macswap, on a {@code net_null}
 * pair (pure loop cost: rx allocates, tx frees) and on a {@code net_memif} pair connected to itself in the same process
 * ({@code --tx-first} / 32 injected mbufs per port circulate port 0 → port 1 → port 0, so every forward pays a memif tx
 * and rx copy). Both sides run the same topology in the same memory mode with the forwarding thread on CPU 1.</li>
 * <li><b>Full path</b>: our {@code Router} against the shim's C loop on the same replayed packets ({@link FullPath}),
 * plus an io baseline (our loop forwarding the same port without processing) that shows the PMD's share; in this JVM,
 * whose EAL has only the pcap port.</li>
 * </ol>
 * Reported: Mpps per CPU-second of the forwarding thread (testpmd's {@code lcore-worker-1} from schedstat, ours from
 * {@code ThreadMXBean}), medians (min–max) over the rounds and their ratios; the machine is shared, so wall-clock Mpps is
 * printed only as context.
 *
 * <p>Usage: {@code DpdkBench [rounds=5] [seconds=2] [memory=hugepages|no-huge] [suite=all|forwarding|fullpath]}
 * ({@code fullpath}: only the full-path comparison, e.g. for profiling the router). Root. Prefixes {@code uph6<random>}.
 * {@code DpdkBench java-forwarding ...} is the child side of {@link JavaForwarding}.
 */
public final class DpdkBench {
    /** The CPU of the forwarding thread, on both sides. */
    static final int CPU = 1;
    private static final double WARMUP = 1.0;
    /** Untimed seconds of the forwarding loop in its child JVM before the window (C2 is done well before; see the doc). */
    private static final double JAVA_WARMUP = 1.5;

    private DpdkBench() {
    }

    /** Runs the benchmark; see the class comment for arguments. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(JavaForwarding.CHILD)) {
            JavaForwarding.child(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        boolean hugepages = !(args.length > 2 && args[2].equals("no-huge"));
        String suite = args.length > 3 ? args[3] : "all";
        if (!List.of("all", "fullpath", "forwarding").contains(suite)) {
            throw new IllegalArgumentException("suite must be all, fullpath or forwarding: " + suite);
        }
        boolean forwarding = !suite.equals("fullpath");
        boolean fullPath = !suite.equals("forwarding");
        byte[] random = new byte[2];
        new SecureRandom().nextBytes(random);
        String prefix = "uph6" + HexFormat.of().formatHex(random);
        Path javaSocket = Path.of("/tmp/" + prefix + "j.sock");
        Path testpmdSocket = Path.of("/tmp/" + prefix + "t.sock");
        Path pcap = Path.of("/tmp/" + prefix + ".pcap");
        Files.deleteIfExists(javaSocket);
        Files.deleteIfExists(testpmdSocket);
        FullPath.writePcap(pcap);
        try {
            run(rounds, seconds, hugepages, forwarding, fullPath, prefix, javaSocket, testpmdSocket, pcap);
        } finally {
            Files.deleteIfExists(javaSocket);
            Files.deleteIfExists(testpmdSocket);
            Files.deleteIfExists(pcap);
            Eal.running().ifPresent(Eal::stop);
        }
    }

    private static void run(int rounds, double seconds, boolean hugepages, boolean forwarding, boolean fullPath, String prefix,
                            Path javaSocket, Path testpmdSocket, Path pcap) throws Exception {
        List<String> nullVdevs = List.of("net_null0", "net_null1");
        Map<String, List<Double>> results = new LinkedHashMap<>();
        // the full path runs in this JVM (its Java loops are the router and the io baseline only, one port each);
        // the forwarding loop runs in a child JVM per variant and round (JavaForwarding), so this JVM never compiles it
        // for the forwarding variants
        try (FullPath full = fullPath ? startFullPath(prefix, hugepages, pcap) : null) {
            Window window = full == null ? null : new Window(Window.findLcoreThread(), WARMUP, seconds);
            if (full != null) {
                Window warm = new Window(window.lcoreThreadId(), 0, WARMUP);
                full.measureRouter(warm);
                full.measureC(warm);
                loop(new int[] {full.port()}, Rewrite.NONE, warm);
            }
            for (int round = 1; round <= rounds; round++) {
                boolean javaFirst = round % 2 == 0;
                for (String device : forwarding ? List.of("null", "memif") : List.<String>of()) {
                    for (String mode : List.of("io", "macswap")) {
                        String key = device + " " + mode;
                        List<String> tpVdevs = device.equals("null") ? nullVdevs : memif(testpmdSocket);
                        for (int side = 0; side < 2; side++) {
                            boolean java = (side == 0) == javaFirst;
                            Measurement m = java ? JavaForwarding.run(device, mode, hugepages, JAVA_WARMUP, seconds, javaSocket)
                                    : Testpmd.run(prefix + "tp", tpVdevs, mode, device.equals("memif"), hugepages, WARMUP + 0.5, seconds);
                            record(results, key + (java ? " java" : " testpmd"), round, m);
                        }
                    }
                }
                for (int side = 0; full != null && side < 3; side++) {
                    int which = (side + round) % 3;
                    Measurement m = switch (which) {
                        case 0 -> full.measureRouter(window);
                        case 1 -> full.measureC(window);
                        default -> loop(new int[] {full.port()}, Rewrite.NONE, window);
                    };
                    record(results, switch (which) {
                        case 0 -> "fullpath java-router";
                        case 1 -> "fullpath c-loop";
                        default -> "fullpath io-baseline";
                    }, round, m);
                }
            }
            if (full != null) {
                long[] txRx = full.routerTxRx();
                System.out.printf(Locale.ROOT, "# router: %d received from A, %d delivered, %d live flows; C loop drops: %d%n", txRx[0],
                        txRx[1], full.routerFlows(), full.cDrops());
            }
        }
        summary(results, rounds, seconds, hugepages, forwarding, fullPath);
    }

    /** EAL in this JVM with the pcap replay port only, and the full-path comparison on it. */
    private static FullPath startFullPath(String prefix, boolean hugepages, Path pcap) {
        Eal eal = Eal.start(new EalConfig(CPU, List.of("net_pcap0,rx_pcap=" + pcap + ",infinite_rx=1"),
                hugepages ? EalConfig.Memory.HUGEPAGES : EalConfig.Memory.NO_HUGE, 512, "notice"));
        System.out.println("# EAL (full path): " + String.join(" ", eal.arguments().argv()));
        PacketPool pool = eal.createPool(prefix + "-pool", 16383);
        EthPort port = eal.openPort(DpdkException.check("port net_pcap0", RteEthDev.portByName("net_pcap0")), pool);
        return FullPath.create(eal, port.id());
    }

    /** A memif server and client on {@code socket}, connected to each other in one process. */
    static List<String> memif(Path socket) {
        return List.of("net_memif0,role=server,id=0,socket=" + socket + ",socket-abstract=no",
                "net_memif1,role=client,id=0,socket=" + socket + ",socket-abstract=no");
    }

    /** Our forwarding loop over {@code ports} (two: both directions; one: back out of the same port). */
    static Measurement loop(int[] ports, Rewrite rewrite, Window window) throws InterruptedException {
        List<PortPair> pairs = ports.length == 1 ? List.of(new PortPair(ports[0], ports[0]))
                : List.of(new PortPair(ports[0], ports[1]), new PortPair(ports[1], ports[0]));
        Eal eal = Eal.running().orElseThrow();
        ForwardingLoop loop = ForwardingLoop.start(eal, pairs, rewrite);
        try {
            return window.measure(() -> loop.counters().snapshot().tx());
        } finally {
            loop.stop();
        }
    }

    private static void record(Map<String, List<Double>> results, String key, int round, Measurement m) {
        results.computeIfAbsent(key, k -> new ArrayList<>()).add(m.mppsPerCpuSecond());
        System.out.printf(Locale.ROOT, "round %d  %-24s %8.2f Mpps/CPU-s  (%7.2f Mpps wall, CPU share %.2f, %d packets)%n", round, key,
                m.mppsPerCpuSecond(), m.mppsWall(), m.cpuShare(), m.packets());
    }

    private static void summary(Map<String, List<Double>> results, int rounds, double seconds, boolean hugepages, boolean forwarding,
                                boolean fullPath) {
        System.out.printf(Locale.ROOT, "%n# medians (min-max) over %d rounds of %.1f s, %s, forwarding thread on CPU %d, Mpps per CPU-second%n",
                rounds, seconds, hugepages ? "hugepages (--in-memory)" : "--no-huge", CPU);
        if (forwarding) {
            System.out.printf("%-16s %22s %22s %8s%n", "setup", "testpmd (C)", "Java loop (own JVM)", "ratio");
            for (String key : List.of("null io", "null macswap", "memif io", "memif macswap")) {
                List<Double> c = results.get(key + " testpmd");
                List<Double> j = results.get(key + " java");
                System.out.printf(Locale.ROOT, "%-16s %22s %22s %8.2f%n", key, spread(c), spread(j), Stats.median(j) / Stats.median(c));
            }
        }
        if (fullPath) {
            double router = Stats.median(results.get("fullpath java-router"));
            double cLoop = Stats.median(results.get("fullpath c-loop"));
            double io = Stats.median(results.get("fullpath io-baseline"));
            System.out.printf(Locale.ROOT, "%nfull path (pcap replay, %d flows): Java Router %s, C loop %s, ratio %.2f; io baseline %s%n",
                    FullPath.FLOWS, spread(results.get("fullpath java-router")), spread(results.get("fullpath c-loop")), router / cLoop,
                    spread(results.get("fullpath io-baseline")));
            System.out.printf(Locale.ROOT, "ns per packet above the io baseline: Java Router %.1f, C loop %.1f%n", 1e3 / router - 1e3 / io,
                    1e3 / cLoop - 1e3 / io);
        }
    }

    private static String spread(List<Double> values) {
        return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", Stats.median(values), values.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                values.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }
}
