package dev.uniplane.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** External commands for the harnesses: run and check, {@code ip}, best-effort cleanup. */
public final class Commands {
    private Commands() {
    }

    /** Runs {@code cmd} (at most 120 s) and returns its output; a non-zero exit is an error with the output. */
    public static String run(List<String> cmd) throws IOException, InterruptedException {
        return run(cmd, Map.of());
    }

    /** As {@link #run(List)} with extra environment variables. */
    public static String run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process proc = pb.start();
        byte[] out = proc.getInputStream().readAllBytes();
        if (!proc.waitFor(120, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + ": timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (proc.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + proc.exitValue() + ": " + text.strip());
        }
        return text;
    }

    /** {@code ip ARGS}, checked. */
    public static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        run(cmd);
    }

    /** Runs a cleanup command, waiting up to 20 s; failures are printed, not thrown. */
    public static void quiet(List<String> cmd) {
        try {
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(20, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            System.err.println("cleanup: " + String.join(" ", cmd) + ": " + e);
        }
    }

    /** Deletes the named network namespaces that still exist (best effort). */
    public static void deleteNetns(List<String> namespaces) {
        for (String ns : namespaces) {
            if (Files.exists(Path.of("/run/netns", ns))) {
                quiet(List.of("ip", "netns", "del", ns));
            }
        }
    }
}
