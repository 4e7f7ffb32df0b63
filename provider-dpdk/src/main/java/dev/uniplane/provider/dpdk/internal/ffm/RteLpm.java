package dev.uniplane.provider.dpdk.internal.ffm;

import dev.uniplane.linux.NativeCall;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * IPv4 LPM bindings ({@code librte_lpm.so.23}) plus the shim's lookups. Addresses are host-order u32 (as
 * {@code int}); next hops are 24-bit. A bulk result has {@link Layouts#LPM_LOOKUP_SUCCESS} set on a hit.
 */
public final class RteLpm {
    private static final MethodHandle CREATE = Downcalls.bind("rte_lpm_create", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle ADD = Downcalls.bind("rte_lpm_add", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_BYTE, JAVA_INT));
    private static final MethodHandle DELETE = Downcalls.bind("rte_lpm_delete", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_BYTE));
    private static final MethodHandle FREE = Downcalls.bind("rte_lpm_free", FunctionDescriptor.ofVoid(ADDRESS));
    // the lookups are short, never block and never upcall: critical downcalls (NOTES 3.5), off-heap arguments only
    private static final MethodHandle LOOKUP = Downcalls.bind("uniplane_lpm_lookup", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS),
            Downcalls.CRITICAL);
    private static final MethodHandle LOOKUP_BULK = Downcalls.bind("uniplane_lpm_lookup_bulk",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT), Downcalls.CRITICAL);

    private RteLpm() {
    }

    /**
     * {@code rte_lpm_create(name, socket_id, config)}: names are unique per process.
     *
     * @return the table, or NULL with {@code rte_errno} set (EEXIST for a taken name)
     */
    public static MemorySegment create(String name, int socket, int maxRules, int tbl8Groups) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment config = arena.allocate(Layouts.LPM_CONFIG_SIZE, 4);
            config.set(JAVA_INT, Layouts.LPM_CONFIG_MAX_RULES, maxRules);
            config.set(JAVA_INT, Layouts.LPM_CONFIG_NUMBER_TBL8S, tbl8Groups);
            config.set(JAVA_INT, Layouts.LPM_CONFIG_FLAGS, 0);
            MemorySegment text = arena.allocateFrom(name);
            return NativeCall.invokePointer(() -> (MemorySegment) CREATE.invokeExact(text, socket, config));
        }
    }

    /** {@code rte_lpm_add(lpm, ip, depth, next_hop)}: 0 or a negative errno. */
    public static int add(MemorySegment lpm, int ip, int depth, int nextHop) {
        return NativeCall.invokeInt(() -> (int) ADD.invokeExact(lpm, ip, (byte) depth, nextHop));
    }

    /** {@code rte_lpm_delete(lpm, ip, depth)}: 0 or a negative errno. */
    public static int delete(MemorySegment lpm, int ip, int depth) {
        return NativeCall.invokeInt(() -> (int) DELETE.invokeExact(lpm, ip, (byte) depth));
    }

    /** {@code rte_lpm_free(lpm)}. */
    public static void free(MemorySegment lpm) {
        NativeCall.invokeVoid(() -> { FREE.invokeExact(lpm); });
    }

    /** {@code rte_lpm_lookup(lpm, ip, &next_hop)} (shim, critical; {@code nextHop} off-heap): 0 on a hit, -ENOENT on a miss. */
    public static int lookup(MemorySegment lpm, int ip, MemorySegment nextHop) {
        try {
            return (int) LOOKUP.invokeExact(lpm, ip, nextHop);
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }

    /**
     * {@code rte_lpm_lookup_bulk(lpm, ips, next_hops, n)} (shim, critical): off-heap u32 arrays of {@code n} entries; a
     * result is the table entry, a hit when {@link Layouts#LPM_LOOKUP_SUCCESS} is set, the next hop in its low 24 bits.
     */
    public static int lookupBulk(MemorySegment lpm, MemorySegment ips, MemorySegment nextHops, int n) {
        try {
            return (int) LOOKUP_BULK.invokeExact(lpm, ips, nextHops, n);
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }
}
