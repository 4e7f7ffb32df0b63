package dev.uniplane.provider.ovsdpdk.internal.host;

import dev.uniplane.api.BackendException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs a short tool (ethtool, tc) inside a network namespace through {@code nsenter --net}, or here without one. */
public record NetnsCommand(Optional<Path> netns, List<String> argv) {
    /** Starts vswitchd in the node namespace. */
    public static final String NSENTER = "/usr/bin/nsenter";
    /** Turns checksum/segmentation offloads off on the workload end (NOTES 4.3: TCP stalls through af_packet otherwise). */
    public static final String ETHTOOL = "/usr/sbin/ethtool";
    /** Sets up the uplink shim ({@link UplinkShim}). */
    public static final String TC = "/usr/sbin/tc";

    public NetnsCommand {
        argv = List.copyOf(argv);
    }

    static NetnsCommand in(Optional<Path> netns, String... argv) {
        return new NetnsCommand(netns, List.of(argv));
    }

    /** The exit code and the merged output. */
    record Result(int exitCode, String output) {
    }

    Result run() {
        List<String> full = new ArrayList<>();
        netns.ifPresent(ns -> full.addAll(List.of(NSENTER, "--net=" + ns, "--")));
        full.addAll(argv);
        String what = String.join(" ", argv);
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BackendException(what, "timeout", output.strip());
            }
            return new Result(p.exitValue(), output.strip());
        } catch (IOException e) {
            throw new BackendException(what, "cannot run " + argv.getFirst(), e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(what, "interrupted", "");
        }
    }

    void runOrThrow() {
        Result r = run();
        if (r.exitCode() != 0) {
            throw new BackendException(String.join(" ", argv) + netns.map(n -> " (in " + n + ")").orElse(""),
                    "exit code " + r.exitCode(), r.output());
        }
    }
}
