package dev.uniplane.provider.ovsdpdk.internal.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One daemon of a private instance, known by its pid. When this JVM started it, {@code process} is kept so that the JVM
 * reaps it; a daemon found through its pidfile (started by an earlier JVM) is watched through {@code /proc} only.
 * A zombie counts as gone: an orphaned daemon's parent is PID 1, which here reaps only after a few seconds.
 *
 * @param name    what it is, for messages
 * @param pid     its pid
 * @param process the child process, when this JVM started it
 */
record Daemon(String name, long pid, Optional<Process> process) {

    /** A daemon this JVM just started. */
    static Daemon started(String name, Process process) {
        return new Daemon(name, process.pid(), Optional.of(process));
    }

    /**
     * The live daemon whose pid {@code pidfile} holds and whose command line mentions {@code marker} (guards against a
     * recycled pid); empty if the file is missing or the process is gone.
     */
    static Optional<Daemon> fromPidfile(String name, Path pidfile, String marker) {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidfile).strip());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        Daemon d = new Daemon(name, pid, Optional.empty());
        return d.isAlive() && d.commandLine().contains(marker) ? Optional.of(d) : Optional.empty();
    }

    /** True while the process runs (not a zombie). */
    boolean isAlive() {
        if (process.isPresent()) {
            return process.get().isAlive();
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private String commandLine() {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM, or SIGKILL when {@code force}. */
    void signal(boolean force) {
        if (process.isPresent()) {
            if (force) {
                process.get().destroyForcibly();
            } else {
                process.get().destroy();
            }
            return;
        }
        ProcessHandle.of(pid).ifPresent(h -> {
            if (force) {
                h.destroyForcibly();
            } else {
                h.destroy();
            }
        });
    }

    /** Waits until the daemon is gone; false on timeout. */
    boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (process.isPresent()) {
                return process.get().waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            while (isAlive()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(5);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !isAlive();
        }
    }

    /** Stops it: SIGTERM (unless {@code force}), then SIGKILL after {@code grace}; true once it is gone. */
    boolean stop(Duration grace, boolean force) {
        if (!isAlive()) {
            return true;
        }
        signal(force);
        if (awaitExit(grace)) {
            return true;
        }
        signal(true);
        return awaitExit(Duration.ofSeconds(5));
    }
}
