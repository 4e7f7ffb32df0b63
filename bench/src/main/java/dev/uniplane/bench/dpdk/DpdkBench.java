package dev.uniplane.bench.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.EalConfig;
import dev.uniplane.provider.dpdk.internal.eal.EthPort;
import dev.uniplane.provider.dpdk.internal.eal.PacketPool;
import dev.uniplane.provider.dpdk.internal.fastpath.ForwardingLoop;
import dev.uniplane.provider.dpdk.internal.fastpath.PortPair;
import dev.uniplane.provider.dpdk.internal.fastpath.Rewrite;
import dev.uniplane.provider.dpdk.internal.ffm.DpdkException;
import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import dev.uniplane.provider.dpdk.internal.ffm.RteMbuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DPDK benchmarks of provider-dpdk, in one JVM and one run, interleaved rounds (order alternating per round):
 * <ol>
 * <li><b>Forwarding</b>: {@code dpdk-testpmd} (C, a separate process per run) against our {@link ForwardingLoop} (Java on
 * the EAL lcore of this JVM), io and macswap, on a {@code net_null} pair (pure loop cost: rx allocates, tx frees) and on
 * a {@code net_memif} pair connected to itself in the same process ({@code --tx-first} / 32 injected mbufs per port
 * circulate port 0 → port 1 → port 0, so every forward pays a memif tx and rx copy). Both sides run the same topology
 * in the same memory mode with the forwarding thread on CPU 1.</li>
 * <li><b>Full path</b>: our {@code Router} against the shim's C loop on the same replayed packets ({@link FullPath}),
 * plus an io baseline (our loop forwarding the same port without processing) that shows the PMD's share.</li>
 * </ol>
 * Reported: Mpps per CPU-second of the forwarding thread (testpmd's {@code lcore-worker-1} from schedstat, ours from
 * {@code ThreadMXBean}), medians over the rounds and their ratios; the machine is shared, so wall-clock Mpps is printed
 * only as context.
 *
 * <p>Usage: {@code DpdkBench [rounds=5] [seconds=2] [memory=hugepages|no-huge] [suite=all|fullpath]}
 * ({@code fullpath}: only the full-path comparison, e.g. for profiling the router). Root. Prefixes {@code uph6<random>}.
 */
public final class DpdkBench {
    private static final int CPU = 1;
    private static final double WARMUP = 1.0;

    private DpdkBench() {
    }

    /** Runs the benchmark; see the class comment for arguments. */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        boolean hugepages = !(args.length > 2 && args[2].equals("no-huge"));
        boolean forwarding = !(args.length > 3 && args[3].equals("fullpath"));
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
            run(rounds, seconds, hugepages, forwarding, prefix, javaSocket, testpmdSocket, pcap);
        } finally {
            Files.deleteIfExists(javaSocket);
            Files.deleteIfExists(testpmdSocket);
            Files.deleteIfExists(pcap);
            Eal.running().ifPresent(Eal::stop);
        }
    }

    private static void run(int rounds, double seconds, boolean hugepages, boolean forwarding, String prefix, Path javaSocket,
                            Path testpmdSocket, Path pcap) throws Exception {
        List<String> nullVdevs = List.of("net_null0", "net_null1");
        List<String> memifVdevs = memif(javaSocket);
        List<String> vdevs = new ArrayList<>(nullVdevs);
        vdevs.addAll(memifVdevs);
        vdevs.add("net_pcap0,rx_pcap=" + pcap + ",infinite_rx=1");
        Eal eal = Eal.start(new EalConfig(CPU, vdevs, hugepages ? EalConfig.Memory.HUGEPAGES : EalConfig.Memory.NO_HUGE, 512, "notice"));
        System.out.println("# EAL: " + String.join(" ", eal.arguments().argv()));
        PacketPool pool = eal.createPool(prefix + "-pool", 16383);
        Map<String, EthPort> ports = new LinkedHashMap<>();
        for (String name : List.of("net_null0", "net_null1", "net_memif0", "net_memif1", "net_pcap0")) {
            ports.put(name, eal.openPort(DpdkException.check("port " + name, RteEthDev.portByName(name)), pool));
        }
        for (String memif : List.of("net_memif0", "net_memif1")) {
            if (!ports.get(memif).awaitLinkUp(Duration.ofSeconds(5))) {
                throw new IllegalStateException(memif + " did not come up within 5 s");
            }
        }
        inject(pool, ports.get("net_memif1").id(), ports.get("net_memif0").id());
        inject(pool, ports.get("net_memif0").id(), ports.get("net_memif1").id());
        long lcoreThread = Window.findLcoreThread();
        Window window = new Window(lcoreThread, WARMUP, seconds);
        Window warm = new Window(lcoreThread, 0, WARMUP);
        int[] nullPair = {ports.get("net_null0").id(), ports.get("net_null1").id()};
        int[] memifPair = {ports.get("net_memif0").id(), ports.get("net_memif1").id()};
        int pcapPort = ports.get("net_pcap0").id();

        Map<String, List<Double>> results = new LinkedHashMap<>();
        try (FullPath full = FullPath.create(eal, pcapPort)) {
            // JIT warm-up of every Java variant before the first timed round
            loop(nullPair, Rewrite.MAC_SWAP, warm);
            loop(memifPair, Rewrite.MAC_SWAP, warm);
            full.measureRouter(warm);
            full.measureC(warm);
            loop(new int[] {pcapPort}, Rewrite.NONE, warm);
            for (int round = 1; round <= rounds; round++) {
                boolean javaFirst = round % 2 == 0;
                for (String device : forwarding ? List.of("null", "memif") : List.<String>of()) {
                    for (String mode : List.of("io", "macswap")) {
                        String key = device + " " + mode;
                        List<String> tpVdevs = device.equals("null") ? nullVdevs : memif(testpmdSocket);
                        Rewrite rewrite = mode.equals("io") ? Rewrite.NONE : Rewrite.MAC_SWAP;
                        int[] pair = device.equals("null") ? nullPair : memifPair;
                        for (int side = 0; side < 2; side++) {
                            boolean java = (side == 0) == javaFirst;
                            Measurement m = java ? loop(pair, rewrite, window)
                                    : Testpmd.run(prefix + "tp", tpVdevs, mode, device.equals("memif"), hugepages, WARMUP + 0.5, seconds);
                            record(results, key + (java ? " java" : " testpmd"), round, m);
                        }
                    }
                }
                for (int side = 0; side < 3; side++) {
                    int which = (side + round) % 3;
                    Measurement m = switch (which) {
                        case 0 -> full.measureRouter(window);
                        case 1 -> full.measureC(window);
                        default -> loop(new int[] {pcapPort}, Rewrite.NONE, window);
                    };
                    record(results, switch (which) {
                        case 0 -> "fullpath java-router";
                        case 1 -> "fullpath c-loop";
                        default -> "fullpath io-baseline";
                    }, round, m);
                }
            }
            long[] txRx = full.routerTxRx();
            System.out.printf(Locale.ROOT, "# router: %d received from A, %d delivered, %d live flows; C loop drops: %d%n", txRx[0], txRx[1],
                    full.routerFlows(), full.cDrops());
        }
        summary(results, rounds, seconds, hugepages, forwarding);
    }

    private static List<String> memif(Path socket) {
        return List.of("net_memif0,role=server,id=0,socket=" + socket + ",socket-abstract=no",
                "net_memif1,role=client,id=0,socket=" + socket + ",socket-abstract=no");
    }

    /** Our forwarding loop over {@code ports} (two: both directions; one: back out of the same port). */
    private static Measurement loop(int[] ports, Rewrite rewrite, Window window) throws InterruptedException {
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

    /**
     * Like testpmd's {@code --tx-first}: one burst of 64-byte frames on {@code port}, retried for up to a second. A memif
     * server can transmit only into buffers its client posted in an rx call, so {@code peer} is polled between tries
     * (what it receives is sent back out of {@code peer}, so it keeps circulating).
     */
    private static void inject(PacketPool pool, int port, int peer) throws InterruptedException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment burst = arena.allocate(ADDRESS, ForwardingLoop.BURST);
            for (int attempt = 0; attempt < 50; attempt++) {
                if (injectOnce(pool, port)) {
                    return;
                }
                int n = RteEthDev.rxBurst((short) peer, (short) 0, burst, (short) ForwardingLoop.BURST);
                if (n > 0) {
                    int sent = RteEthDev.txBurst((short) peer, (short) 0, burst, (short) n);
                    if (sent < n) {
                        RteMbuf.freeBulk(burst.asSlice(sent * ADDRESS.byteSize()), n - sent);
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("port " + port + " refused every injected burst for 1 s");
    }

    private static boolean injectOnce(PacketPool pool, int port) {
        int n = ForwardingLoop.BURST;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mbufs = arena.allocate(ADDRESS, n);
            DpdkException.check("rte_pktmbuf_alloc_bulk", RteMbuf.allocBulk(pool.address(), mbufs, n));
            @SuppressWarnings("restricted")
            MemorySegment all = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
            byte[] frame = FullPath.frame(0x0275_706b_0002L, 0x0275_706b_0003L, 0x0a00_0001, 0x0a00_0002, 1, 2);
            for (int i = 0; i < n; i++) {
                long m = mbufs.getAtIndex(JAVA_LONG, i);
                long data = all.get(JAVA_LONG, m + Layouts.MBUF_BUF_ADDR) + Short.toUnsignedInt(all.get(JAVA_SHORT, m + Layouts.MBUF_DATA_OFF));
                MemorySegment.copy(frame, 0, all, java.lang.foreign.ValueLayout.JAVA_BYTE, data, frame.length);
                all.set(JAVA_INT, m + Layouts.MBUF_PKT_LEN, frame.length);
                all.set(JAVA_SHORT, m + Layouts.MBUF_DATA_LEN, (short) frame.length);
            }
            int sent = RteEthDev.txBurst((short) port, (short) 0, mbufs, (short) n);
            if (sent < n) {
                RteMbuf.freeBulk(mbufs.asSlice(sent * ADDRESS.byteSize()), n - sent);
            }
            if (sent > 0) {
                System.out.println("# injected " + sent + " frames on port " + port);
            }
            return sent > 0;
        }
    }

    private static void record(Map<String, List<Double>> results, String key, int round, Measurement m) {
        results.computeIfAbsent(key, k -> new ArrayList<>()).add(m.mppsPerCpuSecond());
        System.out.printf(Locale.ROOT, "round %d  %-24s %8.2f Mpps/CPU-s  (%7.2f Mpps wall, CPU share %.2f, %d packets)%n", round, key,
                m.mppsPerCpuSecond(), m.mppsWall(), m.cpuShare(), m.packets());
    }

    private static void summary(Map<String, List<Double>> results, int rounds, double seconds, boolean hugepages, boolean forwarding) {
        System.out.printf(Locale.ROOT, "%n# medians over %d rounds of %.1f s, %s, forwarding thread on CPU %d, Mpps per CPU-second%n", rounds,
                seconds, hugepages ? "hugepages (--in-memory)" : "--no-huge", CPU);
        System.out.printf("%-16s %12s %12s %8s%n", "setup", "testpmd (C)", "Java loop", "ratio");
        for (String key : forwarding ? List.of("null io", "null macswap", "memif io", "memif macswap") : List.<String>of()) {
            double c = median(results.get(key + " testpmd"));
            double j = median(results.get(key + " java"));
            System.out.printf(Locale.ROOT, "%-16s %12.2f %12.2f %8.2f%n", key, c, j, j / c);
        }
        double router = median(results.get("fullpath java-router"));
        double cLoop = median(results.get("fullpath c-loop"));
        double io = median(results.get("fullpath io-baseline"));
        System.out.printf(Locale.ROOT, "%nfull path (pcap replay, %d flows): Java Router %.2f, C loop %.2f, ratio %.2f; io baseline %.2f%n",
                FullPath.FLOWS, router, cLoop, router / cLoop, io);
        System.out.printf(Locale.ROOT, "ns per packet above the io baseline: Java Router %.1f, C loop %.1f%n", 1e3 / router - 1e3 / io,
                1e3 / cLoop - 1e3 / io);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
