package dev.uniplane.provider.bgp.internal.program;

import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Labels;
import dev.uniplane.linux.NetNs;
import dev.uniplane.spi.policy.PolicyEndpoint;
import dev.uniplane.tck.harness.Host;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A node namespace that routes between workload namespaces the way provider-bgp wires them: one veth per workload, the
 * host end in the node namespace with a host route to the workload's /32 and /128, the workload routing via the
 * link-local gateway whose neighbour entry is the host end's MAC. Namespaces and links are named {@code ubn} + a
 * per-run id; {@link #close()} deletes them, also after a failed test.
 */
final class NftTestbed implements AutoCloseable {
    final String id = "ubn" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    final String nodeName = id + "n";
    final NetNs node;
    private final List<String> namespaces = new ArrayList<>();
    private final List<NetNs> handles = new ArrayList<>();
    final List<Workload> workloads = new ArrayList<>();

    /** A workload: its namespace, host interface, addresses and labels. */
    record Workload(String name, NetNs netns, String hostInterface, IpAddress v4, IpAddress v6, Labels labels) implements Host {
        NftEndpoint endpoint() {
            return new NftEndpoint(EndpointId.of(name), hostInterface, List.of(v4, v6));
        }
    }

    NftTestbed() {
        sh("ip", "netns", "add", nodeName);
        namespaces.add(nodeName);
        sh("ip", "-n", nodeName, "link", "set", "lo", "up");
        sh("ip", "netns", "exec", nodeName, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        node = handle(nodeName);
    }

    /** Workload number {@code n} (1..): 10.77.0.n and fd77::n, with the given labels. */
    Workload workload(int n, String... labels) {
        String ns = id + "w" + n;
        String host = id + "h" + n;
        sh("ip", "netns", "add", ns);
        namespaces.add(ns);
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "link", "add", host, "netns", nodeName, "type", "veth", "peer", "name", "eth0", "netns", ns);
        String hostMac = mac(nodeName, host);
        String v4 = "10.77.0." + n;
        String v6 = "fd77::" + n;
        sh("ip", "-n", ns, "link", "set", "eth0", "up");
        sh("ip", "-n", ns, "addr", "add", v4 + "/32", "dev", "eth0");
        sh("ip", "-n", ns, "addr", "add", v6 + "/128", "dev", "eth0", "nodad");
        sh("ip", "-n", ns, "route", "add", "169.254.1.1", "dev", "eth0", "scope", "link");
        sh("ip", "-n", ns, "route", "add", "default", "via", "169.254.1.1", "dev", "eth0");
        sh("ip", "-n", ns, "neigh", "replace", "169.254.1.1", "lladdr", hostMac, "dev", "eth0", "nud", "permanent");
        sh("ip", "-n", ns, "-6", "route", "add", "default", "via", "fe80::1", "dev", "eth0");
        sh("ip", "-n", ns, "-6", "neigh", "replace", "fe80::1", "lladdr", hostMac, "dev", "eth0", "nud", "permanent");
        String workloadMac = mac(ns, "eth0");
        sh("ip", "-n", nodeName, "link", "set", host, "up");
        sh("ip", "-n", nodeName, "route", "add", v4 + "/32", "dev", host);
        sh("ip", "-n", nodeName, "-6", "route", "add", v6 + "/128", "dev", host);
        sh("ip", "-n", nodeName, "neigh", "replace", v4, "lladdr", workloadMac, "dev", host, "nud", "permanent");
        sh("ip", "-n", nodeName, "-6", "neigh", "replace", v6, "lladdr", workloadMac, "dev", host, "nud", "permanent");
        Labels l = Labels.of(labels);
        Workload w = new Workload(ns, handle(ns), host, IpAddress.parse(v4), IpAddress.parse(v6), l);
        workloads.add(w);
        return w;
    }

    /** The endpoints in workload order (index = position). */
    List<NftEndpoint> endpoints() {
        return workloads.stream().map(Workload::endpoint).toList();
    }

    /** The workloads as the policy resolver's local endpoints (index = position). */
    List<PolicyEndpoint> policyEndpoints() {
        List<PolicyEndpoint> out = new ArrayList<>();
        for (int i = 0; i < workloads.size(); i++) {
            Workload w = workloads.get(i);
            out.add(new PolicyEndpoint(i, w.labels(), List.of(w.v4(), w.v6())));
        }
        return out;
    }

    private NetNs handle(String name) {
        NetNs ns = NetNs.open(name);
        handles.add(ns);
        return ns;
    }

    private static String mac(String ns, String link) {
        String out = sh("ip", "-n", ns, "-o", "link", "show", link);
        int at = out.indexOf("link/ether ");
        return out.substring(at + 11, at + 28);
    }

    static String sh(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        handles.forEach(NetNs::close);
        for (String ns : namespaces.reversed()) {
            try {
                sh("ip", "netns", "del", ns);
            } catch (RuntimeException e) {
                System.err.println("cleanup: " + e.getMessage());
            }
        }
    }
}
