package dev.uniplane.provider.ovsdpdk.internal.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one OVS tool (ovsdb-tool, ovsdb-server --detach, ovs-appctl, ...) to completion with the instance's environment.
 * Output goes to a file, never to a pipe: a {@code --detach}ed daemon inherits the descriptors and would keep a pipe
 * open forever.
 */
record Command(List<String> argv, Map<String, String> environment, Path output) {
    Command {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }

    /** The exit code and the command's output (read from the file). */
    record Result(int exitCode, String output) {
    }

    Result run(Duration timeout) {
        String step = String.join(" ", argv);
        try {
            Files.deleteIfExists(output);
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new OvsDaemonException(step, "timeout", "still running after " + timeout + "; output in " + output, null);
            }
            return new Result(process.exitValue(), Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "");
        } catch (IOException e) {
            throw new OvsDaemonException(step, "cannot run", e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OvsDaemonException(step, "interrupted", "", e);
        }
    }

    /** Runs and throws unless the exit code is 0. */
    String runOrThrow(Duration timeout) {
        Result result = run(timeout);
        if (result.exitCode() != 0) {
            throw new OvsDaemonException(String.join(" ", argv), "exit code " + result.exitCode(), result.output().strip(), null);
        }
        return result.output();
    }
}
