package dev.uniplane.bench.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.EalConfig;
import dev.uniplane.provider.dpdk.internal.eal.EthPort;
import dev.uniplane.provider.dpdk.internal.eal.PacketPool;
import dev.uniplane.provider.dpdk.internal.fastpath.ForwardingLoop;
import dev.uniplane.provider.dpdk.internal.fastpath.Rewrite;
import dev.uniplane.provider.dpdk.internal.ffm.DpdkException;
import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import dev.uniplane.provider.dpdk.internal.ffm.RteMbuf;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One run of our {@link ForwardingLoop} in a JVM of its own. A JVM that ran the loop with another rewrite or other ports
 * first has deoptimised and recompiled it with a mixed profile ({@code made not entrant}), and which code it ends up
 * with differs from run to run (the Java/testpmd ratio on net_null io came out 0.34, 0.68 and 0.99 in one JVM), so
 * the parent launches a child JVM per variant and round, with its own EAL (only that variant's two vdevs), and reads one
 * result line back.
 */
final class JavaForwarding {
    /** The child's command word: {@code DpdkBench java-forwarding <null|memif> <io|macswap> <warmup> <seconds> <memory> <socket>}. */
    static final String CHILD = "java-forwarding";
    private static final String RESULT = "RESULT ";
    private static final int POOL_SIZE = 16383;

    private JavaForwarding() {
    }

    /**
     * Parent side: runs {@code device}/{@code mode} in a child JVM (same java, class path and JVM options as this one)
     * and returns its measurement. {@code memifSocket} is the socket path for the memif pair (removed before and after).
     */
    static Measurement run(String device, String mode, boolean hugepages, double warmupSeconds, double seconds, Path memifSocket)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
        cmd.addAll(jvmOptions);
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("--enable-native-access"))) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DpdkBench.class.getName(), CHILD, device, mode,
                Double.toString(warmupSeconds), Double.toString(seconds), hugepages ? "hugepages" : "no-huge", memifSocket.toString()));
        Files.deleteIfExists(memifSocket);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Measurement result = null;
        StringBuilder log = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith(RESULT)) {
                    String[] f = line.substring(RESULT.length()).trim().split("\\s+");
                    result = new Measurement(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
                } else {
                    log.append(line).append('\n');
                    if (line.startsWith("#") || line.startsWith("[") || line.contains("uncommon trap")) {
                        System.out.println("  java> " + line);
                    }
                }
            }
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(memifSocket);
        }
        if (p.exitValue() != 0 || result == null) {
            String tail = log.length() > 3000 ? log.substring(log.length() - 3000) : log.toString();
            throw new IllegalStateException("child JVM " + device + " " + mode + " exited with " + p.exitValue()
                    + (result == null ? " without a result" : "") + "; output:\n" + tail);
        }
        return result;
    }

    /** Child side: {@code args} after {@link #CHILD}; prints one {@code RESULT packets cpuNanos wallNanos} line. */
    static void child(String[] args) throws Exception {
        if (args.length != 6) {
            throw new IllegalArgumentException("usage: " + CHILD + " <null|memif> <io|macswap> <warmup> <seconds> <hugepages|no-huge> <socket>, got "
                    + List.of(args));
        }
        String device = args[0];
        Rewrite rewrite = switch (args[1]) {
            case "io" -> Rewrite.NONE;
            case "macswap" -> Rewrite.MAC_SWAP;
            default -> throw new IllegalArgumentException("mode must be io or macswap: " + args[1]);
        };
        double warmupSeconds = Double.parseDouble(args[2]);
        double seconds = Double.parseDouble(args[3]);
        boolean hugepages = !args[4].equals("no-huge");
        Path socket = Path.of(args[5]);
        List<String> vdevs = switch (device) {
            case "null" -> List.of("net_null0", "net_null1");
            case "memif" -> DpdkBench.memif(socket);
            default -> throw new IllegalArgumentException("device must be null or memif: " + device);
        };
        try {
            Eal eal = Eal.start(new EalConfig(DpdkBench.CPU, vdevs, hugepages ? EalConfig.Memory.HUGEPAGES : EalConfig.Memory.NO_HUGE, 512,
                    "notice"));
            System.out.println("# EAL: " + String.join(" ", eal.arguments().argv()));
            PacketPool pool = eal.createPool("uph6-fwd-pool", POOL_SIZE);
            List<EthPort> ports = new ArrayList<>();
            for (String vdev : vdevs) {
                String name = vdev.split(",")[0];
                ports.add(eal.openPort(DpdkException.check("port " + name, RteEthDev.portByName(name)), pool));
            }
            int[] pair = {ports.get(0).id(), ports.get(1).id()};
            if (device.equals("memif")) {
                for (EthPort port : ports) {
                    if (!port.awaitLinkUp(Duration.ofSeconds(5))) {
                        throw new IllegalStateException("memif port " + port.id() + " did not come up within 5 s");
                    }
                }
                inject(pool, pair[1], pair[0]);
                inject(pool, pair[0], pair[1]);
            }
            Window window = new Window(Window.findLcoreThread(), warmupSeconds, seconds);
            // JVM uptime, the time base of -XX:+PrintCompilation: the loop's last C2 compilation must come before the window
            long started = ManagementFactory.getRuntimeMXBean().getUptime();
            Measurement m = DpdkBench.loop(pair, rewrite, window);
            System.out.printf(Locale.ROOT, "# loop started at %d ms JVM uptime, window %d-%d ms%n", started,
                    started + (long) (warmupSeconds * 1000), started + (long) ((warmupSeconds + seconds) * 1000));
            System.out.println(RESULT + m.packets() + " " + m.cpuNanos() + " " + m.wallNanos());
        } finally {
            Eal.running().ifPresent(Eal::stop);
            Files.deleteIfExists(socket);
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
                MemorySegment.copy(frame, 0, all, JAVA_BYTE, data, frame.length);
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
}
