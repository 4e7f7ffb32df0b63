package dev.uniplane.bench.ovs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** Process, netns and statistics helpers of the OVS-DPDK harnesses. */
final class OvsBenchSupport {
    private OvsBenchSupport() {
    }

    /** {@code uph12} + 4 random base-36 characters. */
    static String prefix() {
        return "uph12" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36);
    }

    static String load() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return "loadavg " + f[0] + " " + f[1] + " " + f[2];
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        return run(cmd, Map.of());
    }

    static String run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
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

    static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        run(cmd);
    }

    static void quiet(List<String> cmd) {
        try {
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(20, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            System.err.println("cleanup: " + String.join(" ", cmd) + ": " + e);
        }
    }

    static void deleteNetns(List<String> namespaces) {
        for (String ns : namespaces) {
            if (Files.exists(Path.of("/run/netns", ns))) {
                quiet(List.of("ip", "netns", "del", ns));
            }
        }
    }

    static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
