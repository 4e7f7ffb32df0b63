package dev.uniplane.bench.ovs;

import dev.uniplane.bench.Commands;
import dev.uniplane.bench.Iperf;
import dev.uniplane.bench.Stats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.provider.ovsdpdk.OvsDpdkProvider;
import dev.uniplane.provider.ovsdpdk.internal.host.OvsInstance;

/**
 * iperf3 TCP (1 stream) between two workloads through the Uniplane OVS-DPDK dataplane ({@code new OvsDpdkProvider()
 * .open(config)}, hostNetns = node netns {@code uph12<r>n}, two {@code attach}es; the endpoints' /32 routes are implicit)
 * against the same datapath built by hand: a second private instance (ovsdb-server + ovs-vswitchd-dpdk, same
 * {@link OvsInstance.Options#defaults()}, started in node netns {@code uph12<r>hn}), {@code ovs-vsctl add-br
 * datapath_type=netdev}, two DPDK af_packet ports ({@code net_af_packet_<port>,iface=<host veth>,framecnt=4096}) on
 * veths to two workload netns (/24 on one subnet, {@code ethtool -K tx off tso off gso off} on the netns ends, NOTES
 * 4.3) and one {@code ovs-ofctl add-flow <br> actions=NORMAL}; a third path is the same bridge with a conntrack pipeline
 * ({@code ct(zone=1,table=1)}, {@code ct(commit)} on {@code +trk+new}, then NORMAL; the flows are swapped before each run
 * of the two hand-made paths, then {@code revalidator/purge}), to see what the dataplane's conntrack step costs. iperf3 {@code -t S -O 1 -A 0,0} (both ends on CPU 0; the
 * PMD of both vswitchds is on CPU 1), rounds interleaved with alternating order.
 *
 * <p>Everything is named {@code uph12<random>...} (the instances' directories are made by {@link OvsInstance} as
 * {@code /tmp/upovs*}); the dataplane is destroyed, the hand-made instance stopped ({@code exit --cleanup},
 * {@code /var/run/dpdk/<prefix>} removed), iperf3 servers and namespaces removed in {@code finally} and by a shutdown hook.
 *
 * <p>Usage: {@code OvsIperfBench [seconds=6] [rounds=4]}
 */
public final class OvsIperfBench {
    private OvsIperfBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        String p = OvsBenchSupport.prefix();
        String node = p + "n";
        String uCli = p + "c";
        String uSrv = p + "s";
        String hNode = p + "hn";
        String hCli = p + "hc";
        String hSrv = p + "hs";
        String bridge = p + "hb";
        List<String> namespaces = List.of(node, uCli, uSrv, hNode, hCli, hSrv);
        List<Process> servers = new ArrayList<>();
        Dataplane[] dp = new Dataplane[1];
        OvsInstance[] hand = new OvsInstance[1];
        Runnable cleanup = () -> cleanup(servers, dp, hand, namespaces);
        Thread hook = new Thread(cleanup);
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.printf(Locale.ROOT, "# OvsIperfBench %d s x %d rounds, prefix %s, %s%n", seconds, rounds, p, OvsBenchSupport.load());
        String uplinkNote = "";
        try {
            for (String ns : namespaces) {
                Commands.ip("netns", "add", ns);
                Commands.ip("-n", ns, "link", "set", "lo", "up");
            }
            // ---- hand-made bridge
            long t0 = System.nanoTime();
            hand[0] = OvsInstance.start(OvsInstance.Options.defaults().inNetns(Path.of("/run/netns", hNode)));
            Map<String, String> env = hand[0].environment();
            String db = "--db=unix:" + hand[0].dbSocket();
            String[][] legs = {{hCli, p + "ha", "10.251.0.1/24"}, {hSrv, p + "hz", "10.251.0.2/24"}};
            for (String[] leg : legs) {
                Commands.ip("-n", hNode, "link", "add", leg[1], "type", "veth", "peer", "name", p + "w", "netns", leg[0]);
                Commands.run(List.of("ip", "netns", "exec", hNode, "sysctl", "-q", "-w", "net.ipv6.conf." + leg[1] + ".disable_ipv6=1"));
                Commands.ip("-n", hNode, "link", "set", leg[1], "up");
                Commands.ip("-n", leg[0], "addr", "add", leg[2], "dev", p + "w");
                Commands.ip("-n", leg[0], "link", "set", p + "w", "up");
                Commands.run(List.of("ip", "netns", "exec", leg[0], "ethtool", "-K", p + "w", "tx", "off", "tso", "off", "gso", "off"));
            }
            Commands.run(List.of("ovs-vsctl", db, "add-br", bridge, "--", "set", "bridge", bridge, "datapath_type=netdev",
                    "--", "add-port", bridge, p + "ha", "--", "set", "interface", p + "ha", "type=dpdk",
                    "options:dpdk-devargs=net_af_packet_" + p + "ha,iface=" + p + "ha,framecnt=4096",
                    "--", "add-port", bridge, p + "hz", "--", "set", "interface", p + "hz", "type=dpdk",
                    "options:dpdk-devargs=net_af_packet_" + p + "hz,iface=" + p + "hz,framecnt=4096"), env);
            setFlows(hand[0], bridge, false);
            System.out.printf(Locale.ROOT, "# hand-made bridge %s ready in %.2f s%n", bridge, (System.nanoTime() - t0) / 1e9);

            // ---- Uniplane OVS-DPDK dataplane
            t0 = System.nanoTime();
            dp[0] = new OvsDpdkProvider().open(DataplaneConfig.builder().provider("ovsdpdk").name(p + "d")
                    .hostNetns("/run/netns/" + node).build());
            dp[0].attach(AttachSpec.builder(p + "-cli").netns("/run/netns/" + uCli).interfaceName(p + "w").address("10.250.0.1").build());
            dp[0].attach(AttachSpec.builder(p + "-srv").netns("/run/netns/" + uSrv).interfaceName(p + "w").address("10.250.0.2").build());
            System.out.printf(Locale.ROOT, "# Uniplane dataplane %sd open + 2 attaches in %.2f s%n", p, (System.nanoTime() - t0) / 1e9);

            servers.add(Iperf.server(hSrv));
            servers.add(Iperf.server(uSrv));
            Thread.sleep(500);
            Commands.run(List.of("ip", "netns", "exec", hCli, "ping", "-c", "2", "-W", "3", "10.251.0.2"));
            Commands.run(List.of("ip", "netns", "exec", uCli, "ping", "-c", "2", "-W", "3", "10.250.0.2"));

            Map<String, List<Iperf.Result>> results = new LinkedHashMap<>();
            results.put("hand", new ArrayList<>());
            results.put("hand-ct", new ArrayList<>());
            results.put("uniplane", new ArrayList<>());
            List<String> order = new ArrayList<>(results.keySet());
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < order.size(); k++) {
                    String path = order.get((k + r) % order.size());
                    Iperf.Result res;
                    if (path.equals("uniplane")) {
                        res = Iperf.client(uCli, "10.250.0.2", seconds);
                    } else {
                        setFlows(hand[0], bridge, path.equals("hand-ct"));
                        res = Iperf.client(hCli, "10.251.0.2", seconds);
                    }
                    results.get(path).add(res);
                    System.out.printf(Locale.ROOT, "# round %d %-8s %6.2f Gbit/s  retr %6d  cpu client %5.1f%% server %5.1f%%  %5.2f Gbit/cpu-s%n",
                            r + 1, path, res.gbps(), res.retransmits(), res.hostCpu(), res.remoteCpu(), res.gbitPerCpuSecond());
                }
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "## iperf3 TCP, 1 stream, %d s, -A 0,0, median of %d interleaved rounds, %s%n", seconds, rounds,
                    OvsBenchSupport.load());
            System.out.println("| path | Gbit/s median (min–max) | retransmits (median) | Gbit per iperf3 CPU-second (median) |");
            System.out.println("|---|---|---:|---:|");
            Map<String, Double> med = new LinkedHashMap<>();
            Map<String, Double> medCpu = new LinkedHashMap<>();
            results.forEach((name, list) -> {
                List<Double> g = list.stream().map(Iperf.Result::gbps).toList();
                List<Double> retr = list.stream().map(x -> (double) x.retransmits()).toList();
                List<Double> perCpu = list.stream().map(Iperf.Result::gbitPerCpuSecond).toList();
                med.put(name, Stats.median(g));
                medCpu.put(name, Stats.median(perCpu));
                System.out.printf(Locale.ROOT, "| %s | %.2f (%.2f–%.2f) | %.0f | %.2f |%n", switch (name) {
                            case "hand" -> "hand-made netdev bridge, 2 DPDK af_packet ports, actions=NORMAL";
                            case "hand-ct" -> "same bridge, ct(zone=1) + ct(commit) on new, then NORMAL";
                            default -> "Uniplane OVS-DPDK dataplane (OvsDpdkProvider)";
                        },
                        Stats.median(g), Stats.min(g), Stats.max(g), Stats.median(retr),
                        Stats.median(perCpu));
            });
            List<Double> paired = new ArrayList<>();
            List<Double> pairedCt = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                paired.add(results.get("uniplane").get(r).gbps() / results.get("hand").get(r).gbps());
                pairedCt.add(results.get("uniplane").get(r).gbps() / results.get("hand-ct").get(r).gbps());
            }
            System.out.printf(Locale.ROOT, "uniplane / hand-ct: %.2fx (median Gbit/s), %.2fx (median per iperf3 CPU-second); per round %s, median %.2fx%n",
                    med.get("uniplane") / med.get("hand-ct"), medCpu.get("uniplane") / medCpu.get("hand-ct"),
                    pairedCt.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList(), Stats.median(pairedCt));
            System.out.printf(Locale.ROOT, "uniplane / hand: %.2fx (median Gbit/s), %.2fx (median per iperf3 CPU-second); per round %s, median %.2fx%n",
                    med.get("uniplane") / med.get("hand"), medCpu.get("uniplane") / medCpu.get("hand"),
                    paired.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList(), Stats.median(paired));
            System.out.print(uplinkNote);
        } finally {
            cleanup.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already
            }
        }
    }

    /** Replaces the hand-made bridge's flows: plain NORMAL, or conntrack first (like the dataplane's pipeline) then NORMAL. */
    private static void setFlows(OvsInstance instance, String bridge, boolean conntrack) throws Exception {
        Map<String, String> env = instance.environment();
        Commands.run(List.of("ovs-ofctl", "del-flows", bridge), env);
        if (conntrack) {
            for (String f : List.of("table=0,priority=10,ip,actions=ct(zone=1,table=1)", "table=0,priority=0,actions=NORMAL",
                    "table=1,priority=10,ip,ct_state=+trk+new,actions=ct(commit,zone=1),NORMAL", "table=1,priority=0,actions=NORMAL")) {
                Commands.run(List.of("ovs-ofctl", "add-flow", bridge, f), env);
            }
        } else {
            Commands.run(List.of("ovs-ofctl", "add-flow", bridge, "priority=0,actions=NORMAL"), env);
        }
        instance.appctl("revalidator/purge");
    }

    private static synchronized void cleanup(List<Process> servers, Dataplane[] dp, OvsInstance[] hand, List<String> namespaces) {
        for (Process s : servers) {
            s.destroy();
            try {
                if (!s.waitFor(2, TimeUnit.SECONDS)) {
                    s.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        servers.clear();
        if (dp[0] != null) {
            try {
                dp[0].destroy();
            } catch (RuntimeException e) {
                System.err.println("cleanup: dataplane destroy: " + e);
            }
            dp[0] = null;
        }
        if (hand[0] != null) {
            try {
                hand[0].close();
            } catch (RuntimeException e) {
                System.err.println("cleanup: hand-made instance: " + e);
            }
            hand[0] = null;
        }
        Commands.deleteNetns(namespaces);
    }
}
