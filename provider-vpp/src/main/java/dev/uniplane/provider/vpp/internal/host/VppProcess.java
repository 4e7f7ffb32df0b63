package dev.uniplane.provider.vpp.internal.host;

import dev.uniplane.provider.vpp.internal.wire.VppApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VPP a dataplane talks to: either one it starts and owns (its own startup.conf, sockets and log in a runtime
 * directory, running inside the node namespace so its af_packet interfaces see the host veth ends), or one that runs
 * already and is only connected to ({@code vpp.socket}). A started VPP is not a daemon of the JVM: it outlives the
 * JVM (so forwarding goes on) and a later process finds it again by its pid file.
 */
public final class VppProcess {
    private static final Logger LOG = LoggerFactory.getLogger(VppProcess.class);
    /** Where the runtime directories of started VPPs live: one per dataplane. */
    public static final Path RUN_ROOT = Path.of("/run/uniplane/vpp");
    private static final String PID_FILE = "vpp.pid";

    private final Settings settings;
    private final Path runDir;
    private final Optional<Path> netns;
    private volatile ProcessHandle process;

    /**
     * How to run VPP.
     *
     * @param binary       the vpp binary (ignored when {@code external} is set)
     * @param external     the API socket of a VPP that runs already; empty = start one
     * @param mainHeap     {@code memory { main-heap-size }}, e.g. {@code 256M}
     * @param buffers      {@code buffers { buffers-per-numa }}
     * @param startTimeout how long a start may take until the API socket answers
     */
    public record Settings(Path binary, Optional<Path> external, String mainHeap, int buffers, Duration startTimeout) {
    }

    private VppProcess(Settings settings, Path runDir, Optional<Path> netns, ProcessHandle process) {
        this.settings = settings;
        this.runDir = runDir;
        this.netns = netns;
        this.process = process;
    }

    /** The runtime directory of dataplane {@code name}. */
    public static Path runDirOf(String name) {
        return RUN_ROOT.resolve(name);
    }

    /**
     * The VPP of dataplane {@code name}: a running one it started earlier (its pid file names a live vpp whose API
     * socket answers), else a new one; or the external one of {@code settings}.
     */
    public static VppProcess startOrFind(Settings settings, String name, Optional<Path> netns) {
        if (settings.external().isPresent()) {
            return new VppProcess(settings, null, netns, null);
        }
        Path runDir = runDirOf(name);
        Optional<ProcessHandle> running = runningVpp(runDir);
        VppProcess vpp = new VppProcess(settings, runDir, netns, running.orElse(null));
        if (running.isPresent()) {
            LOG.info("VPP of dataplane {} runs already (pid {}): taking it over", name, running.get().pid());
        } else {
            vpp.start();
        }
        return vpp;
    }

    /** Whether this dataplane started (and so may restart and stop) the VPP. */
    public boolean owned() {
        return settings.external().isEmpty();
    }

    /** The binary API socket. */
    public Path apiSocket() {
        return settings.external().orElseGet(() -> runDir.resolve("api.sock"));
    }

    /** The stats socket (of a started VPP; of an external one, VPP's default). */
    public Path statsSocket() {
        return owned() ? runDir.resolve("stats.sock") : Path.of("/run/vpp/stats.sock");
    }

    /** The runtime directory (startup.conf, sockets, log) of a started VPP. */
    public Optional<Path> runDir() {
        return Optional.ofNullable(runDir);
    }

    /** The pid of a started VPP, when it runs. */
    public Optional<Long> pid() {
        ProcessHandle p = process;
        return p != null && p.isAlive() ? Optional.of(p.pid()) : Optional.empty();
    }

    /** Whether the VPP runs (always true for an external one: this process cannot tell). */
    public boolean alive() {
        ProcessHandle p = process;
        return !owned() || (p != null && p.isAlive());
    }

    /** Waits up to {@code timeout} for a started VPP that is going away (killed) to be gone. */
    public void awaitExit(Duration timeout) {
        ProcessHandle p = process;
        if (owned() && p != null) {
            try {
                p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // still running: only its API connection went away
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.debug("waiting for VPP to exit: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Connects to the API socket, waiting up to the start timeout for it to answer. */
    public VppApiClient connect(String clientName) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (owned() && !alive()) {
                throw new UncheckedIOException(new IOException("vpp is not running (pid file " + pidFile()
                        + "); see " + runDir.resolve("vpp.log") + " and " + runDir.resolve("vpp.out")));
            }
            if (answers(apiSocket())) {
                try {
                    return VppApiClient.connect(apiSocket(), clientName, Duration.ofSeconds(5));
                } catch (IOException e) {
                    last = e;
                }
            }
            pause();
        }
        throw new UncheckedIOException(new IOException("VPP's API socket " + apiSocket() + " did not answer within "
                + settings.startTimeout() + (last == null ? "" : ": " + last.getMessage()), last));
    }

    /** Starts VPP (after {@link #stop} or when it died); only for an owned VPP. */
    public synchronized void start() {
        if (!owned()) {
            throw new IllegalStateException("the VPP at " + apiSocket() + " is not ours to start");
        }
        try {
            Files.createDirectories(runDir);
            for (String socket : List.of("api.sock", "cli.sock", "stats.sock")) {
                Files.deleteIfExists(runDir.resolve(socket));
            }
            Path conf = runDir.resolve("startup.conf");
            Files.writeString(conf, startupConf());
            List<String> command = new ArrayList<>();
            if (netns.isPresent()) {
                // VPP must live in the node namespace: af_packet binds to interfaces of its own namespace.
                command.addAll(List.of("nsenter", "--net=" + netns.get()));
            }
            command.addAll(List.of(settings.binary().toString(), "-c", conf.toString()));
            Process started = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(runDir.resolve("vpp.out").toFile()).start();
            process = started.toHandle();
            Files.writeString(pidFile(), Long.toString(started.pid()));
            LOG.info("started VPP (pid {}) with {}", started.pid(), conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + settings.binary(), e);
        }
    }

    /** Stops a started VPP (SIGTERM, then SIGKILL) and removes its runtime directory; nothing for an external one. */
    public synchronized void stop() {
        if (!owned()) {
            return;
        }
        ProcessHandle p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
                try {
                    p.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    LOG.warn("VPP (pid {}) did not exit", p.pid());
                }
            }
        }
        process = null;
        try (var files = Files.list(runDir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(runDir);
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", runDir, e.toString());
        }
    }

    /** The startup.conf of a started VPP: small heap and buffers, no hugepages, no DPDK plugin. */
    String startupConf() {
        return """
                unix {
                  nodaemon
                  cli-listen %1$s/cli.sock
                  log %1$s/vpp.log
                  poll-sleep-usec 100
                }
                api-segment {
                  prefix %2$s
                }
                socksvr {
                  socket-name %1$s/api.sock
                }
                statseg {
                  socket-name %1$s/stats.sock
                }
                memory {
                  main-heap-size %3$s
                }
                buffers {
                  buffers-per-numa %4$d
                  page-size default
                }
                plugins {
                  plugin dpdk_plugin.so { disable }
                }
                """.formatted(runDir, "uvpp-" + runDir.getFileName(), settings.mainHeap(), settings.buffers());
    }

    private Path pidFile() {
        return runDir.resolve(PID_FILE);
    }

    /** The VPP a pid file in {@code runDir} names, when it still runs (a recycled pid of another program is not it). */
    private static Optional<ProcessHandle> runningVpp(Path runDir) {
        try {
            long pid = Long.parseLong(Files.readString(runDir.resolve(PID_FILE)).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().commandLine().orElse("").contains(runDir.resolve("startup.conf").toString()))
                    .filter(p -> answers(runDir.resolve("api.sock")));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether something accepts connections on {@code socket} (VPP registers a client only on sockclnt_create). */
    static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50); // a readiness poll: VPP starts in about a second
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for VPP", e);
        }
    }
}
