package dev.uniplane.provider.vpp.internal;

import dev.uniplane.api.IpAddress;
import dev.uniplane.linux.NetNs;
import dev.uniplane.provider.vpp.internal.wire.IncompatibleVppException;
import dev.uniplane.provider.vpp.internal.wire.Messages;
import dev.uniplane.provider.vpp.internal.wire.Messages.Prefix;
import dev.uniplane.provider.vpp.internal.wire.VppApiClient;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.Host;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.ProbeResult;
import dev.uniplane.tck.harness.Traffic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real VPP 26.06 for one test class, in its own netns {@code uva????v} with its own run dir (sockets, startup.conf
 * like ../shared/vpp/run-vpp.sh, own api-segment prefix, no hugepages), plus workloads: a netns {@code uva????<name>}
 * whose eth0 is one end of a veth pair; the other end sits in VPP's netns as an af_packet host-interface with the
 * workload's gateway addresses. {@link #close()} removes everything, also after a failure.
 */
public final class LiveVpp implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Path SETUP_HOME = Path.of("/opt/uniplane/vpp-26.06");

    private final String tag;
    private final Path home;
    private final Path runDir;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Workload> workloads = new ArrayList<>();
    private Process vpp;
    private VppApiClient client;

    /** A workload attached to VPP. */
    public record Workload(String name, NetNs netns, String hostIf, IpAddress ipv4, IpAddress ipv6, String gateway4,
                           String gateway6, int swIfIndex) implements Host {
    }

    private LiveVpp(String tag, Path home, Path runDir) {
        this.tag = tag;
        this.home = home;
        this.runDir = runDir;
    }

    /** Starts VPP (root and a VPP install are prerequisites: a failure under CI, a skip otherwise). */
    public static LiveVpp start() throws Exception {
        RequireAll.prerequisite("root".equals(System.getProperty("user.name")), "root (netns, veth, af_packet)");
        Optional<Path> home = Stream.of(System.getenv("UNIPLANE_VPP_HOME"), SETUP_HOME.toString())
                .filter(h -> h != null && !h.isEmpty()).map(Path::of)
                .filter(h -> Files.isExecutable(h.resolve("bin/vpp"))).findFirst();
        RequireAll.prerequisite(home.isPresent(), "a VPP install: UNIPLANE_VPP_HOME or " + SETUP_HOME
                + " (scripts/setup.sh)");
        String tag = "uva" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36);
        LiveVpp live = new LiveVpp(tag, home.get(), Files.createTempDirectory(Path.of("/tmp"), tag));
        try {
            live.sh("ip", "netns", "add", live.vppNetns());
            live.namespaces.add(live.vppNetns());
            live.launch();
            return live;
        } catch (Throwable e) {
            live.close();
            throw e;
        }
    }

    /** VPP's netns. */
    public String vppNetns() {
        return tag + "v";
    }

    /** The API client of the running VPP. */
    public VppApiClient client() {
        return client;
    }

    /** The stats socket of the running VPP. */
    public Path statsSocket() {
        return runDir.resolve("stats.sock");
    }

    /** The pid of VPP. */
    public long pid() {
        return vpp.pid();
    }

    /** The install (for bin/vpp_get_stats). */
    public Path home() {
        return home;
    }

    /**
     * A workload {@code name} (one letter) with {@code 10.77.<n>.2/24} and {@code fd00:77:<n>::2/64}, VPP answering
     * as {@code .1}/{@code ::1} on its af_packet interface.
     */
    public Workload attach(String name, int n) throws Exception {
        String ns = tag + name;
        String hostIf = tag + name + "h";
        sh("ip", "netns", "add", ns);
        namespaces.add(ns);
        sh("ip", "-n", vppNetns(), "link", "add", hostIf, "type", "veth", "peer", "name", "eth0", "netns", ns);
        sh("ip", "-n", vppNetns(), "link", "set", hostIf, "up");
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", ns, "link", "set", "eth0", "up");
        sh("ip", "-n", ns, "addr", "add", "10.77." + n + ".2/24", "dev", "eth0");
        sh("ip", "-n", ns, "-6", "addr", "add", "fd00:77:" + n + "::2/64", "dev", "eth0", "nodad");
        sh("ip", "-n", ns, "route", "add", "default", "via", "10.77." + n + ".1");
        sh("ip", "-n", ns, "-6", "route", "add", "default", "via", "fd00:77:" + n + "::1");
        // VPP forwards what af_packet hands it as is: the workload must send complete checksums.
        sh("ip", "netns", "exec", ns, "ethtool", "-K", "eth0", "tx", "off");
        Workload w = new Workload(ns, NetNs.open(ns), hostIf, IpAddress.parse("10.77." + n + ".2"),
                IpAddress.parse("fd00:77:" + n + "::2"), "10.77." + n + ".1", "fd00:77:" + n + "::1", -1);
        Workload attached = plug(w);
        workloads.add(attached);
        warmUp(attached);
        return attached;
    }

    /** Creates the af_packet interface of {@code w} in the running VPP, up, with the gateway addresses. */
    private Workload plug(Workload w) throws Exception {
        // A fixed MAC, as a provider would keep it: the workload's ARP/ND entries stay right across a VPP restart.
        byte[] mac = {2, 0, 0, 0x77, (byte) w.ipv4().toBytes()[2], 1};
        Messages.AfPacketCreateV3 random = Messages.AfPacketCreateV3.ethernet(w.hostIf());
        int sw = client.call(new Messages.AfPacketCreateV3(random.mode(), mac, w.hostIf(), 0, 0, 0, 0, 0, 1, 1));
        client.call(new Messages.SwInterfaceSetFlags(sw, Messages.IF_ADMIN_UP));
        client.call(new Messages.SwInterfaceAddDelAddress(sw, true, false,
                new Prefix(IpAddress.parse(w.gateway4()).toInetAddress(), 24)));
        client.call(new Messages.SwInterfaceAddDelAddress(sw, true, false,
                new Prefix(IpAddress.parse(w.gateway6()).toInetAddress(), 64)));
        return new Workload(w.name(), w.netns(), w.hostIf(), w.ipv4(), w.ipv6(), w.gateway4(), w.gateway6(), sw);
    }

    /**
     * Pings the gateway (both families), so that VPP and the workload know each other's MAC: VPP drops the packet
     * that makes it resolve a neighbour, which would look like a policy drop.
     */
    private static void warmUp(Workload w) {
        for (String gateway : List.of(w.gateway4(), w.gateway6())) {
            ProbeResult result = null;
            for (int i = 0; i < 5 && (result == null || result.outcome() != Outcome.DELIVERED); i++) {
                result = Traffic.ping(w, IpAddress.parse(gateway));
            }
            if (result.outcome() != Outcome.DELIVERED) {
                throw new IllegalStateException(w.name() + " cannot reach its gateway: " + result);
            }
        }
    }

    /** Kills VPP (SIGKILL, as a crash), starts it again and plugs the workloads in again; returns them, in order. */
    public List<Workload> restart() throws Exception {
        client.close();
        vpp.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        launch();
        List<Workload> again = new ArrayList<>();
        for (Workload w : workloads) {
            again.add(plug(w));
        }
        again.forEach(LiveVpp::warmUp);
        workloads.clear();
        workloads.addAll(again);
        return List.copyOf(again);
    }

    /**
     * The startup.conf of a test VPP (like ../shared/vpp/run-vpp.sh): its own sockets in {@code runDir} and api-segment
     * prefix, small heap, no hugepages, no DPDK; shared by the tests that start a bare VPP.
     */
    public static String startupConf(Path home, Path runDir, String prefix) {
        return """
                unix {
                  nodaemon
                  cli-listen %2$s/cli.sock
                  log %2$s/vpp.log
                }
                api-segment {
                  prefix %3$s
                }
                socksvr {
                  socket-name %2$s/api.sock
                }
                statseg {
                  socket-name %2$s/stats.sock
                }
                memory {
                  main-heap-size 512M
                }
                buffers {
                  buffers-per-numa 16384
                  page-size default
                }
                plugins {
                  path %1$s/lib/vpp_plugins
                }
                """.formatted(home, runDir, prefix);
    }

    private void launch() throws Exception {
        Files.deleteIfExists(runDir.resolve("api.sock"));
        Files.deleteIfExists(runDir.resolve("stats.sock"));
        Path conf = runDir.resolve("startup.conf");
        Files.writeString(conf, startupConf(home, runDir, tag));
        vpp = new ProcessBuilder("ip", "netns", "exec", vppNetns(), home.resolve("bin/vpp").toString(), "-c",
                conf.toString()).redirectErrorStream(true).redirectOutput(runDir.resolve("vpp.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!vpp.isAlive()) {
                throw new IllegalStateException("vpp exited with " + vpp.exitValue() + ": "
                        + Files.readString(runDir.resolve("vpp.out")));
            }
            if (Files.exists(runDir.resolve("api.sock")) && Files.exists(statsSocket())) {
                try {
                    client = VppApiClient.connect(runDir.resolve("api.sock"), tag, TIMEOUT);
                    return;
                } catch (IncompatibleVppException e) {
                    throw e;
                } catch (IOException e) {
                    last = e;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("VPP's API socket did not come up within 60 s", last);
    }

    /** Runs a command, failing with its output when it fails. */
    public String sh(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() throws Exception {
        if (client != null) {
            client.close();
            client = null;
        }
        if (vpp != null) {
            vpp.destroy(); // SIGTERM: vpp exits 0 and removes its shared memory
            if (!vpp.waitFor(10, TimeUnit.SECONDS)) {
                vpp.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            vpp = null;
        }
        for (Workload w : workloads) {
            w.netns().close();
        }
        for (String ns : namespaces) {
            new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(); // takes its veth ends with it
        }
        if (Files.exists(runDir)) {
            try (Stream<Path> paths = Files.walk(runDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
