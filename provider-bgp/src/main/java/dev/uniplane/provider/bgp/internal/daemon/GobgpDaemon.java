package dev.uniplane.provider.bgp.internal.daemon;

import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.bgp.internal.wire.GobgpClient;
import dev.uniplane.provider.bgp.internal.wire.GobgpException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code gobgpd} this JVM starts and owns, in a given network namespace (entered with {@code nsenter --net}), with its
 * gRPC API on {@code 127.0.0.1:PORT} of that namespace (a free port per instance), pprof off, and no config file: it is
 * configured through {@link #client()} only. {@link #close()} stops BGP (NOTIFICATION to peers), then the process.
 *
 * <p>Started in a session of its own ({@link Options#ownSession()}, through {@code setsid}), it outlives this JVM: a
 * later process takes it over with {@link #adopt} (pid and API port from its saved state), and {@link #release()}
 * lets go of it without stopping it.
 */
public final class GobgpDaemon implements AutoCloseable {
    /** Debian's gobgpd (package {@code gobgpd}). */
    public static final String GOBGPD = "gobgpd";
    /** util-linux nsenter. */
    public static final String NSENTER = "/usr/bin/nsenter";
    /** util-linux setsid: a new session, so no signal to this JVM's process group or terminal reaches the daemon. */
    public static final String SETSID = "/usr/bin/setsid";
    private static final Logger LOG = LoggerFactory.getLogger(GobgpDaemon.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * How to start it: the namespace file to run in (empty: this process's), a directory for its log, how long to wait
     * for the API, the deadline of each gRPC call, and whether to flag restart state in the graceful-restart capability
     * ({@code --graceful-restart}: this daemon replaces one that peers still hold routes of), and whether it runs in
     * a session of its own so that it can outlive this JVM, and its GOGC (0: whatever the environment says).
     */
    public record Options(Optional<Path> netns, Path workDir, Duration startTimeout, Duration callTimeout,
                          boolean restarting, boolean ownSession, int goGc) {
        public Options {
            Objects.requireNonNull(netns, "netns");
            Objects.requireNonNull(workDir, "workDir");
            Objects.requireNonNull(startTimeout, "startTimeout");
            Objects.requireNonNull(callTimeout, "callTimeout");
        }

        /** In namespace {@code nsFile}, log under {@code workDir}, 15 s to start, 10 s per call, not restarting. */
        public static Options in(Path nsFile, Path workDir) {
            return new Options(Optional.of(nsFile), workDir, Duration.ofSeconds(15), Duration.ofSeconds(10), false, false, 0);
        }

        /** The same, flagging restart state in the graceful-restart capability or not. */
        public Options withRestarting(boolean on) {
            return new Options(netns, workDir, startTimeout, callTimeout, on, ownSession, goGc);
        }

        /** The same, in a session of its own (it outlives this JVM) or not. */
        public Options withOwnSession(boolean on) {
            return new Options(netns, workDir, startTimeout, callTimeout, restarting, on, goGc);
        }

        /** The same with GOGC {@code percent} (0: whatever the environment says). */
        public Options withGoGc(int percent) {
            return new Options(netns, workDir, startTimeout, callTimeout, restarting, ownSession, percent);
        }
    }

    private final ProcessHandle process;
    private final int apiPort;
    private final Path log;
    private final GobgpClient client;
    private final Optional<NetNs> ns;
    private volatile boolean closed;

    private GobgpDaemon(ProcessHandle process, int apiPort, Path log, GobgpClient client, Optional<NetNs> ns) {
        this.process = process;
        this.apiPort = apiPort;
        this.log = log;
        this.client = client;
        this.ns = ns;
    }

    /** Starts gobgpd and waits until its API answers; on failure nothing is left running. */
    public static GobgpDaemon start(Options options) {
        Optional<NetNs> ns = options.netns().map(NetNs::open);
        Process process = null;
        GobgpClient client = null;
        try {
            // A fresh namespace has its loopback down; gobgpd's API needs it.
            ns.ifPresent(n -> {
                try (RtNetlink rt = RtNetlink.open(n)) {
                    rt.setUp("lo", true);
                }
            });
            int port = ns.map(n -> n.run(GobgpDaemon::freeLoopbackPort)).orElseGet(GobgpDaemon::freeLoopbackPort);
            Files.createDirectories(options.workDir());
            Path log = options.workDir().resolve("gobgpd-" + port + ".log");
            List<String> argv = new ArrayList<>();
            if (options.ownSession()) {
                argv.add(SETSID); // not a process group leader, so setsid execs in place: the pid stays gobgpd's
            }
            options.netns().ifPresent(file -> argv.addAll(List.of(NSENTER, "--net=" + file, "--")));
            argv.addAll(List.of(GOBGPD, "--api-hosts=127.0.0.1:" + port, "--pprof-disable", "--log-plain", "--log-level=info"));
            if (options.restarting()) {
                argv.add("--graceful-restart");
            }
            ProcessBuilder builder = new ProcessBuilder(argv);
            if (options.goGc() > 0) {
                builder.environment().put("GOGC", Integer.toString(options.goGc()));
            }
            process = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            client = ns.map(n -> GobgpClient.connect(n, port, options.callTimeout()))
                    .orElseGet(() -> GobgpClient.connect(port, options.callTimeout()));
            awaitApi(process, client, options.startTimeout(), log);
            LOG.debug("gobgpd pid {} API on 127.0.0.1:{}{}", process.pid(), port, ns.map(n -> " in " + n.name()).orElse(""));
            return new GobgpDaemon(process.toHandle(), port, log, client, ns);
        } catch (IOException e) {
            cleanup(process, client, ns);
            throw new GobgpException("start gobgpd", "UNAVAILABLE", e.getMessage(), e);
        } catch (RuntimeException e) {
            cleanup(process, client, ns);
            throw e;
        }
    }

    /**
     * Takes over a gobgpd a previous process started ({@code pid}, API on {@code apiPort} of the namespace); empty when
     * it no longer runs or its API does not answer within the start timeout.
     */
    public static Optional<GobgpDaemon> adopt(Options options, long pid, int apiPort) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith(GOBGPD)).orElse(true));
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        Optional<NetNs> ns = options.netns().map(NetNs::open);
        GobgpClient client = ns.map(n -> GobgpClient.connect(n, apiPort, options.callTimeout()))
                .orElseGet(() -> GobgpClient.connect(apiPort, options.callTimeout()));
        try {
            client.localAsn();
            Path log = options.workDir().resolve("gobgpd-" + apiPort + ".log");
            return Optional.of(new GobgpDaemon(handle.get(), apiPort, log, client, ns));
        } catch (GobgpException e) {
            LOG.warn("gobgpd pid {} does not answer on port {}: {}", pid, apiPort, e.getMessage());
            client.close();
            ns.ifPresent(NetNs::close);
            return Optional.empty();
        }
    }

    /** Lets go of the daemon without stopping it (it keeps its sessions and routes): only the client closes. */
    public synchronized void release() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
        ns.ifPresent(NetNs::close);
    }

    private static void awaitApi(Process process, GobgpClient client, Duration timeout, Path log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        GobgpException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new GobgpException("start gobgpd", "UNAVAILABLE",
                        "exited with " + process.exitValue() + "; log tail: " + tail(log), null);
            }
            try {
                client.localAsn();
                return;
            } catch (GobgpException e) {
                last = e;
            }
            sleep(POLL);
        }
        throw new GobgpException("start gobgpd", "DEADLINE_EXCEEDED",
                "API not answering after " + timeout + "; last: " + (last == null ? "-" : last.getMessage()) + "; log tail: "
                        + tail(log), last);
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new GobgpException("pick a gRPC port", "UNAVAILABLE", e.getMessage(), e);
        }
    }

    /** The client bound to this daemon's API (closed with the daemon). */
    public GobgpClient client() {
        return client;
    }

    /** The API's TCP port on the namespace's 127.0.0.1. */
    public int apiPort() {
        return apiPort;
    }

    /** The daemon's process id (nsenter execs gobgpd, so it is gobgpd's). */
    public long pid() {
        return process.pid();
    }

    /** True while the process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits at most {@code timeout} for the process to exit (a killed daemon closes its sockets before it is reaped);
     * true when it has.
     */
    public boolean awaitExit(Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** The daemon's combined stdout/stderr log. */
    public Path log() {
        return log;
    }

    /** The last lines of the daemon's log, for failure messages. */
    public String logTail() {
        return tail(log);
    }

    /** Stops BGP if the daemon still answers (peers get a Cease), then SIGTERM, then SIGKILL after 5 s. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (process.isAlive()) {
            try {
                client.stopBgp();
            } catch (GobgpException e) {
                LOG.debug("StopBgp before exit: {}", e.getMessage());
            }
        }
        cleanup(process, client, ns);
    }

    private static void cleanup(Process process, GobgpClient client, Optional<NetNs> ns) {
        cleanup(process == null ? null : process.toHandle(), client, ns);
    }

    private static void cleanup(ProcessHandle process, GobgpClient client, Optional<NetNs> ns) {
        if (client != null) {
            client.close();
        }
        if (process != null) {
            process.destroy();
            try {
                process.onExit().get(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                process.destroyForcibly();
                try {
                    process.onExit().get(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception ignored) {
                    // reported by isAlive()
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        ns.ifPresent(NetNs::close);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GobgpException("start gobgpd", "CANCELLED", "interrupted", e);
        }
    }
}
