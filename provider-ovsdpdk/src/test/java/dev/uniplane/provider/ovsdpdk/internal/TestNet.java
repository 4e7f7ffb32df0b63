package dev.uniplane.provider.ovsdpdk.internal;

import dev.uniplane.linux.InterfaceAddress;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.ovsdpdk.internal.host.OvsInstance;
import dev.uniplane.tck.RequireAll;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Test namespaces and veth pairs with a per-run {@code upovs} prefix: each workload is a netns holding one end of a
 * veth whose host end an OVS DPDK af_packet port can use. {@link #close()} deletes everything.
 */
public final class TestNet implements AutoCloseable {
    private final String prefix = "upovs" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> hostLinks = new ArrayList<>();
    private final Thread hook = Thread.ofPlatform().unstarted(this::deleteAll);

    public TestNet() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Skips (or fails under UNIPLANE_REQUIRE_ALL=1) unless root and the OVS-DPDK binaries are present. */
    public static void requireOvsDpdk() {
        RequireAll.prerequisite("root".equals(System.getProperty("user.name")), "root (OVS-DPDK daemons, namespaces)");
        RequireAll.prerequisite(Files.isExecutable(OvsInstance.VSWITCHD_DPDK),
                OvsInstance.VSWITCHD_DPDK + " (apt-get install openvswitch-switch-dpdk)");
        RequireAll.prerequisite(Files.isExecutable(OvsInstance.OVSDB_SERVER), "ovsdb-server (apt-get install openvswitch-common)");
        RequireAll.prerequisite(Files.exists(OvsInstance.SCHEMA), "vswitch.ovsschema (apt-get install openvswitch-switch)");
    }

    public String prefix() {
        return prefix;
    }

    /** A workload: netns {@code <prefix>-<tag>} with {@code eth0} at {@code address}, host end {@code <prefix><tag>}. */
    public record Workload(String namespace, String hostIface) {
    }

    /** Creates a netns with a veth (offloads off on the netns end, NOTES 4.3) and the host end up. */
    public Workload workload(String tag, String cidr) {
        String ns = prefix + "-" + tag;
        String host = prefix + tag;
        try (NetNs netns = NetNs.create(ns)) {
            namespaces.add(ns);
            try (RtNetlink root = RtNetlink.open(); RtNetlink inside = RtNetlink.open(netns)) {
                root.createVethPair(host, "eth0", netns);
                hostLinks.add(host);
                root.setUp(host, true);
                int eth0 = inside.index("eth0");
                inside.addAddress(eth0, InterfaceAddress.parse(cidr));
                inside.setUp(eth0, true);
                inside.setUp(inside.index("lo"), true);
            }
        }
        run("ip", "netns", "exec", ns, "ethtool", "-K", "eth0", "tx", "off", "tso", "off", "gso", "off");
        return new Workload(ns, host);
    }

    /** Runs a command; returns its exit code. */
    public static int run(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** True if {@code count} pings from the workload to {@code address} all got a reply (within the deadline). */
    public static boolean ping(Workload from, String address, int count) {
        return run("ip", "netns", "exec", from.namespace(), "ping", "-c", String.valueOf(count), "-i", "0.2", "-W", "2",
                "-w", String.valueOf(count * 2 + 2), address) == 0;
    }

    private synchronized void deleteAll() {
        try (RtNetlink root = RtNetlink.open()) {
            for (String link : hostLinks) {
                root.findLink(link).ifPresent(l -> root.deleteLink(link));
            }
        } catch (RuntimeException e) {
            System.err.println("TestNet cleanup: " + e);
        }
        hostLinks.clear();
        for (String ns : namespaces) {
            try {
                if (NetNs.exists(ns)) {
                    NetNs.delete(ns);
                }
            } catch (RuntimeException e) {
                System.err.println("TestNet cleanup of " + ns + ": " + e);
            }
        }
        namespaces.clear();
    }

    @Override
    public void close() {
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
