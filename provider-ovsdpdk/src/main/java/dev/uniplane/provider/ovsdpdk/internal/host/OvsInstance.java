package dev.uniplane.provider.ovsdpdk.internal.host;

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
 * An Open vSwitch instance: a private ovsdb-server + ovs-vswitchd-dpdk pair in its own run/db/log directories, or an
 * existing instance reached through its socket paths ({@link #connect}), which {@link #close()} leaves running.
 *
 * <p>A private instance is either persistent ({@link #ensureRunning}: a well-known directory such as
 * {@code /run/uniplane/ovs/<key>}, found again by a later JVM through its pidfiles and socket; {@link #close()} only
 * disconnects, {@link #stop()} ends it) or ephemeral ({@link #start}: {@code /tmp/upovs<random>}, stopped on close or
 * with the JVM). Either way the daemons run in a session of their own ({@code setsid}): a JVM that dies, even by
 * SIGKILL, takes nothing with it. The DPDK {@code --file-prefix} is derived from the directory, so
 * {@code /var/run/dpdk/<prefix>} is unique and removed on stop. DPDK runs with 4 KiB pages
 * ({@code --no-huge -m 256 --legacy-mem}, NOTES 4.2), the PMD on CPU 1 and {@code pmd-maxsleep=10000} so that an idle
 * instance costs ~2 % of a core on the shared machine. Stopping uses {@code ovs-appctl exit --cleanup} (which also
 * removes the bridges' tap devices), then waits for the pids to go. When ovsdb-server goes away, the client reconnects
 * with backoff and {@link #onReconnected} listeners re-ensure their rows.
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
    /** util-linux setsid: the daemons get a session of their own, so they outlive the JVM that started them. */
    public static final String SETSID = "/usr/bin/setsid";
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
    /** A persistent instance survives {@link #close()} (its daemons run in their own session); {@link #stop()} ends it. */
    private final boolean persistent;
    private final Path runDir;
    private final Path dbSocket;
    private final Optional<String> dpdkPrefix;
    private final Optional<Options> options;
    private final Map<String, String> environment;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;
    private final List<Duration> stopTimes = new ArrayList<>();
    private final List<Runnable> reconnectListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Daemon ovsdbServer;
    private volatile Daemon vswitchd;
    private volatile OvsdbClient client;

    private OvsInstance(Optional<Path> directory, boolean persistent, Path runDir, Path dbSocket, Optional<String> dpdkPrefix,
                        Optional<Options> options) {
        this.directory = directory;
        this.persistent = persistent;
        this.runDir = runDir;
        this.dbSocket = dbSocket;
        this.dpdkPrefix = dpdkPrefix;
        this.options = options;
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

    private static OvsInstance privateIn(Path dir, boolean persistent, Options options) {
        return new OvsInstance(Optional.of(dir), persistent, dir.resolve("run"), dir.resolve("run/db.sock"),
                Optional.of(persistent ? "upovs-" + dir.getFileName() : dir.getFileName().toString()), Optional.of(options));
    }

    /** Starts a private instance with {@link Options#defaults()}. */
    public static OvsInstance start() {
        return start(Options.defaults());
    }

    /**
     * Starts a private ovsdb-server and ovs-vswitchd-dpdk in a fresh {@code /tmp/upovs<random>} and returns once
     * {@code dpdk_initialized=true}. The instance stops on {@link #close()} or, at the latest, with the JVM. On any
     * failure everything started so far is stopped and removed, and the exception carries the log tail.
     */
    public static OvsInstance start(Options options) {
        Path dir;
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "upovs");
        } catch (IOException e) {
            throw new OvsDaemonException("create instance directory", "I/O error", e.getMessage(), e);
        }
        OvsInstance instance = privateIn(dir, false, options);
        Runtime.getRuntime().addShutdownHook(instance.shutdownHook);
        try {
            instance.prepareDirectory();
            instance.ensureDaemons(options);
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
     * The persistent private instance in {@code dir} (for example {@code /run/uniplane/ovs/<key>}): connects to it when
     * its daemons run (pidfile + socket answer), restarts a missing daemon on the database it left, or starts a new
     * instance. The daemons run in their own session, so they outlive this JVM; {@link #close()} only disconnects and
     * {@link #stop()} ends them. Serialized across processes by a lock file in {@code dir}.
     */
    public static OvsInstance ensureRunning(Path dir, Options options) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new OvsDaemonException("create " + dir, "I/O error", e.getMessage(), e);
        }
        OvsInstance instance = privateIn(dir, true, options);
        try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(dir.resolve("instance.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock held = lock.lock()) {
            instance.prepareDirectory();
            instance.ensureDaemons(options);
            return instance;
        } catch (IOException e) {
            instance.closeClient();
            throw new OvsDaemonException("lock " + dir, "I/O error", e.getMessage(), e);
        } catch (RuntimeException e) {
            instance.closeClient();
            throw e;
        }
    }

    /**
     * Uses an instance someone else runs: {@code dbSocket} is ovsdb-server's UNIX socket and {@code runDir} the
     * vswitchd's {@code OVS_RUNDIR} (where {@code <bridge>.mgmt} lives). {@link #close()} only closes the client.
     */
    public static OvsInstance connect(Path dbSocket, Path runDir) {
        OvsInstance instance = new OvsInstance(Optional.empty(), false, runDir, dbSocket, Optional.empty(), Optional.empty());
        instance.setClient(OvsdbClient.connect(dbSocket));
        return instance;
    }

    private void prepareDirectory() {
        Path dir = directory.orElseThrow();
        try {
            for (String sub : List.of("run", "db", "log", "pkg", "etc")) {
                Files.createDirectories(dir.resolve(sub));
            }
            if (!Files.exists(dir.resolve("pkg/vswitch.ovsschema"))) {
                Files.copy(SCHEMA, dir.resolve("pkg/vswitch.ovsschema"));
            }
        } catch (IOException e) {
            throw new OvsDaemonException("prepare " + dir, "I/O error", e.getMessage(), e);
        }
    }

    private Path database() {
        return directory.orElseThrow().resolve("db/conf.db");
    }

    /** Starts whichever daemon is not running (ovsdb-server on the existing database if there is one), then waits for DPDK. */
    private void ensureDaemons(Options options) {
        Path dir = directory.orElseThrow();
        long t0 = System.nanoTime();
        ovsdbServer = Daemon.fromPidfile("ovsdb-server", runDir.resolve("ovsdb-server.pid"), dir.toString()).orElse(null);
        boolean adopted = ovsdbServer != null;
        if (ovsdbServer == null) {
            startOvsdbServer();
        }
        setClient(connectWhenListening(options.startTimeout()));
        Map<String, String> wanted = options.otherConfigFor(dpdkPrefix.orElseThrow());
        boolean configured = client.cache().root().map(r -> r.stringMap("other_config").entrySet().containsAll(wanted.entrySet()))
                .orElse(false);
        if (!configured) {
            // Written before vswitchd runs, so no cur_cfg wait (NOTES 4.1: that would block until vswitchd exists).
            client.configure(wanted);
        }
        vswitchd = Daemon.fromPidfile("ovs-vswitchd", runDir.resolve("ovs-vswitchd.pid"), dir.toString()).orElse(null);
        adopted &= vswitchd != null;
        if (vswitchd == null) {
            startVswitchd(options);
        }
        awaitDpdkInitialized(options.startTimeout());
        LOG.info("OVS-DPDK instance {} {} in {} ms (ovsdb-server pid {}, vswitchd pid {})", dir, adopted ? "found running" : "ready",
                (System.nanoTime() - t0) / 1_000_000, ovsdbServer.pid(), vswitchd.pid());
    }

    private void startOvsdbServer() {
        Path dir = directory.orElseThrow();
        Path db = database();
        if (!Files.exists(db)) {
            command("ovsdb-tool.out", "ovsdb-tool", "create", db.toString(), dir.resolve("pkg/vswitch.ovsschema").toString())
                    .runOrThrow(TOOL_TIMEOUT);
        }
        try {
            Files.deleteIfExists(dbSocket);
        } catch (IOException e) {
            throw new OvsDaemonException("remove stale " + dbSocket, "I/O error", e.getMessage(), e);
        }
        ovsdbServer = daemon("ovsdb-server", "ovsdb-server.out", OVSDB_SERVER.toString(), db.toString(), "--remote=punix:" + dbSocket,
                "--remote=db:Open_vSwitch,Open_vSwitch,manager_options",
                "--pidfile=" + runDir.resolve("ovsdb-server.pid"), "--unixctl=" + runDir.resolve("ovsdb-server.ctl"),
                "--log-file=" + dir.resolve("log/ovsdb-server.log"));
    }

    private void startVswitchd(Options options) {
        Path dir = directory.orElseThrow();
        List<String> argv = new ArrayList<>();
        // nsenter setns()es and then execs, so the process is vswitchd itself. Only the network namespace changes: the
        // UNIX sockets in the run directory stay reachable from here.
        options.netns().ifPresent(ns -> argv.addAll(List.of(NSENTER, "--net=" + ns, "--")));
        argv.addAll(List.of(VSWITCHD_DPDK.toString(), "unix:" + dbSocket,
                "--pidfile=" + runDir.resolve("ovs-vswitchd.pid"), "--unixctl=" + runDir.resolve("ovs-vswitchd.ctl"),
                "--log-file=" + dir.resolve("log/ovs-vswitchd.log")));
        vswitchd = daemon("ovs-vswitchd", "ovs-vswitchd.out", argv.toArray(String[]::new));
    }

    private void awaitDpdkInitialized(Duration timeout) {
        boolean ready;
        Daemon v = vswitchd;
        try {
            ready = client.cache().await(c -> c.root().map(r -> r.bool("dpdk_initialized")).orElse(false), timeout, v::isAlive);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OvsDaemonException("wait for dpdk_initialized", "interrupted", "", e);
        }
        if (!ready) {
            throw new OvsDaemonException("wait for dpdk_initialized", "not initialized",
                    "vswitchd " + (v.isAlive() ? "still running after " + timeout : "exited"
                            + v.process().map(p -> " with " + p.exitValue()).orElse("")
                            + " (with dpdk-init=true an EAL error aborts it)") + "; log tail: " + logTail("ovs-vswitchd.log"), null);
        }
    }

    private Command command(String outputFile, String... argv) {
        return new Command(List.of(argv), environment, directory.orElseThrow().resolve("log").resolve(outputFile));
    }

    /**
     * Starts a daemon in its own session ({@code setsid}, which execs when the caller is not a group leader, as a JVM child
     * is not), so that it outlives this JVM and no signal to the JVM's group or terminal reaches it. Still our child while
     * we run: the JVM reaps it if it exits before we do.
     */
    private Daemon daemon(String name, String outputFile, String... argv) {
        List<String> command = new ArrayList<>();
        command.add(SETSID);
        command.addAll(List.of(argv));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.orElseThrow().resolve("log").resolve(outputFile).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        try {
            return Daemon.started(name, builder.start());
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
            Daemon server = ovsdbServer;
            if (server != null && !server.isAlive()) {
                throw new OvsDaemonException("start ovsdb-server", "exited" + server.process().map(p -> " with " + p.exitValue()).orElse(""),
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

    // --- the OVSDB connection: reconnect after an ovsdb-server restart -------------------------------------------------

    private void setClient(OvsdbClient c) {
        client = c;
        c.onLost(this::onOvsdbLost);
    }

    /** Runs on the client's reader thread: reconnects from a thread of its own. */
    private void onOvsdbLost() {
        if (closed.get()) {
            return;
        }
        LOG.warn("OVSDB connection to {} lost; reconnecting", dbSocket);
        Thread.ofPlatform().daemon().name("upovs-reconnect").start(this::reconnect);
    }

    /**
     * Reconnects with backoff (20 ms doubling to 1 s) until it works or the instance is closed. A private instance whose
     * database came back empty gets its root row and {@code other_config} again; then the listeners re-ensure their rows.
     */
    private void reconnect() {
        long t0 = System.nanoTime();
        long backoffMs = 20;
        while (!closed.get()) {
            try {
                OvsdbClient c = OvsdbClient.connect(dbSocket);
                if (closed.get()) {
                    c.close();
                    return;
                }
                if (options.isPresent() && c.cache().root().isEmpty()) {
                    LOG.warn("the database of {} came back empty; writing its configuration again", dbSocket);
                    c.configure(options.get().otherConfigFor(dpdkPrefix.orElseThrow()));
                }
                setClient(c);
                LOG.info("OVSDB {} reconnected after {} ms", dbSocket, (System.nanoTime() - t0) / 1_000_000);
                for (Runnable listener : reconnectListeners) {
                    try {
                        listener.run();
                    } catch (RuntimeException e) {
                        LOG.warn("re-ensuring state on {} after the reconnect failed", dbSocket, e);
                    }
                }
                return;
            } catch (RuntimeException e) {
                LOG.debug("reconnect to {}: {}", dbSocket, e.getMessage());
            }
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                return;
            }
            backoffMs = Math.min(1000, backoffMs * 2);
        }
    }

    /** Runs {@code listener} (on a background thread) after each reconnect to a restarted ovsdb-server. */
    public void onReconnected(Runnable listener) {
        reconnectListeners.add(listener);
    }

    /** Stops calling {@code listener}. */
    public void removeReconnectListener(Runnable listener) {
        reconnectListeners.remove(listener);
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

    /** True for a private instance (started here or found in its directory), which {@link #stop()} can end. */
    public boolean owned() {
        return directory.isPresent();
    }

    /** True for a private instance that outlives {@link #close()} ({@link #ensureRunning}). */
    public boolean persistent() {
        return persistent;
    }

    /** The directory of a private instance. */
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
        Daemon d = vswitchd;
        return d == null ? OptionalLong.empty() : OptionalLong.of(d.pid());
    }

    /** The pid of ovsdb-server, for a private instance. */
    public OptionalLong ovsdbServerPid() {
        Daemon d = ovsdbServer;
        return d == null ? OptionalLong.empty() : OptionalLong.of(d.pid());
    }

    /** The environment (OVS_RUNDIR, ...) that steers ovs-vsctl/ovs-ofctl/ovs-appctl to this instance. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The instance's current OVSDB client (monitoring Open_vSwitch, Bridge, Port and Interface); replaced on reconnect. */
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
        Path out = directory.map(d -> d.resolve("log/appctl-" + Thread.currentThread().threadId() + ".out"))
                .orElseGet(() -> Path.of("/tmp/upovs-appctl-" + ProcessHandle.current().pid() + ".out"));
        return new Command(argv, environment, out).runOrThrow(TOOL_TIMEOUT);
    }

    /** How long the daemons took to go away on stop (vswitchd, then ovsdb-server); for measurements. */
    public List<Duration> stopTimes() {
        return List.copyOf(stopTimes);
    }

    /**
     * Gives up this handle. A persistent instance keeps running (only the client is closed); an instance from
     * {@link #start} stops as with {@link #stop()}; for a connected instance only the client is closed. Idempotent.
     */
    @Override
    public void close() {
        if (persistent || directory.isEmpty()) {
            closeClient();
            return;
        }
        stop();
    }

    private void closeClient() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        OvsdbClient c = client;
        if (c != null) {
            c.close();
        }
    }

    /**
     * Stops a private instance: closes the client, {@code exit --cleanup} for vswitchd, SIGTERM for ovsdb-server,
     * waits for both pids (SIGKILL after 15 s), removes {@code /var/run/dpdk/<prefix>} and the directory. Idempotent.
     */
    public void stop() {
        if (directory.isEmpty()) {
            throw new IllegalStateException("not a private instance: " + this);
        }
        boolean first = !closed.get();
        closeClient();
        if (!first && !Files.exists(directory.get())) {
            return;
        }
        List<RuntimeException> failures = new ArrayList<>();
        try {
            stopVswitchd();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        Daemon server = ovsdbServer;
        if (server != null) {
            long t0 = System.nanoTime();
            if (!server.stop(EXIT_TIMEOUT, false)) {
                failures.add(new OvsDaemonException("stop ovsdb-server " + server.pid(), "still running", "after SIGTERM and SIGKILL", null));
            }
            stopTimes.add(Duration.ofNanos(System.nanoTime() - t0));
        }
        dpdkPrefix.ifPresent(prefix -> deleteTree(DPDK_RUNTIME_DIR.resolve(prefix), failures));
        deleteTree(directory.get(), failures);
        if (!persistent) {
            try {
                if (Thread.currentThread() != shutdownHook) {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                }
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or the JVM is exiting; nothing to remove
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first1 = failures.getFirst();
            failures.subList(1, failures.size()).forEach(first1::addSuppressed);
            throw first1;
        }
    }

    /**
     * Stops vswitchd ({@code ovs-appctl exit}, SIGKILL after 15 s; no {@code --cleanup}: the database keeps bridges and
     * ports) and starts it again with the same database and command line; returns once the new process runs (it then
     * reads its configuration from ovsdb-server and re-creates bridges and ports). For tests of reconciliation.
     */
    public void restartVswitchd() {
        Daemon v = vswitchd;
        if (directory.isEmpty() || v == null || closed.get()) {
            throw new IllegalStateException("not a running private instance: " + this);
        }
        try {
            appctl("exit");
        } catch (OvsDaemonException e) {
            LOG.warn("ovs-appctl exit failed, killing vswitchd {}: {}", v.pid(), e.getMessage());
            v.signal(true);
        }
        if (!v.awaitExit(EXIT_TIMEOUT)) {
            v.stop(Duration.ZERO, true);
        }
        startVswitchd(options.orElseThrow());
        LOG.info("restarted vswitchd of {} (pid {})", directory.get(), vswitchd.pid());
    }

    /**
     * Kills ovsdb-server (SIGKILL, as a crash would) and starts it again, on the same database or, unless
     * {@code keepDatabase}, on a new empty one; returns once it accepts connections. Clients notice the loss and
     * reconnect by themselves. For tests of the OVSDB reconnect.
     */
    public void restartOvsdbServer(boolean keepDatabase) {
        Daemon server = ovsdbServer;
        if (directory.isEmpty() || server == null || closed.get()) {
            throw new IllegalStateException("not a running private instance: " + this);
        }
        server.stop(Duration.ZERO, true);
        if (!keepDatabase) {
            try {
                Files.deleteIfExists(database());
            } catch (IOException e) {
                throw new OvsDaemonException("delete " + database(), "I/O error", e.getMessage(), e);
            }
        }
        startOvsdbServer();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(dbSocket) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.info("restarted ovsdb-server of {} (pid {}, {} database)", directory.get(), ovsdbServer.pid(), keepDatabase ? "same" : "new");
    }

    private void stopVswitchd() {
        Daemon v = vswitchd;
        if (v == null) {
            return;
        }
        long t0 = System.nanoTime();
        if (v.isAlive()) {
            try {
                // --cleanup also deletes the bridges' tap devices, even those moved into other namespaces (NOTES 4.6).
                appctl("exit", "--cleanup");
            } catch (OvsDaemonException e) {
                LOG.warn("ovs-appctl exit --cleanup failed, killing vswitchd {}: {}", v.pid(), e.getMessage());
            }
            if (!v.awaitExit(EXIT_TIMEOUT) && !v.stop(Duration.ZERO, true)) {
                throw new OvsDaemonException("stop ovs-vswitchd " + v.pid(), "still running", "after exit --cleanup and SIGKILL", null);
            }
        }
        stopTimes.add(Duration.ofNanos(System.nanoTime() - t0));
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
