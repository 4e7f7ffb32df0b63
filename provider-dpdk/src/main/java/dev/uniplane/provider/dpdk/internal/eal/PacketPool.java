package dev.uniplane.provider.dpdk.internal.eal;

import dev.uniplane.provider.dpdk.internal.ffm.DpdkException;
import dev.uniplane.provider.dpdk.internal.ffm.RteMbuf;
import java.lang.foreign.MemorySegment;

/**
 * A packet-mbuf pool ({@code rte_pktmbuf_pool_create}): data room {@link #DATA_ROOM} bytes (2048 + headroom), a
 * per-lcore cache of {@link #CACHE} mbufs. Created through {@link Eal#createPool}; EAL frees it on stop.
 */
public final class PacketPool {
    /** {@code RTE_MBUF_DEFAULT_BUF_SIZE}. */
    public static final int DATA_ROOM = 2176;
    /** Per-lcore cache size. */
    public static final int CACHE = 256;

    private final String name;
    private final int size;
    private final MemorySegment pool;
    private volatile boolean freed;

    private PacketPool(String name, int size, MemorySegment pool) {
        this.name = name;
        this.size = size;
        this.pool = pool;
    }

    static PacketPool create(String name, int size, int socket) {
        MemorySegment pool = DpdkException.checkPointer("rte_pktmbuf_pool_create(" + name + ", " + size + ")",
                RteMbuf.poolCreate(name, size, CACHE, (short) 0, (short) DATA_ROOM, socket));
        return new PacketPool(name, size, pool);
    }

    /** The pool's name (unique in the process). */
    public String name() {
        return name;
    }

    /** Number of mbufs. */
    public int size() {
        return size;
    }

    /** The {@code struct rte_mempool *}. */
    public MemorySegment address() {
        return pool;
    }

    /** Free mbufs, including per-lcore caches. */
    public int available() {
        return RteMbuf.availCount(pool);
    }

    /** Mbufs taken out (in rings, in flight, leaked). */
    public int inUse() {
        return RteMbuf.inUseCount(pool);
    }

    synchronized void free() {
        if (!freed) {
            freed = true;
            RteMbuf.mempoolFree(pool);
        }
    }

    @Override
    public String toString() {
        return "PacketPool[" + name + ", " + size + " mbufs]";
    }
}
