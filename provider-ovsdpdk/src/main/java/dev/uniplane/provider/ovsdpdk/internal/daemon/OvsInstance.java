package dev.uniplane.provider.ovsdpdk.internal.daemon;

import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.OvsdbClient;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.OvsdbException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Open vSwitch instance: either a private ovsdb-server + ovs-vswitchd-dpdk pair that this object started in its own
 * run/db/log directories ({@link #start}) and stops on {@link #close()}, or an existing instance reached through its
 * socket paths ({@link #connect}), which {@link #close()} leaves running.
 *
 * <p>A private instance lives in {@code /tmp/upovs<random>}; the directory name is also the DPDK {@code --file-prefix},
 * so {@code /var/run/dpdk/<prefix>} is unique and removed on close. DPDK runs with 4 KiB pages
 * ({@code --no-huge -m 256 --legacy-mem}, NOTES 4.2), the PMD on CPU 1 and {@code pmd-maxsleep=10000} so that an idle
 * instance costs ~2 % of a core on the shared machine. Stopping uses {@code ovs-appctl exit --cleanup} (which also
 * removes the bridges' tap devices), then waits for the pids to go. Close is idempotent; a JVM shutdown hook closes
 * instances that were not closed.
 */
public final class OvsInstance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OvsInstance.class);
    /** The DPDK build of vswitchd (run by full path; {@code /usr/sbin/ovs-vswitchd} is the non-DPDK alternative). */
    public static final Path VSWITCHD_DPDK = Path.of("/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk");
    /** The database server. */
    public static final Path OVSDB_SERVER = Path.of("/usr/sbin/ovsdb-server");
    /** The Open_vSwitch schema shipped by openvswitch-switch. */
    public static final Path SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");
    /** util-linux nsenter, which runs vswitchd in the node's network namespace. */
    public static final String NSENTER = "/usr/bin/nsenter";
    static final Path DPDK_RUNTIME_DIR = Path.of("/var/run/dpdk");
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(15);

    /**
     * What a private instance is started with: {@code other_config} keys that override the defaults (in values,
     * {@value #PREFIX_PLACEHOLDER} stands for the instance's DPDK file prefix, which close() cleans up), and the network
     * namespace file vswitchd runs in (empty: the caller's). DPDK af_packet ports bind in vswitchd's namespace, so it must
     * be the namespace of the interfaces the ports use.
     */
    public record Options(Map<String, String> otherConfig, Duration startTimeout, Optional<Path> netns) {
        /** Replaced by the instance's DPDK {@code --file-prefix} in other_config values. */
        public static final String PREFIX_PLACEHOLDER = "{prefix}";

        public Options {
            otherConfig = Map.copyOf(otherConfig);
            java.util.Objects.requireNonNull(netns, "netns");
        }

        /** Options with vswitchd in the caller's network namespace. */
        public Options(Map<String, String> otherConfig, Duration startTimeout) {
            this(otherConfig, startTimeout, Optional.empty());
        }

        /** DPDK on 4 KiB pages, PMD on CPU 1, control threads on CPU 0, PMD sleeping up to 10 ms when idle. */
        public static Options defaults() {
            return new Options(Map.of(), Duration.ofSeconds(30));
        }

        /** The same options with vswitchd started in the network namespace {@code nsFile} (through nsenter). */
        public Options inNetns(Path nsFile) {
            return new Options(otherConfig, startTimeout, Optional.of(nsFile));
        }

        Map<String, String> otherConfigFor(String filePrefix) {
            Map<String, String> config = new LinkedHashMap<>();
            config.put("dpdk-init", "true");
            config.put("pmd-cpu-mask", "0x2");
            config.put("dpdk-lcore-mask", "0x1");
            config.put("pmd-maxsleep", "10000");
            // --legacy-mem must be explicit with --no-huge, or OVS appends an incompatible --in-memory (NOTES 4.2).
            config.put("dpdk-extra", "--no-huge -m 256 --no-pci --legacy-mem --file-prefix=" + filePrefix);
            otherConfig.forEach((k, v) -> config.put(k, v.replace(PREFIX_PLACEHOLDER, filePrefix)));
            return config;
        }
    }

    private final Optional<Path> directory;
    private final Path runDir;
    private final Path dbSocket;
    private final Optional<String> dpdkPrefix;
    private final Map<String, String> environment;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;
    private final List<Duration> stopTimes = new ArrayList<>();
    private volatile Process ovsdbServer;
    /** vswitchd's command line, kept for {@link #restartVswitchd()}. */
    private volatile List<String> vswitchdArgv;
    private volatile Process vswitchd;
    private volatile OvsdbClient client;

    private OvsInstance(Optional<Path> directory, Path runDir, Path dbSocket, Optional<String> dpdkPrefix) {
        this.directory = directory;
        this.runDir = runDir;
        this.dbSocket = dbSocket;
        this.dpdkPrefix = dpdkPrefix;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OVS_RUNDIR", runDir.toString());
        directory.ifPresent(d -> {
            env.put("OVS_DBDIR", d.resolve("db").toString());
            env.put("OVS_LOGDIR", d.resolve("log").toString());
            env.put("OVS_PKGDATADIR", d.resolve("pkg").toString());
            env.put("OVS_SYSCONFDIR", d.resolve("etc").toString());
        });
        this.environment = Map.copyOf(env);
        this.shutdownHook = Thread.ofPlatform().name("upovs-shutdown").unstarted(this::close);
    }

    /** Starts a private instance with {@link Options#defaults()}. */
    public static OvsInstance start() {
        return start(Options.defaults());
    }

    /**
     * Starts a private ovsdb-server and ovs-vswitchd-dpdk and returns once {@code dpdk_initialized=true}. On any
     * failure everything started so far is stopped and removed, and the exception carries the log tail.
     */
    public static OvsInstance start(Options options) {
        Path dir;
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "upovs");
        } catch (IOException e) {
            throw new OvsDaemonException("create instance directory", "I/O error", e.getMessage(), e);
        }
        String prefix = dir.getFileName().toString();
        OvsInstance instance = new OvsInstance(Optional.of(dir), dir.resolve("run"), dir.resolve("run/db.sock"), Optional.of(prefix));
        Runtime.getRuntime().addShutdownHook(instance.shutdownHook);
        try {
            instance.launch(options);
            return instance;
        } catch (RuntimeException e) {
            try {
                instance.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Uses an instance someone else runs: {@code dbSocket} is ovsdb-server's UNIX socket and {@code runDir} the
     * vswitchd's {@code OVS_RUNDIR} (where {@code <bridge>.mgmt} lives). {@link #close()} only closes the client.
     */
    public static OvsInstance connect(Path dbSocket, Path runDir) {
        OvsInstance instance = new OvsInstance(Optional.empty(), runDir, dbSocket, Optional.empty());
        instance.client = OvsdbClient.connect(dbSocket);
        return instance;
    }

    private void launch(Options options) {
        Path dir = directory.orElseThrow();
        long t0 = System.nanoTime();
        try {
            for (String sub : List.of("run", "db", "log", "pkg", "etc")) {
                Files.createDirectories(dir.resolve(sub));
            }
            Files.copy(SCHEMA, dir.resolve("pkg/vswitch.ovsschema"));
        } catch (IOException e) {
            throw new OvsDaemonException("prepare " + dir, "I/O error", e.getMessage(), e);
        }
        Path db = dir.resolve("db/conf.db");
        command("ovsdb-tool.out", "ovsdb-tool", "create", db.toString(), dir.resolve("pkg/vswitch.ovsschema").toString())
                .runOrThrow(TOOL_TIMEOUT);
        // Foreground children rather than --detach: the JVM then reaps them. Detached daemons are reparented to PID 1,
        // which on this machine does not reap, so every stopped instance would leave two zombies.
        ovsdbServer = daemon("ovsdb-server.out", OVSDB_SERVER.toString(), db.toString(), "--remote=punix:" + dbSocket,
                "--remote=db:Open_vSwitch,Open_vSwitch,manager_options",
                "--pidfile=" + runDir.resolve("ovsdb-server.pid"), "--unixctl=" + runDir.resolve("ovsdb-server.ctl"),
                "--log-file=" + dir.resolve("log/ovsdb-server.log"));
        client = connectWhenListening(options.startTimeout());
        // Written before vswitchd runs, so no cur_cfg wait (NOTES 4.1: that would block until vswitchd exists).
        client.configure(options.otherConfigFor(dpdkPrefix.orElseThrow()));
        List<String> argv = new ArrayList<>();
        // nsenter setns()es and then execs, so the Process is vswitchd itself (no extra parent to reap). Only the
        // network namespace changes: the UNIX sockets in the run directory stay reachable from here.
        options.netns().ifPresent(ns -> argv.addAll(List.of(NSENTER, "--net=" + ns, "--")));
        argv.addAll(List.of(VSWITCHD_DPDK.toString(), "unix:" + dbSocket,
                "--pidfile=" + runDir.resolve("ovs-vswitchd.pid"), "--unixctl=" + runDir.resolve("ovs-vswitchd.ctl"),
                "--log-file=" + dir.resolve("log/ovs-vswitchd.log")));
        vswitchdArgv = List.copyOf(argv);
        vswitchd = daemon("ovs-vswitchd.out", argv.toArray(String[]::new));
        awaitDpdkInitialized(options.startTimeout());
        LOG.info("OVS-DPDK instance {} ready in {} ms (ovsdb-server pid {}, vswitchd pid {})", dir,
                (System.nanoTime() - t0) / 1_000_000, ovsdbServer.pid(), vswitchd.pid());
    }

    private void awaitDpdkInitialized(Duration timeout) {
        boolean ready;
        try {
            ready = client.cache().await(c -> c.root().map(r -> r.bool("dpdk_initialized")).orElse(false), timeout,
                    () -> vswitchd.isAlive());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OvsDaemonException("wait for dpdk_initialized", "interrupted", "", e);
        }
        if (!ready) {
            throw new OvsDaemonException("wait for dpdk_initialized", "not initialized",
                    "vswitchd " + (vswitchd.isAlive() ? "still running after " + timeout : "exited with " + vswitchd.exitValue()
                            + " (with dpdk-init=true an EAL error aborts it)") + "; log tail: " + logTail("ovs-vswitchd.log"), null);
        }
    }

    private Command command(String outputFile, String... argv) {
        return new Command(List.of(argv), environment, directory.orElseThrow().resolve("log").resolve(outputFile));
    }

    private Process daemon(String outputFile, String... argv) {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.orElseThrow().resolve("log").resolve(outputFile).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new OvsDaemonException("start " + argv[0], "cannot run", e.getMessage(), e);
        }
    }

    private OvsdbClient connectWhenListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Files.exists(dbSocket)) {
                try {
                    return OvsdbClient.connect(dbSocket);
                } catch (OvsdbException.ConnectionLost notYet) {
                    // the socket file exists a moment before the server accepts on it
                }
            }
            if (!ovsdbServer.isAlive()) {
                throw new OvsDaemonException("start ovsdb-server", "exit code " + ovsdbServer.exitValue(),
                        "log tail: " + logTail("ovsdb-server.log"), null);
            }
            if (System.nanoTime() > deadline) {
                throw new OvsDaemonException("start ovsdb-server", "timeout", "no " + dbSocket + " after " + timeout, null);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OvsDaemonException("start ovsdb-server", "interrupted", "", e);
            }
        }
    }

    /** The last lines of a log of this instance (for error messages). */
    public String logTail(String logFile) {
        if (directory.isEmpty()) {
            return "(not a private instance)";
        }
        try {
            List<String> lines = Files.readAllLines(directory.get().resolve("log").resolve(logFile));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    /** True for an instance this object started (and will stop). */
    public boolean owned() {
        return directory.isPresent();
    }

    /** The per-run directory of a private instance. */
    public Optional<Path> directory() {
        return directory;
    }

    /** ovsdb-server's UNIX socket. */
    public Path dbSocket() {
        return dbSocket;
    }

    /** vswitchd's {@code OVS_RUNDIR}. */
    public Path runDir() {
        return runDir;
    }

    /** The OpenFlow management socket vswitchd always serves for {@code bridge} (NOTES 4.5). */
    public Path mgmtSocket(String bridge) {
        return runDir.resolve(bridge + ".mgmt");
    }

    /** The DPDK {@code --file-prefix} of a private instance. */
    public Optional<String> dpdkPrefix() {
        return dpdkPrefix;
    }

    /** The pid of ovs-vswitchd, for a private instance. */
    public OptionalLong vswitchdPid() {
        Process p = vswitchd;
        return p == null ? OptionalLong.empty() : OptionalLong.of(p.pid());
    }

    /** The pid of ovsdb-server, for a private instance. */
    public OptionalLong ovsdbServerPid() {
        Process p = ovsdbServer;
        return p == null ? OptionalLong.empty() : OptionalLong.of(p.pid());
    }

    /** The environment (OVS_RUNDIR, ...) that steers ovs-vsctl/ovs-ofctl/ovs-appctl to this instance. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The instance's own OVSDB client (monitoring Open_vSwitch, Bridge, Port and Interface). */
    public OvsdbClient ovsdb() {
        OvsdbClient c = client;
        if (c == null || closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
        return c;
    }

    /** Runs {@code ovs-appctl -t <vswitchd ctl> args...} and returns its output. */
    public String appctl(String... args) {
        List<String> argv = new ArrayList<>(List.of("ovs-appctl", "-t", runDir.resolve("ovs-vswitchd.ctl").toString()));
        argv.addAll(List.of(args));
        Path out = directory.map(d -> d.resolve("log/appctl.out")).orElseGet(() -> Path.of("/tmp/upovs-appctl.out"));
        return new Command(argv, environment, out).runOrThrow(TOOL_TIMEOUT);
    }

    /** How long the daemons took to go away on close (vswitchd, then ovsdb-server); for measurements. */
    public List<Duration> stopTimes() {
        return List.copyOf(stopTimes);
    }

    /**
     * Stops a private instance: closes the client, {@code exit --cleanup} for vswitchd, SIGTERM for ovsdb-server,
     * waits for both pids (SIGKILL after 15 s), removes {@code /var/run/dpdk/<prefix>} and
     * the directory. For a connected instance only the client is closed. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        OvsdbClient c = client;
        if (c != null) {
            c.close();
        }
        if (directory.isEmpty()) {
            return;
        }
        List<RuntimeException> failures = new ArrayList<>();
        try {
            stopVswitchd();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        Process server = ovsdbServer;
        if (server != null) {
            long t0 = System.nanoTime();
            server.destroy();
            if (!awaitExit(server, EXIT_TIMEOUT)) {
                server.destroyForcibly();
                awaitExit(server, Duration.ofSeconds(5));
            }
            stopTimes.add(Duration.ofNanos(System.nanoTime() - t0));
        }
        dpdkPrefix.ifPresent(prefix -> deleteTree(DPDK_RUNTIME_DIR.resolve(prefix), failures));
        deleteTree(directory.get(), failures);
        try {
            if (Thread.currentThread() != shutdownHook) {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or the JVM is exiting; nothing to remove
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /**
     * Stops vswitchd ({@code ovs-appctl exit}, SIGKILL after 15 s; no {@code --cleanup}: the database keeps bridges and
     * ports) and starts it again with the same database and command line; returns once the new process runs (it then
     * reads its configuration from ovsdb-server and re-creates bridges and ports). For tests of reconciliation.
     */
    public void restartVswitchd() {
        Process p = vswitchd;
        if (directory.isEmpty() || p == null || closed.get()) {
            throw new IllegalStateException("not a running private instance: " + this);
        }
        try {
            appctl("exit");
        } catch (OvsDaemonException e) {
            LOG.warn("ovs-appctl exit failed, killing vswitchd {}: {}", p.pid(), e.getMessage());
            p.destroyForcibly();
        }
        if (!awaitExit(p, EXIT_TIMEOUT)) {
            p.destroyForcibly();
            awaitExit(p, Duration.ofSeconds(5));
        }
        vswitchd = daemon("ovs-vswitchd.out", vswitchdArgv.toArray(String[]::new));
        LOG.info("restarted vswitchd of {} (pid {})", directory.get(), vswitchd.pid());
    }

    private void stopVswitchd() {
        Process p = vswitchd;
        if (p == null) {
            return;
        }
        long t0 = System.nanoTime();
        if (p.isAlive()) {
            try {
                // --cleanup also deletes the bridges' tap devices, even those moved into other namespaces (NOTES 4.6).
                appctl("exit", "--cleanup");
            } catch (OvsDaemonException e) {
                LOG.warn("ovs-appctl exit --cleanup failed, killing vswitchd {}: {}", p.pid(), e.getMessage());
            }
            if (!awaitExit(p, EXIT_TIMEOUT)) {
                p.destroyForcibly();
                if (!awaitExit(p, Duration.ofSeconds(5))) {
                    throw new OvsDaemonException("stop ovs-vswitchd " + p.pid(), "still running", "after exit --cleanup and SIGKILL", null);
                }
            }
        }
        stopTimes.add(Duration.ofNanos(System.nanoTime() - t0));
    }

    private static boolean awaitExit(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private static void deleteTree(Path root, List<RuntimeException> failures) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            failures.add(new OvsDaemonException("remove " + root, "I/O error", e.getMessage(), new UncheckedIOException(e)));
        }
    }

    @Override
    public String toString() {
        return "OvsInstance[" + (owned() ? directory.get() + ", vswitchd " + vswitchdPid() : "connected " + dbSocket)
                + (closed.get() ? ", closed" : "") + "]";
    }
}
