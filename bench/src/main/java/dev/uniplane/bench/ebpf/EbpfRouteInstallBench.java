package dev.uniplane.bench.ebpf;

import dev.uniplane.bench.Stats;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.uniplane.api.IpPrefix;
import dev.uniplane.provider.ebpf.internal.ffm.BpfMap;
import dev.uniplane.provider.ebpf.internal.program.DatapathMaps;
import dev.uniplane.provider.ebpf.internal.program.LpmKey;
import dev.uniplane.provider.ebpf.internal.program.U32Value;

/**
 * Route install rate into the datapath's {@code up_routes_v4} LPM trie: N random /24 and /32 routes (default 100k)
 * into an empty map, through
 * <ul>
 * <li>{@code java-single}: {@link DatapathMaps#putRoute} per route (encoder + one {@code bpf_map_update_elem});</li>
 * <li>{@code java-batch}: {@link LpmKey}/{@link U32Value} encoders + {@link BpfMap#updateBatch} (chunk 4096 by
 * default, as DatapathMaps uses for policy);</li>
 * <li>{@code bpftool-batch}: {@code bpftool batch file F} with one {@code map update pinned ... key hex ... value hex ...}
 * line per route, on the same map pinned under {@code /sys/fs/bpf/uniplane-bench-<pid>/}.</li>
 * </ul>
 * Each method gets a freshly loaded datapath object per round (so every insert goes into an empty trie), rounds are
 * interleaved with a rotating order. Java CPU = the calling thread's CPU time (user + system, the syscalls run in
 * it); bpftool CPU = the reaped child's utime + stime. Generating the batch file (bpftool's input) is not timed;
 * encoding the Java keys is.
 *
 * <p>Usage: {@code EbpfRouteInstallBench [routes=100000] [rounds=5] [chunk=4096]}
 */
public final class EbpfRouteInstallBench {
    private static final int GROUP = 1;

    private EbpfRouteInstallBench() {
    }

    /** One measured install: wall and CPU nanoseconds. */
    record Sample(long wallNanos, long cpuNanos) {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int chunk = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        BenchSupport.requireBpf();
        BenchSupport.ensureBpffs();
        long[] routes = BenchSupport.randomRoutes(count, 12345);
        List<IpPrefix> prefixes = new ArrayList<>(count);
        for (long r : routes) {
            prefixes.add(BenchSupport.prefix(r));
        }
        int capacity = Math.max(65_536, Integer.highestOneBit(count) << 1);
        Map<String, Integer> sizes = Map.of("up_routes_v4", capacity);
        long pid = ProcessHandle.current().pid();
        Path pinDir = Path.of("/sys/fs/bpf/uniplane-bench-" + pid);
        String pinPath = pinDir.resolve("up_routes_v4").toString();
        Path batchFile = Files.createTempFile("uniplane-bench-bpftool", ".batch");
        System.out.printf(Locale.ROOT, "# EbpfRouteInstallBench routes=%d rounds=%d chunk=%d capacity=%d, %s%n", count, rounds, chunk,
                capacity, BenchSupport.load());
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        for (String m : List.of("java-single", "java-batch", "bpftool-batch")) {
            samples.put(m, new ArrayList<>());
        }
        Thread cleanup = new Thread(() -> {
            try {
                Files.deleteIfExists(Path.of(pinPath));
                Files.deleteIfExists(pinDir);
                Files.deleteIfExists(batchFile);
            } catch (IOException e) {
                System.err.println("cleanup: " + e);
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanup); // also on SIGINT/SIGTERM
        try {
            writeBatchFile(batchFile, routes, pinPath);
            Files.createDirectories(pinDir);
            warmUp(prefixes, sizes, chunk);
            List<String> order = new ArrayList<>(samples.keySet());
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < order.size(); k++) {
                    String method = order.get((k + r) % order.size());
                    Sample s;
                    try (DatapathMaps maps = DatapathMaps.load(sizes)) {
                        BpfMap map = maps.map("up_routes_v4");
                        s = switch (method) {
                            case "java-single" -> javaSingle(maps, prefixes);
                            case "java-batch" -> javaBatch(map, prefixes, chunk);
                            default -> bpftool(map, pinPath, batchFile);
                        };
                        int n = map.keys().size();
                        if (n != count) {
                            throw new IllegalStateException(method + ": " + n + " routes in the map, expected " + count);
                        }
                    }
                    samples.get(method).add(s);
                    System.out.printf(Locale.ROOT, "# round %d %-13s %8.3f s wall  %8.3f s cpu  %,10.0f routes/s  %,10.0f routes/cpu-s%n",
                            r + 1, method, s.wallNanos() / 1e9, s.cpuNanos() / 1e9, count / (s.wallNanos() / 1e9),
                            count / (s.cpuNanos() / 1e9));
                    System.gc();
                    Thread.sleep(1000); // freeing a 100k-entry trie runs in kworkers after close
                }
            }
        } finally {
            Files.deleteIfExists(Path.of(pinPath)); // normally already unpinned
            Files.deleteIfExists(pinDir);
            Files.deleteIfExists(batchFile);
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "## Route install, %,d random /24+/32 routes into an empty up_routes_v4 (LPM), median of %d interleaved rounds, %s%n",
                count, rounds, BenchSupport.load());
        System.out.println("| method | routes/s (wall) | routes per CPU-second | wall s (min–max) |");
        System.out.println("|---|---:|---:|---|");
        Map<String, Double> perCpu = new LinkedHashMap<>();
        Map<String, Double> wall = new LinkedHashMap<>();
        samples.forEach((m, list) -> {
            List<Double> w = list.stream().map(s -> count / (s.wallNanos() / 1e9)).toList();
            List<Double> c = list.stream().map(s -> count / (s.cpuNanos() / 1e9)).toList();
            List<Double> secs = list.stream().map(s -> s.wallNanos() / 1e9).toList();
            wall.put(m, Stats.median(w));
            perCpu.put(m, Stats.median(c));
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f–%.2f |%n", m, Stats.median(w), Stats.median(c),
                    Stats.min(secs), Stats.max(secs));
        });
        for (String m : List.of("java-batch", "java-single")) {
            System.out.printf(Locale.ROOT, "%s / bpftool-batch: %.1fx (wall), %.1fx (per CPU-second)%n", m,
                    wall.get(m) / wall.get("bpftool-batch"), perCpu.get(m) / perCpu.get("bpftool-batch"));
        }
        System.out.printf(Locale.ROOT, "java-batch / java-single: %.1fx (wall), %.1fx (per CPU-second)%n",
                wall.get("java-batch") / wall.get("java-single"), perCpu.get("java-batch") / perCpu.get("java-single"));
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static Sample javaSingle(DatapathMaps maps, List<IpPrefix> prefixes) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (IpPrefix p : prefixes) {
            maps.putRoute(p, GROUP);
        }
        return new Sample(System.nanoTime() - t0, THREADS.getCurrentThreadCpuTime() - c0);
    }

    private static Sample javaBatch(BpfMap map, List<IpPrefix> prefixes, int chunk) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        List<byte[]> keys = new ArrayList<>(prefixes.size());
        List<byte[]> values = new ArrayList<>(prefixes.size());
        for (IpPrefix p : prefixes) {
            keys.add(new LpmKey(p).encode());
            values.add(U32Value.encode(GROUP));
        }
        map.updateBatch(keys, values, chunk);
        return new Sample(System.nanoTime() - t0, THREADS.getCurrentThreadCpuTime() - c0);
    }

    private static Sample bpftool(BpfMap map, String pinPath, Path batchFile) throws IOException, InterruptedException {
        map.pin(pinPath);
        try {
            long c0 = BenchSupport.childrenCpuNanos();
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder("bpftool", "batch", "file", batchFile.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int rc = p.waitFor();
            long wall = System.nanoTime() - t0;
            long cpu = BenchSupport.childrenCpuNanos() - c0;
            if (rc != 0) {
                throw new IllegalStateException("bpftool batch file " + batchFile + " exited " + rc);
            }
            return new Sample(wall, cpu);
        } finally {
            map.unpin(pinPath);
        }
    }

    private static void writeBatchFile(Path file, long[] routes, String pinPath) throws IOException {
        byte[] value = U32Value.encode(GROUP);
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (long r : routes) {
                byte[] key = new LpmKey(BenchSupport.prefix(r)).encode();
                w.write("map update pinned ");
                w.write(pinPath);
                w.write(" key hex");
                hex(w, key);
                w.write(" value hex");
                hex(w, value);
                w.write('\n');
            }
        }
    }

    private static void hex(BufferedWriter w, byte[] b) throws IOException {
        for (byte x : b) {
            w.write(' ');
            w.write(Character.forDigit((x >> 4) & 0xf, 16));
            w.write(Character.forDigit(x & 0xf, 16));
        }
    }

    /** JIT warm-up of both Java paths (the first ~10k downcalls run interpreted), on a throwaway object. */
    private static void warmUp(List<IpPrefix> prefixes, Map<String, Integer> sizes, int chunk) throws InterruptedException {
        List<IpPrefix> some = prefixes.subList(0, Math.min(30_000, prefixes.size()));
        try (DatapathMaps maps = DatapathMaps.load(sizes)) {
            javaSingle(maps, some);
            maps.map("up_routes_v4").clear();
            javaBatch(maps.map("up_routes_v4"), some, chunk);
        }
        System.gc();
        Thread.sleep(1000);
    }
}
