package dev.uniplane.bench.dpdk;

import dev.uniplane.provider.dpdk.internal.eal.Eal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One {@code dpdk-testpmd} run as the C reference: its own {@code --file-prefix}, the main lcore on CPU 0 and the one
 * forwarding lcore on CPU 1 (as our lcore), non-interactive with {@code --stats-period=1}. A memif socket left by the
 * previous run is removed first (a killed server leaves it, and the next one fails with "Address already in use"). Each time testpmd prints the
 * statistics of its last port, the harness records the summed TX-packets together with the forwarding thread's CPU
 * time ({@code /proc/<pid>/task/<tid>/schedstat}, ns on CPU), so packets and CPU are read at the same moment.
 */
final class Testpmd {
    private static final Pattern PORT = Pattern.compile("NIC statistics for port (\\d+)");
    private static final Pattern TX = Pattern.compile("TX-packets:\\s+(\\d+)");

    /** One statistics block: wall time, TX-packets over all ports, CPU ns of the forwarding thread. */
    record Sample(long wallNanos, long txPackets, long cpuNanos) {
    }

    private Testpmd() {
    }

    /**
     * Runs testpmd with {@code vdevs} in {@code mode} (io, macswap) and returns Mpps per CPU-second of its forwarding
     * thread over {@code seconds}, after {@code warmupSeconds}.
     */
    static Measurement run(String filePrefix, List<String> vdevs, String mode, boolean txFirst, boolean hugepages, double warmupSeconds,
                           double seconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dpdk-testpmd", "--lcores=0@0,1@1", "--file-prefix=" + filePrefix, "--no-pci",
                "--no-telemetry", "--log-level=notice"));
        cmd.addAll(hugepages ? List.of("--in-memory") : List.of("--no-huge", "-m", "512", "--no-shconf"));
        vdevs.forEach(v -> cmd.add("--vdev=" + v));
        cmd.addAll(List.of("--", "--forward-mode=" + mode, "--nb-cores=1", "--total-num-mbufs=8192", "--stats-period=1"));
        if (txFirst) {
            cmd.add("--tx-first");
        }
        for (String vdev : vdevs) {
            for (String arg : vdev.split(",")) {
                if (arg.startsWith("socket=")) {
                    Files.deleteIfExists(Path.of(arg.substring("socket=".length())));
                }
            }
        }
        int lastPort = vdevs.size() - 1;
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<Sample> samples = new CopyOnWriteArrayList<>();
        StringBuilder log = new StringBuilder();
        Thread reader = Thread.ofPlatform().daemon().start(() -> read(p, lastPort, samples, log));
        try {
            // statistics come once a second; the warm-up counts from the first block (forwarding has started by then)
            long deadline = System.nanoTime() + (long) ((warmupSeconds + seconds + 20) * 1e9);
            Sample first = null;
            while (System.nanoTime() < deadline && p.isAlive()) {
                if (first == null && !samples.isEmpty()) {
                    first = firstAfter(samples, samples.getFirst().wallNanos + (long) (warmupSeconds * 1e9));
                }
                if (first != null && samples.getLast().wallNanos - first.wallNanos >= (long) ((seconds - 0.2) * 1e9)) {
                    break;
                }
                Thread.sleep(50);
            }
            if (first == null || first == samples.getLast()) {
                throw new IllegalStateException("testpmd " + cmd + " gave too few statistics (" + samples.size() + "); output:\n" + tail(log));
            }
            Sample last = samples.getLast();
            return new Measurement(last.txPackets - first.txPackets, last.cpuNanos - first.cpuNanos, last.wallNanos - first.wallNanos);
        } finally {
            p.destroy(); // SIGTERM: testpmd stops forwarding, closes its ports and exits
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(2000);
            removeRuntimeDirectory(filePrefix);
        }
    }

    private static Sample firstAfter(List<Sample> samples, long wallNanos) {
        for (Sample s : samples) {
            if (s.wallNanos >= wallNanos) {
                return s;
            }
        }
        return null;
    }

    private static void read(Process p, int lastPort, List<Sample> samples, StringBuilder log) {
        long pid = p.pid();
        long tid = -1;
        long tx = 0;
        int port = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (log) {
                    log.append(line).append('\n');
                    if (log.length() > 20_000) {
                        log.delete(0, log.length() - 10_000);
                    }
                }
                Matcher pm = PORT.matcher(line);
                if (pm.find()) {
                    port = Integer.parseInt(pm.group(1));
                    if (port == 0) {
                        tx = 0;
                    }
                    continue;
                }
                Matcher tm = TX.matcher(line);
                if (tm.find() && port >= 0) {
                    tx += Long.parseLong(tm.group(1));
                    if (port == lastPort) {
                        long now = System.nanoTime();
                        if (tid < 0) {
                            tid = workerThread(pid);
                        }
                        samples.add(new Sample(now, tx, tid < 0 ? 0 : cpuNanos(pid, tid)));
                        port = -1;
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** The forwarding lcore's thread: EAL 22.11 names it {@code rte-worker-1} (later releases {@code lcore-worker-1}). */
    private static long workerThread(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String comm = Files.readString(task.resolve("comm")).trim();
                if (comm.equals("rte-worker-1") || comm.equals("lcore-worker-1")) {
                    return Long.parseLong(task.getFileName().toString());
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** First field of schedstat: time on CPU in ns (finer than the 10 ms ticks of {@code stat}). */
    static long cpuNanos(long pid, long tid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "schedstat"));
            return Long.parseLong(s.trim().split("\\s+")[0]);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String tail(StringBuilder log) {
        synchronized (log) {
            return log.length() > 3000 ? log.substring(log.length() - 3000) : log.toString();
        }
    }

    static void removeRuntimeDirectory(String filePrefix) {
        try {
            Eal.removeRuntimeDirectory(filePrefix);
        } catch (UncheckedIOException e) {
            System.err.println("cleanup: " + filePrefix + ": " + e.getMessage());
        }
    }
}
