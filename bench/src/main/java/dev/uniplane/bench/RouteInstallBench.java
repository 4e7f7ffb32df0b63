package dev.uniplane.bench;

import dev.uniplane.api.IpPrefix;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RouteBatchResult;
import dev.uniplane.linux.RouteOperation;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Installs N /32 device routes (default 100k) into a private netns with sdk-linux's batched rtnetlink and with
 * {@code ip -n NS -batch FILE} in the same run, interleaved for a number of rounds, and prints the rates and the ratio.
 * Java CPU is the calling thread's CPU time (the kernel work of sendmsg runs in that thread); ip's CPU is the reaped
 * child's utime+stime from /proc/self/stat.
 *
 * <p>Usage: {@code RouteInstallBench [routes] [rounds] [ack-each]}; {@code ack-each} asks the kernel to ACK every route
 * instead of only the last one of each datagram.
 */
public final class RouteInstallBench {
    private static final int TABLE = 100;
    private static final double CLK_TCK = 100.0;

    private RouteInstallBench() {
    }

    /**
     * One measured phase.
     *
     * @param wallNanos wall-clock time
     * @param cpuNanos  CPU time (thread for Java, child process for ip)
     */
    record Sample(long wallNanos, long cpuNanos) {
        double rate(int n) {
            return n / (wallNanos / 1e9);
        }

        double ratePerCpuSecond(int n) {
            return cpuNanos == 0 ? Double.NaN : n / (cpuNanos / 1e9);
        }
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        boolean ackEach = args.length > 2 && args[2].equals("ack-each");
        String ns = "uph1b" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
        String dev = ns + "a";
        Path addFile = Files.createTempFile("uph1b-add", ".batch");
        Path delFile = Files.createTempFile("uph1b-del", ".batch");
        try (NetNs netns = NetNs.create(ns); RtNetlink rt = RtNetlink.open(netns)) {
            LinkInfo veth = rt.createVethPair(dev, ns + "b", null);
            rt.setUp(veth.index(), true);
            rt.setUp(ns + "b", true);
            List<RouteSpec> routes = routes(count, veth.index());
            writeBatchFiles(routes, dev, addFile, delFile);

            // warm-up: JIT for the encoder and the downcalls
            List<RouteSpec> warm = routes.subList(0, Math.min(20_000, count));
            rt.programRoutes(RouteOperation.ADD, warm);
            rt.programRoutes(RouteOperation.DELETE, warm);

            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            List<Sample> javaAdd = new ArrayList<>();
            List<Sample> javaDel = new ArrayList<>();
            List<Sample> ipAdd = new ArrayList<>();
            List<Sample> ipDel = new ArrayList<>();
            RouteBatchResult last = null;
            for (int round = 0; round < rounds; round++) {
                long w0 = System.nanoTime();
                long c0 = mx.getCurrentThreadCpuTime();
                last = rt.programRoutes(RouteOperation.ADD, routes, ackEach);
                javaAdd.add(new Sample(System.nanoTime() - w0, mx.getCurrentThreadCpuTime() - c0));
                check(rt, count, "sdk-linux add");
                w0 = System.nanoTime();
                c0 = mx.getCurrentThreadCpuTime();
                rt.programRoutes(RouteOperation.DELETE, routes, ackEach);
                javaDel.add(new Sample(System.nanoTime() - w0, mx.getCurrentThreadCpuTime() - c0));
                check(rt, 0, "sdk-linux delete");

                ipAdd.add(ipBatch(ns, addFile));
                check(rt, count, "ip -batch add");
                ipDel.add(ipBatch(ns, delFile));
                check(rt, 0, "ip -batch delete");
                System.out.printf(Locale.ROOT,
                        "round %d: sdk-linux add %.0f/s (%.0f/CPU-s), ip -batch add %.0f/s (%.0f/CPU-s); "
                                + "delete %.0f/s vs %.0f/s%n",
                        round + 1, javaAdd.getLast().rate(count), javaAdd.getLast().ratePerCpuSecond(count),
                        ipAdd.getLast().rate(count), ipAdd.getLast().ratePerCpuSecond(count),
                        javaDel.getLast().rate(count), ipDel.getLast().rate(count));
            }
            System.out.printf(Locale.ROOT, "routes=%d rounds=%d datagrams/round=%d acks/round=%d kernel=%s%n", count,
                    rounds, last.datagrams(), last.acks(), System.getProperty("os.version"));
            print("add   ", count, median(javaAdd), median(ipAdd));
            print("delete", count, median(javaDel), median(ipDel));
        } finally {
            if (NetNs.exists(ns)) {
                NetNs.delete(ns);
            }
            Files.deleteIfExists(addFile);
            Files.deleteIfExists(delFile);
        }
    }

    private static List<RouteSpec> routes(int count, int ifIndex) {
        List<RouteSpec> routes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String addr = "10." + (16 + (i >>> 16)) + "." + ((i >>> 8) & 0xff) + "." + (i & 0xff);
            routes.add(RouteSpec.to(IpPrefix.parse(addr + "/32")).table(TABLE).dev(ifIndex)
                    .protocol(RouteSpec.PROTO_STATIC).build());
        }
        return routes;
    }

    private static void writeBatchFiles(List<RouteSpec> routes, String dev, Path add, Path del) throws IOException {
        StringBuilder a = new StringBuilder();
        StringBuilder d = new StringBuilder();
        for (RouteSpec r : routes) {
            String dst = r.destination().toString();
            a.append("route add ").append(dst).append(" dev ").append(dev).append(" table ").append(TABLE)
                    .append(" proto static scope link\n");
            d.append("route del ").append(dst).append(" table ").append(TABLE).append('\n');
        }
        Files.writeString(add, a);
        Files.writeString(del, d);
    }

    private static Sample ipBatch(String ns, Path file) throws IOException, InterruptedException {
        long cpu0 = childrenCpuNanos();
        long w0 = System.nanoTime();
        Process p = new ProcessBuilder("ip", "-n", ns, "-batch", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        long wall = System.nanoTime() - w0;
        if (rc != 0) {
            throw new IllegalStateException("ip -batch failed (" + rc + "): " + out.lines().limit(5).toList());
        }
        return new Sample(wall, childrenCpuNanos() - cpu0);
    }

    /** cutime + cstime of this process (reaped children), in nanoseconds. */
    private static long childrenCpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields after "(comm)": state is index 0, so cutime (field 16) is index 13 and cstime index 14
        return (long) ((Long.parseLong(f[13]) + Long.parseLong(f[14])) / CLK_TCK * 1e9);
    }

    private static void check(RtNetlink rt, int expected, String what) {
        int actual = rt.routes(2, TABLE).size();
        if (actual != expected) {
            throw new IllegalStateException(what + ": expected " + expected + " routes in table " + TABLE + ", found "
                    + actual);
        }
    }

    private static Sample median(List<Sample> samples) {
        List<Sample> sorted = new ArrayList<>(samples);
        sorted.sort((x, y) -> Long.compare(x.wallNanos(), y.wallNanos()));
        return sorted.get(sorted.size() / 2);
    }

    private static void print(String phase, int n, Sample java, Sample ip) {
        System.out.printf(Locale.ROOT,
                "%s median: sdk-linux %,.0f routes/s wall (%,.0f/CPU-s, %.3f s) | ip -batch %,.0f routes/s wall "
                        + "(%,.0f/CPU-s, %.3f s) | ratio wall %.2fx, CPU %.2fx%n",
                phase, java.rate(n), java.ratePerCpuSecond(n), java.wallNanos() / 1e9, ip.rate(n),
                ip.ratePerCpuSecond(n), ip.wallNanos() / 1e9, java.rate(n) / ip.rate(n),
                java.ratePerCpuSecond(n) / ip.ratePerCpuSecond(n));
    }
}
