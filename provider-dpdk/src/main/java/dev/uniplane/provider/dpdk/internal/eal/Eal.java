package dev.uniplane.provider.dpdk.internal.eal;

import dev.uniplane.provider.dpdk.internal.ffm.DpdkException;
import dev.uniplane.provider.dpdk.internal.ffm.RteEal;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import dev.uniplane.provider.dpdk.internal.ffm.ShimLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DPDK Environment Abstraction Layer of this JVM: a process-wide singleton, because {@code rte_eal_init} works once
 * per process and a second call (even after {@code rte_eal_cleanup}) fails with EALREADY (NOTES 3.5).
 * <ul>
 *   <li>{@link #start(EalConfig)} initialises EAL on a dedicated platform thread, which stays lcore 0 for the fast path
 *       ({@link #launch}); a second start with an equal config returns the running instance, any other config (or any
 *       start after {@link #stop()}) throws {@link IllegalStateException} naming the first.</li>
 *   <li>Packet pools, ports and hot-plugged vdevs are created here and released by {@link #stop()}, which stops the
 *       running job first, then stops and closes the ports, frees the pools, calls {@code rte_eal_cleanup} on the lcore
 *       thread and removes the runtime directory {@code /var/run/dpdk/<prefix>}.</li>
 *   <li>A shutdown hook calls {@link #stop()} as a backup; like {@link #stop()} it never cleans up while a job runs.</li>
 * </ul>
 */
public final class Eal {
    /** How long {@link #stop()} waits for the lcore job and for cleanup. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(Eal.class);
    private static Eal instance;
    private static RuntimeException initFailure;

    private final EalConfig config;
    private final EalArguments arguments;
    private final LcoreThread lcore;
    private final Duration initTime;
    private final int socket;
    private final List<EthPort> ports = new CopyOnWriteArrayList<>();
    private final List<PacketPool> pools = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook;
    private LcoreJob job;
    private CompletableFuture<Void> jobDone;
    private boolean stopped;

    private Eal(EalConfig config, EalArguments arguments, LcoreThread lcore, Duration initTime, int socket) {
        this.config = config;
        this.arguments = arguments;
        this.lcore = lcore;
        this.initTime = initTime;
        this.socket = socket;
        this.shutdownHook = Thread.ofPlatform().name("uniplane-dpdk-shutdown").unstarted(this::stopFromHook);
    }

    /**
     * Starts EAL once per JVM, or returns the running instance when {@code config} equals its config.
     *
     * @throws IllegalStateException when EAL runs with another config, was stopped, or failed to start in this JVM
     * @throws DpdkException         when {@code rte_eal_init} fails (this JVM cannot start EAL again)
     */
    public static synchronized Eal start(EalConfig config) {
        if (instance != null) {
            if (instance.stopped) {
                throw new IllegalStateException("EAL was already started and stopped in this JVM (" + instance.describe()
                        + "); rte_eal_init works once per process");
            }
            if (!instance.config.equals(config)) {
                throw new IllegalStateException("EAL already runs in this JVM with " + instance.describe()
                        + "; it cannot start again with " + config + " (rte_eal_init works once per process)");
            }
            return instance;
        }
        if (initFailure != null) {
            throw new IllegalStateException("EAL failed to start earlier in this JVM and cannot be retried: " + initFailure.getMessage(), initFailure);
        }
        try {
            instance = initialise(config);
            return instance;
        } catch (RuntimeException e) {
            initFailure = e;
            throw e;
        }
    }

    /** The EAL of this JVM when it runs. */
    public static synchronized Optional<Eal> running() {
        return instance == null || instance.stopped ? Optional.empty() : Optional.of(instance);
    }

    private static Eal initialise(EalConfig config) {
        int cpus = Runtime.getRuntime().availableProcessors();
        if (config.lcoreCpu() >= cpus) {
            throw new IllegalArgumentException("lcoreCpu " + config.lcoreCpu() + " does not exist: this JVM sees " + cpus + " CPUs");
        }
        ShimLibrary.load(); // fails with a clear message before a thread is started
        EalArguments arguments = EalArguments.of(config);
        LcoreThread lcore = new LcoreThread(arguments.argv());
        long started = System.nanoTime();
        try {
            lcore.start().get();
        } catch (ExecutionException e) {
            removeRuntimeDirectory(arguments.filePrefix());
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException("rte_eal_init failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rte_eal_init runs; EAL is in an unknown state", e);
        }
        Duration initTime = Duration.ofNanos(System.nanoTime() - started);
        int socket = join(lcore.submit(RteEal::socketId), "rte_socket_id");
        Eal eal = new Eal(config, arguments, lcore, initTime, socket);
        Runtime.getRuntime().addShutdownHook(eal.shutdownHook);
        LOG.info("EAL started in {} ms: {}", initTime.toMillis(), String.join(" ", arguments.argv()));
        return eal;
    }

    /** The config EAL was started with. */
    public EalConfig config() {
        return config;
    }

    /** The exact {@code rte_eal_init} arguments, with the file prefix and the resolved memory mode. */
    public EalArguments arguments() {
        return arguments;
    }

    /** How long {@code rte_eal_init} took (it loads all PMD plugins: 0.2 to 0.8 s here). */
    public Duration initTime() {
        return initTime;
    }

    /** The NUMA socket of the lcore thread, used for pools and queues. */
    public int socket() {
        return socket;
    }

    /** {@code /var/run/dpdk/<prefix>} for root: EAL creates it even in memory and never removes it. */
    public Path runtimeDirectory() {
        return runtimeDirectory(arguments.filePrefix());
    }

    /** Whether {@link #stop()} has run. */
    public synchronized boolean stopped() {
        return stopped;
    }

    /** Creates a packet pool of {@code size} mbufs ({@code 2^n - 1} is optimal) on the lcore's socket. */
    public PacketPool createPool(String name, int size) {
        ensureRunning();
        PacketPool pool = PacketPool.create(name, size, socket);
        pools.add(pool);
        return pool;
    }

    /** Configures and starts port {@code portId} with one rx queue (filled from {@code pool}) and one tx queue. */
    public EthPort openPort(int portId, PacketPool pool) {
        ensureRunning();
        String name = portName(portId);
        EthPort port = EthPort.open(portId, name, pool, socket);
        ports.add(port);
        return port;
    }

    /**
     * Hot-plugs a virtual device with {@code rte_dev_probe}, e.g. {@code net_af_packet0,iface=veth0}. The driver's probe
     * runs on the calling thread: for af_packet the interface must be in that thread's network namespace, and so must
     * the thread that calls {@link #openPort} and {@link #unplug} for it (start/stop use ioctls by interface name).
     *
     * @return the new port's id, looked up by the device name (the devargs up to the first comma)
     */
    public int hotplug(String devargs) {
        ensureRunning();
        DpdkException.check("rte_dev_probe(" + devargs + ")", RteEal.devProbe(devargs));
        String name = devargs.split(",", 2)[0];
        return DpdkException.check("rte_eth_dev_get_port_by_name(" + name + ")", RteEthDev.portByName(name));
    }

    /**
     * Stops {@code port} and unplugs its device with {@code rte_dev_remove} (the driver closes the port).
     *
     * @throws IllegalStateException while a job runs on the lcore: a port must not vanish under a polling loop; a job
     *                               with a quiescent-state handshake retires the port first and calls
     *                               {@link #unplugRetired}
     */
    public void unplug(EthPort port) {
        ensureRunning();
        synchronized (this) {
            if (job != null && !jobDone.isDone()) {
                throw new IllegalStateException("cannot unplug " + port + " while " + job.name() + " runs; stop it first");
            }
        }
        unplugRetired(port);
    }

    /**
     * Like {@link #unplug}, while a job runs that no longer polls {@code port}: its owner published a table without the
     * port and waited for the job's quiescent point (see {@code fastpath.Router#publish}).
     */
    public void unplugRetired(EthPort port) {
        ensureRunning();
        MemorySegment device = port.stopForRemoval();
        ports.remove(port);
        DpdkException.check("rte_dev_remove(" + port.name() + ")", RteEal.devRemove(device));
    }

    /**
     * Runs {@code job} on the lcore thread.
     *
     * @return completes when {@link LcoreJob#run()} returns (exceptionally when it throws)
     * @throws IllegalStateException when another job runs
     */
    public synchronized CompletableFuture<Void> launch(LcoreJob job) {
        ensureRunning();
        if (this.job != null && !jobDone.isDone()) {
            throw new IllegalStateException("the EAL lcore already runs " + this.job.name() + "; stop it before launching " + job.name());
        }
        this.job = job;
        this.jobDone = lcore.submit(() -> {
            job.run();
            return null;
        });
        return jobDone;
    }

    /** Runs a short task on the lcore thread (after the running job, if any, ends). */
    public <T> CompletableFuture<T> onLcore(Callable<T> task) {
        ensureRunning();
        return lcore.submit(task);
    }

    /**
     * Stops the running job, stops and closes the ports, frees the pools, calls {@code rte_eal_cleanup} and removes the
     * runtime directory. Idempotent. EAL cannot start again in this JVM afterwards.
     *
     * @throws IllegalStateException when the job does not end within {@link #STOP_TIMEOUT} (nothing is cleaned up then)
     */
    public void stop() {
        if (lcore.isCurrentThread()) {
            throw new IllegalStateException("Eal.stop() must not run on the lcore thread (it waits for that thread)");
        }
        synchronized (Eal.class) {
            synchronized (this) {
                if (stopped) {
                    return;
                }
                stopJob();
                stopped = true;
            }
        }
        List<Throwable> problems = new ArrayList<>();
        CompletableFuture<Integer> cleanup = lcore.submit(() -> {
            for (EthPort port : ports) {
                try {
                    port.close();
                } catch (RuntimeException e) {
                    problems.add(e);
                }
            }
            ports.clear();
            pools.forEach(PacketPool::free);
            pools.clear();
            return RteEal.cleanup();
        });
        lcore.exit();
        int rc = join(cleanup, "rte_eal_cleanup");
        try {
            lcore.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        removeRuntimeDirectory(arguments.filePrefix());
        if (!lcore.isCurrentThread() && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting already: the hook finds EAL stopped
            }
        }
        LOG.info("EAL stopped (rte_eal_cleanup returned {}), removed {}", rc, runtimeDirectory());
        if (rc < 0 || !problems.isEmpty()) {
            IllegalStateException e = new IllegalStateException("EAL stopped with errors (rte_eal_cleanup returned " + rc + ")");
            problems.forEach(e::addSuppressed);
            throw e;
        }
    }

    private void stopJob() {
        if (job == null || jobDone.isDone()) {
            return;
        }
        job.requestStop();
        try {
            jobDone.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(job.name() + " did not stop within " + STOP_TIMEOUT + "; EAL is left running", e);
        } catch (ExecutionException e) {
            LOG.warn("{} ended with an error", job.name(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + job.name() + "; EAL is left running", e);
        }
    }

    private void stopFromHook() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.error("EAL shutdown hook: {}", e.getMessage(), e);
        }
    }

    private void ensureRunning() {
        if (stopped()) {
            throw new IllegalStateException("EAL is stopped (" + describe() + ")");
        }
    }

    private String describe() {
        return config + " (file prefix " + arguments.filePrefix() + ", " + arguments.memory() + ")";
    }

    private static String portName(int portId) {
        String name = RteEthDev.nameByPort((short) portId);
        if (name == null) {
            throw new IllegalArgumentException("no DPDK port " + portId);
        }
        return name;
    }

    private static <T> T join(CompletableFuture<T> future, String what) {
        try {
            return future.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(what + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not finish within " + STOP_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
    }

    static Path runtimeDirectory(String filePrefix) {
        boolean root = "root".equals(System.getProperty("user.name"));
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        Path base = root ? Path.of("/var/run/dpdk") : xdg != null ? Path.of(xdg, "dpdk") : Path.of("/tmp/dpdk");
        return base.resolve(filePrefix);
    }

    /**
     * Removes the runtime directory EAL made for {@code filePrefix} under {@code /var/run/dpdk} (EAL leaves it behind
     * after a kill, and testpmd after any exit); nothing when it does not exist.
     *
     * @throws UncheckedIOException when a file in it cannot be removed
     */
    public static void removeRuntimeDirectory(String filePrefix) {
        deleteTree(runtimeDirectory(filePrefix));
    }

    /** Deletes {@code dir} and everything in it; nothing when it does not exist. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the EAL runtime directory " + dir, e);
        }
    }
}
