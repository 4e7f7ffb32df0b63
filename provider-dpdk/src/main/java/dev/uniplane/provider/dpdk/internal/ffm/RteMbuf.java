package dev.uniplane.provider.dpdk.internal.ffm;

import dev.uniplane.linux.NativeCall;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** mbuf and mempool bindings ({@code librte_mbuf.so.23}, {@code librte_mempool.so.23}) plus the shim's inline allocators. */
public final class RteMbuf {
    private static final MethodHandle POOL_CREATE = Downcalls.bind("rte_pktmbuf_pool_create",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_INT));
    private static final MethodHandle MEMPOOL_FREE = Downcalls.bind("rte_mempool_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle AVAIL_COUNT = Downcalls.bind("rte_mempool_avail_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle IN_USE_COUNT = Downcalls.bind("rte_mempool_in_use_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ALLOC = Downcalls.bind("uniplane_pktmbuf_alloc", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle ALLOC_BULK = Downcalls.bind("uniplane_pktmbuf_alloc_bulk",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle FREE = Downcalls.bind("uniplane_pktmbuf_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle FREE_BULK = Downcalls.bind("rte_pktmbuf_free_bulk",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT), Downcalls.CRITICAL);

    private RteMbuf() {
    }

    /**
     * {@code rte_pktmbuf_pool_create(name, n, cache_size, priv_size, data_room_size, socket_id)}.
     *
     * @return the pool, or NULL with {@code rte_errno} set
     */
    public static MemorySegment poolCreate(String name, int count, int cacheSize, short privateSize, short dataRoomSize, int socket) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocateFrom(name);
            return NativeCall.invokePointer(() -> (MemorySegment) POOL_CREATE.invokeExact(text, count, cacheSize, privateSize, dataRoomSize, socket));
        }
    }

    /** {@code rte_mempool_free(pool)}: every mbuf must be back (ports closed). */
    public static void mempoolFree(MemorySegment pool) {
        NativeCall.invokeVoid(() -> { MEMPOOL_FREE.invokeExact(pool); });
    }

    /** {@code rte_mempool_avail_count(pool)}: free objects, including those in per-lcore caches. */
    public static int availCount(MemorySegment pool) {
        return NativeCall.invokeInt(() -> (int) AVAIL_COUNT.invokeExact(pool));
    }

    /** {@code rte_mempool_in_use_count(pool)}: objects taken out of the pool. */
    public static int inUseCount(MemorySegment pool) {
        return NativeCall.invokeInt(() -> (int) IN_USE_COUNT.invokeExact(pool));
    }

    /** {@code rte_pktmbuf_alloc(pool)} (shim): an mbuf, or NULL when the pool is empty. */
    public static MemorySegment alloc(MemorySegment pool) {
        try {
            return (MemorySegment) ALLOC.invokeExact(pool);
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }

    /** {@code rte_pktmbuf_alloc_bulk(pool, mbufs, count)} (shim): 0, or a negative errno with nothing allocated. */
    public static int allocBulk(MemorySegment pool, MemorySegment mbufs, int count) {
        try {
            return (int) ALLOC_BULK.invokeExact(pool, mbufs, count);
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }

    /** {@code rte_pktmbuf_free(m)} (shim): frees a packet (all segments). */
    public static void free(MemorySegment mbuf) {
        try {
            FREE.invokeExact(mbuf);
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }

    /** {@code rte_pktmbuf_free_bulk(mbufs, count)}, as a critical downcall. */
    public static void freeBulk(MemorySegment mbufs, int count) {
        try {
            FREE_BULK.invokeExact(mbufs, count);
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }
}
