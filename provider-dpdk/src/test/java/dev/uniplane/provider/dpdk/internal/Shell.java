package dev.uniplane.provider.dpdk.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands for tests, with a timeout and the output captured. */
public final class Shell {
    private Shell() {
    }

    /**
     * The result of a command.
     *
     * @param exitCode the exit code (-1 on timeout)
     * @param output   stdout and stderr
     */
    public record Result(int exitCode, String output) {
        /** Whether it exited with 0. */
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code command}, waiting at most 20 s. */
    public static Result run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Result(-1, "timed out: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    /** Runs {@code command} and fails unless it exits with 0. */
    public static String check(String... command) {
        Result result = run(command);
        if (!result.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + result.exitCode() + ": " + result.output());
        }
        return result.output();
    }

    /** Runs {@code command} inside the named netns. */
    public static Result inNetns(String netns, String... command) {
        List<String> full = new java.util.ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }
}
