package dev.uniplane.bench.ebpf;

import dev.uniplane.bench.Commands;
import dev.uniplane.bench.Iperf;
import dev.uniplane.bench.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Dataplanes;

/**
 * iperf3 TCP (1 stream) between two workloads attached through the eBPF dataplane ({@code Dataplanes.open("ebpf",
 * config with hostNetns = a node netns made here)}: host veth ingress runs {@code from_endpoint}, delivery with
 * {@code bpf_redirect_peer}) against plain kernel forwarding between the same kind of namespaces (client ns - router
 * ns with ip_forward - server ns, veths), interleaved rounds in one run. Both iperf3 ends are pinned to CPU 0
 * ({@code -A 0,0}, NOTES 2.11: across CPUs the veth pairs reorder). Default offloads on every veth.
 *
 * <p>Every namespace and link is named {@code uph5<random>...}; all of them, the dataplane's pinned state and the iperf3
 * servers are removed in {@code finally} (and by a shutdown hook on SIGINT/SIGTERM).
 *
 * <p>Usage: {@code EbpfIperfBench [seconds=8] [rounds=6]}
 */
public final class EbpfIperfBench {
    private EbpfIperfBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        BenchSupport.requireBpf();
        BenchSupport.ensureBpffs();
        String s = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36);
        String p = "uph5" + s;
        // eBPF: node, client, server namespaces; the dataplane makes the veths (host side "<name>e<index>")
        String node = p + "n";
        String ebpfCli = p + "c";
        String ebpfSrv = p + "s";
        // kernel: client - router - server
        String kCli = p + "kc";
        String kRtr = p + "kr";
        String kSrv = p + "ks";
        List<String> namespaces = List.of(node, ebpfCli, ebpfSrv, kCli, kRtr, kSrv);
        List<Process> servers = new ArrayList<>();
        Dataplane[] dp = new Dataplane[1];
        Runnable cleanup = () -> cleanup(servers, dp, namespaces);
        Thread hook = new Thread(cleanup);
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.printf(Locale.ROOT, "# EbpfIperfBench %d s x %d rounds, prefix %s, %s%n", seconds, rounds, p, BenchSupport.load());
        try {
            for (String ns : namespaces) {
                Commands.ip("netns", "add", ns);
                Commands.ip("-n", ns, "link", "set", "lo", "up");
            }
            // ---- kernel forwarding
            Commands.ip("-n", kCli, "link", "add", p + "kx", "type", "veth", "peer", "name", p + "ka", "netns", kRtr);
            Commands.ip("-n", kSrv, "link", "add", p + "ky", "type", "veth", "peer", "name", p + "kb", "netns", kRtr);
            Commands.ip("-n", kCli, "addr", "add", "10.251.1.2/24", "dev", p + "kx");
            Commands.ip("-n", kRtr, "addr", "add", "10.251.1.1/24", "dev", p + "ka");
            Commands.ip("-n", kRtr, "addr", "add", "10.251.2.1/24", "dev", p + "kb");
            Commands.ip("-n", kSrv, "addr", "add", "10.251.2.2/24", "dev", p + "ky");
            for (String[] l : new String[][] {{kCli, p + "kx"}, {kRtr, p + "ka"}, {kRtr, p + "kb"}, {kSrv, p + "ky"}}) {
                Commands.ip("-n", l[0], "link", "set", l[1], "up");
            }
            Commands.ip("-n", kCli, "route", "add", "default", "via", "10.251.1.1");
            Commands.ip("-n", kSrv, "route", "add", "default", "via", "10.251.2.1");
            Commands.run(List.of("ip", "netns", "exec", kRtr, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"));

            // ---- eBPF dataplane
            dp[0] = Dataplanes.open("ebpf", DataplaneConfig.builder().provider("ebpf").name(p).hostNetns("/run/netns/" + node).build());
            dp[0].attach(AttachSpec.builder(p + "-cli").netns("/run/netns/" + ebpfCli).interfaceName(p + "w")
                    .address("10.250.0.1").build());
            dp[0].attach(AttachSpec.builder(p + "-srv").netns("/run/netns/" + ebpfSrv).interfaceName(p + "w")
                    .address("10.250.0.2").build());

            servers.add(Iperf.server(kSrv));
            servers.add(Iperf.server(ebpfSrv));
            Thread.sleep(500);
            // connectivity first (and ARP / CT warm-up)
            Commands.run(List.of("ip", "netns", "exec", kCli, "ping", "-c", "1", "-W", "2", "10.251.2.2"));
            Commands.run(List.of("ip", "netns", "exec", ebpfCli, "ping", "-c", "1", "-W", "2", "10.250.0.2"));

            Map<String, List<Iperf.Result>> results = new LinkedHashMap<>();
            results.put("kernel", new ArrayList<>());
            results.put("ebpf", new ArrayList<>());
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 2; k++) {
                    boolean kernel = (k == 0) == (r % 2 == 0);
                    Iperf.Result res = kernel ? Iperf.client(kCli, "10.251.2.2", seconds) : Iperf.client(ebpfCli, "10.250.0.2", seconds);
                    results.get(kernel ? "kernel" : "ebpf").add(res);
                    System.out.printf(Locale.ROOT, "# round %d %-6s %6.2f Gbit/s  retr %6d  cpu client %5.1f%% server %5.1f%%  %5.2f Gbit/cpu-s%n",
                            r + 1, kernel ? "kernel" : "ebpf", res.gbps(), res.retransmits(), res.hostCpu(), res.remoteCpu(),
                            res.gbitPerCpuSecond());
                }
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "## iperf3 TCP, 1 stream, %d s, -A 0,0, median of %d interleaved rounds, %s%n", seconds, rounds,
                    BenchSupport.load());
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
                System.out.printf(Locale.ROOT, "| %s | %.2f (%.2f–%.2f) | %.0f | %.2f |%n", name.equals("kernel")
                                ? "kernel ip_forward (client ns → router ns → server ns)" : "Uniplane eBPF (from_endpoint + bpf_redirect_peer)",
                        Stats.median(g), Stats.min(g), Stats.max(g), Stats.median(retr), Stats.median(perCpu));
            });
            List<Double> paired = new ArrayList<>();
            List<Double> pairedCpu = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                paired.add(results.get("ebpf").get(r).gbps() / results.get("kernel").get(r).gbps());
                pairedCpu.add(results.get("ebpf").get(r).gbitPerCpuSecond() / results.get("kernel").get(r).gbitPerCpuSecond());
            }
            System.out.printf(Locale.ROOT, "ebpf / kernel: %.2fx (median Gbit/s), %.2fx (median per iperf3 CPU-second); per round: %s%n",
                    med.get("ebpf") / med.get("kernel"), medCpu.get("ebpf") / medCpu.get("kernel"),
                    paired.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList());
            System.out.printf(Locale.ROOT, "ebpf / kernel, median of the per-round ratios: %.2fx (Gbit/s), %.2fx (per iperf3 CPU-second)%n",
                    Stats.median(paired), Stats.median(pairedCpu));
        } finally {
            cleanup.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already
            }
        }
    }

    private static synchronized void cleanup(List<Process> servers, Dataplane[] dp, List<String> namespaces) {
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
        Commands.deleteNetns(namespaces);
    }
}
