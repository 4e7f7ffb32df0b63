package dev.uniplane.bench.ovs;

import dev.uniplane.bench.Commands;
import dev.uniplane.bench.Stats;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.uniplane.provider.ovsdpdk.internal.host.OvsInstance;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Labeled;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Match;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OpenFlowChannel;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Oxm;

/**
 * Programs N flows (default 10,000: table 0, priority 100, {@code ip,nw_dst=10.x.y.z/32, actions=drop}, one cookie per
 * method) into a netdev bridge of one private {@link OvsInstance} (ovsdb-server + ovs-vswitchd-dpdk, started in a node
 * netns {@code uph12<random>n}) in one atomic bundle, two ways, interleaved rounds with alternating order:
 * <ul>
 * <li>{@code java-bundle}: build the N FLOW_MODs and {@link OpenFlowChannel#applyBundle} (OPEN, N x ADD, barrier,
 * COMMIT) on an already connected channel;</li>
 * <li>{@code ovs-ofctl}: {@code ovs-ofctl -O OpenFlow13 --bundle add-flows <bridge> <file>} with the same N flows,
 * the file written beforehand (untimed), the process start included.</li>
 * </ul>
 * After each install the bridge's flow count is checked (untimed) and the flows are deleted by cookie.
 *
 * <p>Usage: {@code OvsFlowProgramBench [flows=10000] [rounds=9]}
 */
public final class OvsFlowProgramBench {
    private static final long COOKIE_JAVA = 0x7570_0000_0000_0001L;
    private static final long COOKIE_OFCTL = 0x7570_0000_0000_0002L;
    private static final Pattern FLOW_COUNT = Pattern.compile("flow_count=([0-9]+)");
    private static final Pattern TIMES = Pattern.compile("([0-9]+)m([0-9.]+)s\\s+([0-9]+)m([0-9.]+)s");

    private OvsFlowProgramBench() {
    }

    record Sample(double wallS, double cpuS) {
    }

    public static void main(String[] args) throws Exception {
        int flows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        String p = OvsBenchSupport.prefix();
        String node = p + "n";
        String bridge = p + "b";
        List<String> namespaces = List.of(node);
        OvsInstance[] inst = new OvsInstance[1];
        OpenFlowChannel[] ch = new OpenFlowChannel[1];
        Path file = Files.createTempFile(p, ".flows");
        Runnable cleanup = () -> {
            if (ch[0] != null) {
                ch[0].close();
                ch[0] = null;
            }
            if (inst[0] != null) {
                try {
                    inst[0].close(); // exit --cleanup, /var/run/dpdk/<prefix> and the instance directory removed
                } catch (RuntimeException e) {
                    System.err.println("cleanup: instance: " + e);
                }
                inst[0] = null;
            }
            Commands.deleteNetns(namespaces);
            try {
                Files.deleteIfExists(file);
            } catch (java.io.IOException e) {
                System.err.println("cleanup: " + e);
            }
        };
        Thread hook = new Thread(cleanup);
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.printf(Locale.ROOT, "# OvsFlowProgramBench %d flows x %d rounds, prefix %s, %s%n", flows, rounds, p,
                OvsBenchSupport.load());
        try {
            Commands.ip("netns", "add", node);
            Commands.ip("-n", node, "link", "set", "lo", "up");
            long t0 = System.nanoTime();
            inst[0] = OvsInstance.start(OvsInstance.Options.defaults().inNetns(Path.of("/run/netns", node)));
            Map<String, String> env = inst[0].environment();
            String db = "--db=unix:" + inst[0].dbSocket();
            Commands.run(List.of("ovs-vsctl", db, "add-br", bridge, "--", "set", "bridge", bridge,
                    "datapath_type=netdev", "protocols=OpenFlow10,OpenFlow13"), env);
            Path mgmt = inst[0].mgmtSocket(bridge);
            for (int i = 0; i < 100 && !Files.exists(mgmt); i++) {
                Thread.sleep(50);
            }
            ch[0] = OpenFlowChannel.connect(mgmt, Duration.ofSeconds(60));
            System.out.printf(Locale.ROOT, "# instance %s, bridge %s ready in %.2f s%n", inst[0].directory().orElseThrow(), bridge,
                    (System.nanoTime() - t0) / 1e9);

            // the bridge's default NORMAL flow goes, so the bridge holds exactly the flows under test
            ch[0].apply(List.of(new Labeled("delete all", OfMessage.FlowMod.deleteByCookie(0, 0, 0))));
            check(env, bridge, 0);

            StringBuilder text = new StringBuilder();
            for (int i = 0; i < flows; i++) {
                text.append(String.format(Locale.ROOT, "cookie=0x%x,table=0,priority=100,ip,nw_dst=%s,actions=drop%n", COOKIE_OFCTL,
                        address(i).getHostAddress()));
            }
            Files.writeString(file, text);
            List<String> ofctl = List.of("bash", "-c", "ovs-ofctl -O OpenFlow13 --bundle add-flows \"$0\" \"$1\" && times", bridge,
                    file.toString());

            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            // warm-up (JIT, first-flow costs in vswitchd), untimed
            for (int w = 0; w < 2; w++) {
                ch[0].applyBundle(flowMods(flows));
                check(env, bridge, flows);
                ch[0].apply(List.of(new Labeled("delete", OfMessage.FlowMod.deleteByCookie(0, COOKIE_JAVA, -1L))));
                Commands.run(ofctl, env);
                check(env, bridge, flows);
                ch[0].apply(List.of(new Labeled("delete", OfMessage.FlowMod.deleteByCookie(0, COOKIE_OFCTL, -1L))));
                check(env, bridge, 0);
            }

            Map<String, List<Sample>> results = new LinkedHashMap<>();
            results.put("java-bundle", new ArrayList<>());
            results.put("ovs-ofctl", new ArrayList<>());
            List<Double> processCpu = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 2; k++) {
                    boolean java = (k == 0) == (r % 2 == 0);
                    Sample s;
                    if (java) {
                        long cpu0 = threads.getCurrentThreadCpuTime();
                        long proc0 = os.getProcessCpuTime();
                        long w0 = System.nanoTime();
                        ch[0].applyBundle(flowMods(flows));
                        long w1 = System.nanoTime();
                        s = new Sample((w1 - w0) / 1e9, (threads.getCurrentThreadCpuTime() - cpu0) / 1e9);
                        processCpu.add((os.getProcessCpuTime() - proc0) / 1e9);
                    } else {
                        long w0 = System.nanoTime();
                        String out = Commands.run(ofctl, env);
                        long w1 = System.nanoTime();
                        s = new Sample((w1 - w0) / 1e9, childCpu(out));
                    }
                    check(env, bridge, flows);
                    ch[0].apply(List.of(new Labeled("delete", OfMessage.FlowMod.deleteByCookie(0, java ? COOKIE_JAVA : COOKIE_OFCTL, -1L))));
                    check(env, bridge, 0);
                    results.get(java ? "java-bundle" : "ovs-ofctl").add(s);
                    System.out.printf(Locale.ROOT, "# round %d %-11s wall %.3f s  cpu %.3f s%n", r + 1, java ? "java-bundle" : "ovs-ofctl",
                            s.wallS(), s.cpuS());
                }
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "## %d flows in one bundle, median of %d interleaved rounds, %s%n", flows, rounds,
                    OvsBenchSupport.load());
            System.out.println("| method | wall s median (min–max) | flows/s (wall) | client CPU s (median) |");
            System.out.println("|---|---|---:|---:|");
            results.forEach((name, list) -> {
                List<Double> w = list.stream().map(Sample::wallS).toList();
                List<Double> c = list.stream().map(Sample::cpuS).toList();
                System.out.printf(Locale.ROOT, "| %s | %.3f (%.3f–%.3f) | %.0f | %.3f |%n", name, Stats.median(w),
                        Stats.min(w), Stats.max(w), flows / Stats.median(w), Stats.median(c));
            });
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                ratios.add(results.get("ovs-ofctl").get(r).wallS() / results.get("java-bundle").get(r).wallS());
            }
            double jw = Stats.median(results.get("java-bundle").stream().map(Sample::wallS).toList());
            double ow = Stats.median(results.get("ovs-ofctl").stream().map(Sample::wallS).toList());
            System.out.printf(Locale.ROOT, "ovs-ofctl wall / java wall: %.2fx (medians), per round %s, median of per-round %.2fx%n", ow / jw,
                    ratios.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList(), Stats.median(ratios));
            System.out.printf(Locale.ROOT, "java: calling thread CPU is the 'client CPU' column; whole-JVM CPU during the bundle (median) %.3f s%n",
                    Stats.median(processCpu));
        } finally {
            cleanup.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already
            }
        }
    }

    private static Inet4Address address(int i) throws java.net.UnknownHostException {
        return (Inet4Address) InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    }

    private static List<Labeled> flowMods(int flows) throws java.net.UnknownHostException {
        List<Labeled> list = new ArrayList<>(flows);
        for (int i = 0; i < flows; i++) {
            Match m = Match.of(new Oxm.EthType(0x0800), new Oxm.Ipv4Dst(address(i), 32));
            list.add(new Labeled("flow " + i, OfMessage.FlowMod.add(0, 0, 100, COOKIE_JAVA, m, List.of())));
        }
        return list;
    }

    private static void check(Map<String, String> env, String bridge, int expected) throws Exception {
        String out = Commands.run(List.of("ovs-ofctl", "-O", "OpenFlow13", "dump-aggregate", bridge), env);
        Matcher m = FLOW_COUNT.matcher(out);
        if (!m.find() || Integer.parseInt(m.group(1)) != expected) {
            throw new IllegalStateException("expected " + expected + " flows, got: " + out.strip());
        }
    }

    /** bash {@code times}: second line = children's user and system time. */
    private static double childCpu(String out) {
        String[] lines = out.strip().split("\n");
        Matcher m = TIMES.matcher(lines[lines.length - 1]);
        if (!m.find()) {
            return Double.NaN;
        }
        return Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2)) + Integer.parseInt(m.group(3)) * 60
                + Double.parseDouble(m.group(4));
    }
}
