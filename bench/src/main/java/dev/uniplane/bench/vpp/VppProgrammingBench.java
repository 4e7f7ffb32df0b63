package dev.uniplane.bench.vpp;

import dev.uniplane.api.IpAddress;
import dev.uniplane.bench.Commands;
import dev.uniplane.bench.Iperf;
import dev.uniplane.bench.Stats;
import dev.uniplane.provider.vpp.internal.host.VppProcess;
import dev.uniplane.provider.vpp.internal.wire.Messages;
import dev.uniplane.provider.vpp.internal.wire.Messages.Prefix;
import dev.uniplane.provider.vpp.internal.wire.VppApiClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Programming rate of one VPP 26.06 (started for the bench by the provider's {@link VppProcess}, in its own netns)
 * through our binary API client against {@code vppctl exec} of a script with the equivalent CLI lines, in the same
 * run with the rounds interleaved; plus iperf3 TCP through VPP (af_packet) against plain kernel forwarding.
 * <ul>
 *   <li>routes: N /32s ({@code ip_route_add_del}), every second one ECMP over two next hops; added, checked in
 *       {@code show ip fib summary}, deleted. The API goes one request at a time, and 32 in flight (the client
 *       multiplexes by context); the CLI script is {@code ip route add P via A host-a [via B host-b]} lines.</li>
 *   <li>ACL: one ACL of M rules ({@code acl_add_replace}) against one {@code set acl-plugin acl} line of M
 *       comma-separated rules; checked in {@code show acl-plugin acl}, then deleted.</li>
 *   <li>iperf3: workload a to workload b through VPP (veth + af_packet, workloads' TX checksum offload off, which
 *       VPP's af_packet needs), against a kernel router namespace between two veths, with offload on (the kernel's
 *       default) and off (as the VPP workloads).</li>
 * </ul>
 *
 * <p>Usage: {@code VppProgrammingBench [routes] [aclRules] [rounds] [iperfSeconds]}; needs root, a VPP install
 * ({@code UNIPLANE_VPP_HOME} or /opt/uniplane/vpp-26.06) and iperf3. Namespaces are {@code uvn<hex>*}, deleted at the
 * end, also on failure; the VPP is stopped.
 */
public final class VppProgrammingBench {
    private static final Path SETUP_HOME = Path.of("/opt/uniplane/vpp-26.06");
    private static final int IN_FLIGHT = 32;

    private final String run;
    private final Path home;
    private final VppProcess vpp;
    private final VppApiClient api;
    private final Path runDir;

    private VppProgrammingBench(String run, Path home, VppProcess vpp, VppApiClient api) {
        this.run = run;
        this.home = home;
        this.vpp = vpp;
        this.api = api;
        this.runDir = vpp.runDir().orElseThrow();
    }

    public static void main(String[] args) throws Exception {
        int routes = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int aclRules = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int iperfSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Path home = Optional.ofNullable(System.getenv("UNIPLANE_VPP_HOME")).filter(h -> !h.isBlank()).map(Path::of)
                .orElse(SETUP_HOME);
        if (!Files.isExecutable(home.resolve("bin/vpp"))) {
            throw new IllegalStateException("no VPP at " + home + ": set UNIPLANE_VPP_HOME or run scripts/setup.sh");
        }
        String run = "uvn" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        List<String> namespaces = List.of(run + "v", run + "a", run + "b", run + "k1", run + "kr", run + "k2");
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> Commands.deleteNetns(namespaces)));
        VppProcess vpp = null;
        try {
            for (String ns : namespaces) {
                Commands.ip("netns", "add", ns);
            }
            vpp = VppProcess.startOrFind(new VppProcess.Settings(home.resolve("bin/vpp"), Optional.empty(), "512M",
                    16384, Duration.ofSeconds(60)), run, Optional.of(Path.of("/run/netns", run + "v")));
            try (VppApiClient api = vpp.connect("uvn-bench")) {
                System.out.printf(Locale.ROOT, "vpp programming bench: %d routes, %d ACL rules, %d rounds, iperf3 %d s,"
                        + " run %s, VPP %s%n", routes, aclRules, rounds, iperfSeconds, run, home);
                new VppProgrammingBench(run, home, vpp, api).measure(routes, aclRules, rounds, iperfSeconds);
            }
        } finally {
            if (vpp != null) {
                vpp.stop();
            }
            Commands.deleteNetns(namespaces);
        }
    }

    private void measure(int routes, int aclRules, int rounds, int iperfSeconds) throws Exception {
        int a = plug(run + "a", 1);
        int b = plug(run + "b", 2);
        List<Messages.IpRouteAddDel> adds = new ArrayList<>();
        List<Messages.IpRouteAddDel> dels = new ArrayList<>();
        StringBuilder addScript = new StringBuilder();
        StringBuilder delScript = new StringBuilder();
        for (int i = 0; i < routes; i++) {
            InetAddress dst = InetAddress.getByAddress(new byte[] {10, (byte) (200 + (i >> 16)), (byte) (i >> 8), (byte) i});
            List<Messages.FibPath> paths = new ArrayList<>(List.of(Messages.FibPath.via(address("10.78.1.2"), a)));
            String cli = "ip route add " + dst.getHostAddress() + "/32 via 10.78.1.2 host-" + run + "ah";
            if (i % 2 == 0) { // ECMP
                paths.add(Messages.FibPath.via(address("10.78.2.2"), b));
                cli += " via 10.78.2.2 host-" + run + "bh";
            }
            adds.add(new Messages.IpRouteAddDel(true, false, 0, new Prefix(dst, 32), paths));
            dels.add(new Messages.IpRouteAddDel(false, false, 0, new Prefix(dst, 32), paths));
            addScript.append(cli).append('\n');
            delScript.append("ip route del ").append(dst.getHostAddress()).append("/32\n");
        }
        Path addFile = Files.writeString(runDir.resolve("routes-add.cli"), addScript);
        Path delFile = Files.writeString(runDir.resolve("routes-del.cli"), delScript);
        int baseline = routes32();

        Map<String, List<double[]>> routeTimes = new LinkedHashMap<>();
        for (String way : List.of("api, one at a time", "api, " + IN_FLIGHT + " in flight", "vppctl exec")) {
            routeTimes.put(way, new ArrayList<>());
        }
        List<String> ways = new ArrayList<>(routeTimes.keySet());
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < ways.size(); k++) {
                String way = ways.get((k + round) % ways.size()); // a different one goes first every round
                double[] t = switch (way.charAt(0) == 'v' ? 2 : way.contains("flight") ? 1 : 0) {
                    case 0 -> timeRoutes(() -> sequential(adds), () -> sequential(dels), routes, baseline);
                    case 1 -> timeRoutes(() -> pipelined(adds), () -> pipelined(dels), routes, baseline);
                    default -> timeRoutes(() -> vppctl("exec", addFile.toString()),
                            () -> vppctl("exec", delFile.toString()), routes, baseline);
                };
                routeTimes.get(way).add(t);
                System.out.printf(Locale.ROOT, "round %d routes %-22s add %7.1f ms (%6.0f routes/s), delete %7.1f ms%n",
                        round + 1, way, t[0], routes / t[0] * 1000, t[1]);
            }
        }
        double cliAdd = Stats.median(column(routeTimes.get("vppctl exec"), 0));
        double cliDel = Stats.median(column(routeTimes.get("vppctl exec"), 1));
        for (var e : routeTimes.entrySet()) {
            double add = Stats.median(column(e.getValue(), 0));
            double del = Stats.median(column(e.getValue(), 1));
            System.out.printf(Locale.ROOT, "median %d routes %-22s add %7.1f ms (%.2fx vppctl's time), delete %7.1f ms"
                    + " (%.2fx)%n", routes, e.getKey(), add, add / cliAdd, del, del / cliDel);
        }

        List<Messages.AclRule> rules = new ArrayList<>();
        StringBuilder aclLine = new StringBuilder("set acl-plugin acl ");
        Prefix dst = new Prefix(address("10.78.2.0"), 24);
        for (int i = 0; i < aclRules; i++) {
            InetAddress src = InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i});
            int port = 1000 + i;
            int action = i % 10 == 9 ? Messages.ACL_DENY : Messages.ACL_PERMIT;
            rules.add(new Messages.AclRule(action, new Prefix(src, 32), dst, 6, 0, 0xffff, port, port, 0, 0));
            aclLine.append(i == 0 ? "" : ", ").append(action == Messages.ACL_DENY ? "deny" : "permit").append(" src ")
                    .append(src.getHostAddress()).append("/32 dst 10.78.2.0/24 proto 6 dport ").append(port);
        }
        List<Double> apiAcl = new ArrayList<>();
        List<Double> cliAcl = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < 2; k++) {
                boolean viaApi = (k + round) % 2 == 0;
                String tag = "uvn-" + (viaApi ? "api" : "cli") + "-" + round;
                long start = System.nanoTime();
                if (viaApi) {
                    api.call(new Messages.AclAddReplace(Messages.ALL_ONES, tag, rules));
                } else {
                    Path file = Files.writeString(runDir.resolve(tag + ".cli"), aclLine + " tag " + tag + "\n");
                    vppctl("exec", file.toString());
                }
                double ms = (System.nanoTime() - start) / 1e6;
                int index = aclIndex(tag, aclRules);
                api.call(new Messages.AclDel(index));
                (viaApi ? apiAcl : cliAcl).add(ms);
                System.out.printf(Locale.ROOT, "round %d ACL of %d rules via %s: %.1f ms%n", round + 1, aclRules,
                        viaApi ? "acl_add_replace" : "vppctl exec", ms);
            }
        }
        System.out.printf(Locale.ROOT, "median ACL of %d rules: acl_add_replace %.1f ms, vppctl exec %.1f ms, ratio %.2fx%n",
                aclRules, Stats.median(apiAcl), Stats.median(cliAcl), Stats.median(apiAcl) / Stats.median(cliAcl));

        kernelRouter();
        List<Double> viaVpp = new ArrayList<>();
        List<Double> kernel = new ArrayList<>();
        List<Double> kernelNoOffload = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            viaVpp.add(iperf(run + "a", run + "b", "10.78.2.2", iperfSeconds, "VPP af_packet", round));
            offload(false);
            kernelNoOffload.add(iperf(run + "k1", run + "k2", "10.79.2.2", iperfSeconds, "kernel, tx offload off", round));
            offload(true);
            kernel.add(iperf(run + "k1", run + "k2", "10.79.2.2", iperfSeconds, "kernel, tx offload on", round));
        }
        System.out.printf(Locale.ROOT, "median iperf3 TCP: VPP af_packet %.2f Gbit/s, kernel forwarding %.2f Gbit/s"
                        + " (tx offload off %.2f): VPP at %.2fx the kernel (%.2fx with the same offload)%n",
                Stats.median(viaVpp), Stats.median(kernel), Stats.median(kernelNoOffload),
                Stats.median(viaVpp) / Stats.median(kernel), Stats.median(viaVpp) / Stats.median(kernelNoOffload));
    }

    // --- routes ---------------------------------------------------------------------------------------------------

    private interface Step {
        void run() throws Exception;
    }

    /** Times the add and the delete (ms); checks the FIB's /32 count after each. */
    private double[] timeRoutes(Step add, Step delete, int routes, int baseline) throws Exception {
        long start = System.nanoTime();
        add.run();
        double added = (System.nanoTime() - start) / 1e6;
        check(routes32() == baseline + routes, "FIB holds " + routes32() + " /32s after the add, not " + (baseline + routes));
        start = System.nanoTime();
        delete.run();
        double deleted = (System.nanoTime() - start) / 1e6;
        check(routes32() == baseline, "FIB holds " + routes32() + " /32s after the delete, not " + baseline);
        return new double[] {added, deleted};
    }

    private void sequential(List<Messages.IpRouteAddDel> requests) throws IOException {
        for (Messages.IpRouteAddDel r : requests) {
            api.call(r);
        }
    }

    /** {@link #IN_FLIGHT} virtual threads, each calling its share in order: that many requests outstanding. */
    private void pipelined(List<Messages.IpRouteAddDel> requests) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < IN_FLIGHT; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < requests.size(); i += IN_FLIGHT) {
                        api.call(requests.get(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    private static final Pattern SUMMARY_32 = Pattern.compile("(?m)^\\s+32\\s+(\\d+)\\s*$");

    /** The /32 count of the IPv4 default table. */
    private int routes32() throws IOException {
        Matcher m = SUMMARY_32.matcher(api.call(new Messages.CliInband("show ip fib summary")));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private int aclIndex(String tag, int rules) throws IOException {
        Matcher m = Pattern.compile("acl-index (\\d+) count (\\d+) tag \\{" + Pattern.quote(tag) + "\\}")
                .matcher(api.call(new Messages.CliInband("show acl-plugin acl")));
        check(m.find(), "no ACL tagged " + tag);
        check(Integer.parseInt(m.group(2)) == rules, "ACL " + tag + " has " + m.group(2) + " rules, not " + rules);
        return Integer.parseInt(m.group(1));
    }

    private String vppctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/vppctl").toString(), "-s",
                runDir.resolve("cli.sock").toString()));
        cmd.addAll(List.of(args));
        String out = Commands.run(cmd);
        check(!out.contains("unknown input") && !out.toLowerCase(Locale.ROOT).contains("error"), "vppctl: " + out);
        return out;
    }

    // --- wiring ---------------------------------------------------------------------------------------------------

    /** Workload netns {@code ns} with eth0 10.78.n.2/24, its veth peer {@code <ns>h} in VPP as host-<ns>h 10.78.n.1. */
    private int plug(String ns, int n) throws Exception {
        String hostIf = ns + "h";
        Commands.ip("-n", run + "v", "link", "add", hostIf, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Commands.ip("-n", run + "v", "link", "set", hostIf, "up");
        Commands.ip("-n", ns, "link", "set", "lo", "up");
        Commands.ip("-n", ns, "link", "set", "eth0", "up");
        Commands.ip("-n", ns, "addr", "add", "10.78." + n + ".2/24", "dev", "eth0");
        Commands.ip("-n", ns, "route", "add", "default", "via", "10.78." + n + ".1");
        Commands.run(List.of("ip", "netns", "exec", ns, "ethtool", "-K", "eth0", "tx", "off"));
        int sw = api.call(Messages.AfPacketCreateV3.ethernet(hostIf));
        api.call(new Messages.SwInterfaceSetFlags(sw, Messages.IF_ADMIN_UP));
        api.call(new Messages.SwInterfaceAddDelAddress(sw, true, false, new Prefix(address("10.78." + n + ".1"), 24)));
        // resolve both ways before measuring (VPP drops the packet that triggers its ARP)
        for (int i = 0; i < 5; i++) {
            Commands.quiet(List.of("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "1", "10.78." + n + ".1"));
        }
        return sw;
    }

    /** k1 10.79.1.2 -- 10.79.1.1 kr 10.79.2.1 -- 10.79.2.2 k2, forwarding on in kr. */
    private void kernelRouter() throws Exception {
        for (int n = 1; n <= 2; n++) {
            String end = run + "k" + n;
            Commands.ip("-n", run + "kr", "link", "add", "r" + n, "type", "veth", "peer", "name", "eth0", "netns", end);
            Commands.ip("-n", run + "kr", "addr", "add", "10.79." + n + ".1/24", "dev", "r" + n);
            Commands.ip("-n", run + "kr", "link", "set", "r" + n, "up");
            Commands.ip("-n", end, "link", "set", "lo", "up");
            Commands.ip("-n", end, "addr", "add", "10.79." + n + ".2/24", "dev", "eth0");
            Commands.ip("-n", end, "link", "set", "eth0", "up");
            Commands.ip("-n", end, "route", "add", "default", "via", "10.79." + n + ".1");
        }
        Commands.run(List.of("ip", "netns", "exec", run + "kr", "sysctl", "-qw", "net.ipv4.ip_forward=1"));
    }

    private void offload(boolean on) throws Exception {
        for (String ns : List.of(run + "k1", run + "k2")) {
            Commands.run(List.of("ip", "netns", "exec", ns, "ethtool", "-K", "eth0", "tx", on ? "on" : "off"));
        }
    }

    private static double iperf(String client, String server, String address, int seconds, String what, int round)
            throws Exception {
        Process s = Iperf.server(server);
        try {
            Iperf.Result r = null;
            for (int attempt = 0; r == null; attempt++) { // until the server listens (a readiness retry, 10 at most)
                try {
                    r = Iperf.client(client, address, seconds);
                } catch (IllegalStateException e) {
                    if (attempt == 9) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
            System.out.printf(Locale.ROOT, "round %d iperf3 %-24s %6.2f Gbit/s, %d retransmits, cpu %.0f%% + %.0f%%%n",
                    round + 1, what, r.gbps(), r.retransmits(), r.hostCpu(), r.remoteCpu());
            return r.gbps();
        } finally {
            s.destroy();
            s.waitFor();
        }
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    private static InetAddress address(String text) {
        return IpAddress.parse(text).toInetAddress();
    }

    private static List<Double> column(List<double[]> rows, int i) {
        return rows.stream().map(r -> r[i]).toList();
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
