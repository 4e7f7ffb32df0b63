package dev.uniplane.provider.dpdk.internal.eal;

import dev.uniplane.provider.dpdk.internal.ffm.DpdkException;
import dev.uniplane.provider.dpdk.internal.ffm.EthStats;
import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import dev.uniplane.provider.dpdk.internal.ffm.LinkStatus;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * A started ethdev port with one rx and one tx queue (NOTES 3.3 sequence: configure with a zeroed {@code rte_eth_conf},
 * queue setup, start, promiscuous). Created through {@link Eal#openPort}; {@link #stop()} and {@link #close()} may be
 * called by the owner, and EAL does both on its own stop.
 */
public final class EthPort {
    /** Descriptors per rx and per tx queue. */
    public static final int DESCRIPTORS = 1024;
    private static final int ENOTSUP = 95;

    private final int id;
    private final String name;
    private final PacketPool pool;
    private State state = State.STARTED;

    /** Lifecycle of a port. */
    public enum State {
        /** Forwarding possible. */
        STARTED,
        /** {@code rte_eth_dev_stop} done. */
        STOPPED,
        /** {@code rte_eth_dev_close} done, or unplugged: the id may be reused. */
        CLOSED
    }

    private EthPort(int id, String name, PacketPool pool) {
        this.id = id;
        this.name = name;
        this.pool = pool;
    }

    static EthPort open(int id, String name, PacketPool pool, int socket) {
        short port = (short) id;
        String what = "(port " + id + " " + name + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment conf = arena.allocate(Layouts.ETH_CONF_SIZE, 8); // zeroed = driver defaults
            DpdkException.check("rte_eth_dev_configure" + what, RteEthDev.configure(port, (short) 1, (short) 1, conf));
        }
        try {
            DpdkException.check("rte_eth_rx_queue_setup" + what,
                    RteEthDev.rxQueueSetup(port, (short) 0, (short) DESCRIPTORS, socket, MemorySegment.NULL, pool.address()));
            DpdkException.check("rte_eth_tx_queue_setup" + what,
                    RteEthDev.txQueueSetup(port, (short) 0, (short) DESCRIPTORS, socket, MemorySegment.NULL));
            DpdkException.check("rte_eth_dev_start" + what, RteEthDev.start(port));
            int rc = RteEthDev.promiscuousEnable(port);
            if (rc < 0 && rc != -ENOTSUP) { // ENOTSUP is fine: e.g. net_null has no MAC filter to open
                throw DpdkException.of("rte_eth_promiscuous_enable" + what, -rc);
            }
        } catch (DpdkException e) {
            // Stopped again (a no-op unless start succeeded): no queue keeps pulling mbufs, the port can be opened again.
            RteEthDev.stop(port);
            throw e;
        }
        return new EthPort(id, name, pool);
    }

    /** The port id. */
    public int id() {
        return id;
    }

    /** The ethdev name, e.g. {@code net_null0}. */
    public String name() {
        return name;
    }

    /** The pool its rx queue allocates from. */
    public PacketPool pool() {
        return pool;
    }

    /** The current state. */
    public synchronized State state() {
        return state;
    }

    /** {@code rte_eth_stats_get}. */
    public EthStats stats() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stats = arena.allocate(Layouts.ETH_STATS_SIZE, 8);
            DpdkException.check("rte_eth_stats_get(port " + id + ")", RteEthDev.statsGet((short) id, stats));
            return EthStats.read(stats);
        }
    }

    /** {@code rte_eth_link_get_nowait}. */
    public LinkStatus link() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment link = arena.allocate(Layouts.ETH_LINK_SIZE, 8);
            DpdkException.check("rte_eth_link_get_nowait(port " + id + ")", RteEthDev.linkGetNowait((short) id, link));
            return LinkStatus.read(link);
        }
    }

    /**
     * Polls the link every 10 ms until it is up or {@code timeout} passes (memif connects asynchronously, NOTES 3.6).
     *
     * @return whether the link came up
     */
    public boolean awaitLinkUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!link().up()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** {@code rte_eth_dev_stop}; a no-op unless started. */
    public synchronized void stop() {
        if (state == State.STARTED) {
            state = State.STOPPED;
            DpdkException.check("rte_eth_dev_stop(port " + id + ")", RteEthDev.stop((short) id));
        }
    }

    /** Stops, then {@code rte_eth_dev_close}; a no-op when closed. */
    public synchronized void close() {
        if (state != State.CLOSED) {
            stop();
            state = State.CLOSED;
            DpdkException.check("rte_eth_dev_close(port " + id + ")", RteEthDev.close((short) id));
        }
    }

    /** Stops and returns the device to unplug; the driver's remove closes the port. */
    synchronized MemorySegment stopForRemoval() {
        if (state == State.CLOSED) {
            throw new IllegalStateException(this + " is closed; unplug it before closing");
        }
        stop();
        MemorySegment device = RteEthDev.device((short) id);
        state = State.CLOSED;
        return device;
    }

    @Override
    public String toString() {
        return "EthPort[" + id + " " + name + "]";
    }
}
