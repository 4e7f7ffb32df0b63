package dev.uniplane.tck.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * FRR 8.4 (zebra + bgpd) in a network namespace for tests and benches: started with a bgpd configuration, asked
 * through vtysh, its bgpd killable alone; {@link #close()} kills both and removes its state directory.
 */
public final class FrrRouter implements AutoCloseable {
    public static final Path FRR_DIR = Path.of("/usr/lib/frr");
    public static final String VTYSH = "/usr/bin/vtysh";
    private final Path state;
    private final List<Path> pidFiles = new ArrayList<>();

    private FrrRouter(Path state) {
        this.state = state;
    }

    /** True when FRR's zebra, bgpd and vtysh are installed. */
    public static boolean installed() {
        return Files.isExecutable(FRR_DIR.resolve("bgpd")) && Files.isExecutable(FRR_DIR.resolve("zebra"))
                && Files.isExecutable(Path.of(VTYSH));
    }

    /** Starts zebra and bgpd inside netns {@code netnsName} (a name under /run/netns) with {@code bgpdConf}. */
    public static FrrRouter start(String netnsName, String bgpdConf) {
        Path state;
        try {
            // not 700: the frr user must reach its state directory
            state = Files.createTempDirectory("uniplane-frr-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Files.writeString(state.resolve("zebra.conf"), "hostname " + netnsName + "\n", StandardCharsets.UTF_8);
            Files.writeString(state.resolve("bgpd.conf"), bgpdConf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        FrrRouter frr = new FrrRouter(state);
        try {
            sh("chown", "-R", "frr:frr", state.toString());
            for (String daemon : List.of("zebra", "bgpd")) {
                frr.startDaemon(netnsName, daemon);
            }
            return frr;
        } catch (RuntimeException | AssertionError e) {
            frr.close();
            throw e;
        }
    }

    private void startDaemon(String netnsName, String daemon) {
        Path pid = state.resolve(daemon + ".pid");
        pidFiles.add(pid);
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", netnsName, FRR_DIR.resolve(daemon).toString(), "-d",
                "-u", "frr", "-g", "frr", "-f", state.resolve(daemon + ".conf").toString(), "-i", pid.toString(),
                "-z", state.resolve("zserv.api").toString(), "--vty_socket", state.toString(), "-P", "0"));
        if (daemon.equals("zebra")) {
            argv.addAll(List.of("-s", "90000000"));
        }
        sh(argv.toArray(String[]::new));
        await(() -> Files.exists(state.resolve(daemon + ".vty")), Duration.ofSeconds(20), daemon + " vty socket in " + state);
    }

    /** A vtysh command. */
    public String vtysh(String command) {
        return sh(VTYSH, "--vty_socket", state.toString(), "-c", command);
    }

    /** Kills bgpd with SIGKILL (no NOTIFICATION: peers notice by hold timer or TCP reset). */
    public void killBgpd() {
        kill(state.resolve("bgpd.pid"), "-9");
    }

    /** Stops bgpd with SIGTERM (it sends a Cease to its peers). */
    public void stopBgpd() {
        kill(state.resolve("bgpd.pid"), "-TERM");
    }

    private static void kill(Path pidFile, String signal) {
        try {
            if (Files.exists(pidFile)) {
                String pid = Files.readString(pidFile).trim();
                new ProcessBuilder("kill", signal, pid).start().waitFor();
                await(() -> !Files.exists(Path.of("/proc", pid)), Duration.ofSeconds(10), "process " + pid + " to exit");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls {@code condition} every 100 ms until true or {@code timeout}. */
    public static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Runs a command, failing on a non-zero exit; returns its output. */
    public static String sh(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", argv));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", argv) + " exited " + p.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        for (Path pid : pidFiles.reversed()) {
            try {
                kill(pid, "-9");
            } catch (RuntimeException | AssertionError e) {
                // already gone
            }
        }
        try {
            sh("rm", "-rf", state.toString());
        } catch (AssertionError e) {
            // a temp directory left behind
        }
    }
}
