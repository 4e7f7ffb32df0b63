package dev.uniplane.provider.bgp.internal.wire;

import dev.uniplane.provider.bgp.internal.daemon.GobgpDaemon;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Namespaces (prefix {@code hbgp} + a per-run id), veths between them, FRR daemons and gobgpd instances for interop
 * tests; {@link #close()} kills every daemon it started and deletes every namespace, also after a failed test.
 */
final class BgpTestbed implements AutoCloseable {
    static final Path FRR_DIR = Path.of("/usr/lib/frr");
    static final Path BGPD = FRR_DIR.resolve("bgpd");
    static final Path ZEBRA = FRR_DIR.resolve("zebra");
    static final String VTYSH = "/usr/bin/vtysh";

    final String id = "hbgp" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    final Path dir;
    private final List<String> namespaces = new ArrayList<>();
    private final List<GobgpDaemon> gobgpds = new ArrayList<>();
    private final List<Path> frrPidFiles = new ArrayList<>();

    BgpTestbed() throws IOException {
        // Not a @TempDir (mode 700): the frr user must reach its state directory below this one.
        dir = Files.createTempDirectory(id + "-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    /** Creates namespace {@code id + suffix} with its loopback up; returns its name. */
    String netns(String suffix) {
        String name = id + suffix;
        sh("ip", "netns", "add", name);
        namespaces.add(name);
        sh("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /** A veth between two namespaces with an IPv4 and an IPv6 address on each side (IPv6 without DAD). */
    void link(String nsA, String nsB, String name, String v4a, String v4b, String v6a, String v6b) {
        String a = id + name + "a";
        String b = id + name + "b";
        sh("ip", "link", "add", a, "netns", nsA, "type", "veth", "peer", "name", b, "netns", nsB);
        address(nsA, a, v4a, v6a);
        address(nsB, b, v4b, v6b);
    }

    /** The name of side {@code a} or {@code b} of the veth {@link #link} made as {@code name}. */
    String linkName(String name, char side) {
        return id + name + side;
    }

    /** Adds one more address to a link. */
    void addAddress(String ns, String link, String cidr) {
        sh("ip", "-n", ns, "addr", "add", cidr, "dev", link);
    }

    /** A TcpExt counter of {@code /proc/net/netstat} as seen inside {@code ns} (e.g. {@code TCPMD5Failure}). */
    long tcpExtCounter(String ns, String counter) {
        String[] lines = sh("ip", "netns", "exec", ns, "cat", "/proc/net/netstat").split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("TcpExt:") && lines[i + 1].startsWith("TcpExt:")) {
                List<String> names = List.of(lines[i].trim().split("\\s+"));
                String[] values = lines[i + 1].trim().split("\\s+");
                int at = names.indexOf(counter);
                if (at < 0) {
                    throw new AssertionError("no " + counter + " in /proc/net/netstat of " + ns);
                }
                return Long.parseLong(values[at]);
            }
        }
        throw new AssertionError("no TcpExt lines in /proc/net/netstat of " + ns);
    }

    private void address(String ns, String link, String v4, String v6) {
        sh("ip", "-n", ns, "addr", "add", v4, "dev", link);
        sh("ip", "-n", ns, "addr", "add", v6, "dev", link, "nodad");
        sh("ip", "-n", ns, "link", "set", link, "up");
    }

    /** A gobgpd owned by this testbed in {@code ns}. */
    GobgpDaemon gobgpd(String ns) {
        GobgpDaemon d = GobgpDaemon.start(GobgpDaemon.Options.in(Path.of("/run/netns", ns), dir.resolve("gobgp-" + ns)));
        gobgpds.add(d);
        return d;
    }

    /** zebra + bgpd of FRR in {@code ns} with {@code bgpdConf}; returns the vty socket directory for {@link #vtysh}. */
    Path frr(String ns, String bgpdConf) {
        Path state = dir.resolve("frr-" + ns);
        try {
            Files.createDirectories(state);
            Files.writeString(state.resolve("zebra.conf"), "hostname " + ns + "\n", StandardCharsets.UTF_8);
            Files.writeString(state.resolve("bgpd.conf"), bgpdConf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        sh("chown", "-R", "frr:frr", state.toString());
        for (String daemon : List.of("zebra", "bgpd")) {
            Path pid = state.resolve(daemon + ".pid");
            frrPidFiles.add(pid);
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, FRR_DIR.resolve(daemon).toString(), "-d",
                    "-u", "frr", "-g", "frr", "-f", state.resolve(daemon + ".conf").toString(), "-i", pid.toString(),
                    "-z", state.resolve("zserv.api").toString(), "--vty_socket", state.toString(), "-P", "0"));
            if (daemon.equals("zebra")) {
                argv.addAll(List.of("-s", "90000000"));
            }
            sh(argv.toArray(String[]::new));
            await(() -> Files.exists(state.resolve(daemon + ".vty")), Duration.ofSeconds(15), daemon + " vty socket in " + state);
        }
        return state;
    }

    /** A vtysh command against the FRR whose vty sockets are in {@code vtyDir}. */
    String vtysh(Path vtyDir, String command) {
        return sh(VTYSH, "--vty_socket", vtyDir.toString(), "-c", command);
    }

    /** Polls {@code condition} every 100 ms until true or {@code timeout} (the kit harness's, shared with FRR's). */
    static void await(BooleanSupplier condition, Duration timeout, String what) {
        dev.uniplane.tck.harness.FrrRouter.await(condition, timeout, what);
    }

    /** Runs a command, failing on a non-zero exit; returns its output. */
    static String sh(String... argv) {
        return dev.uniplane.tck.harness.FrrRouter.sh(argv);
    }

    @Override
    public void close() {
        List<Throwable> failures = new ArrayList<>();
        for (GobgpDaemon d : gobgpds) {
            run(failures, () -> {
                d.close();
                return null;
            });
        }
        for (Path pid : frrPidFiles) {
            run(failures, () -> {
                if (Files.exists(pid)) {
                    sh("kill", Files.readString(pid).trim());
                }
                return null;
            });
        }
        for (String ns : namespaces) {
            // Whatever still runs in a namespace of ours was started by this testbed.
            run(failures, () -> {
                for (String pid : sh("ip", "netns", "pids", ns).split("\\s+")) {
                    if (!pid.isBlank()) {
                        new ProcessBuilder("kill", "-9", pid).start().waitFor();
                    }
                }
                sh("ip", "netns", "del", ns);
                return null;
            });
        }
        run(failures, () -> sh("rm", "-rf", dir.toString()));
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("testbed cleanup failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    private interface Step {
        Object run() throws Exception;
    }

    private static void run(List<Throwable> failures, Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            failures.add(e);
        }
    }
}
