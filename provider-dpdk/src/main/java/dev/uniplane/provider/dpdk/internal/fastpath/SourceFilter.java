package dev.uniplane.provider.dpdk.internal.fastpath;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Anti-spoofing: per endpoint slot, the source prefixes it may send from (its own addresses, and the prefixes of routes
 * whose next hops name it: a router or VNF answers for them). Addresses are 128-bit, IPv4 as IPv4-mapped IPv6
 * ({@link FlowTable#v4}), so a v4 /n is a /(96 + n). Immutable; {@link #allows} walks the slot's few prefixes and
 * allocates nothing.
 */
public final class SourceFilter {
    /** Allows every source of every slot (tables built without endpoint knowledge, e.g. in tests). */
    public static final SourceFilter OPEN = new SourceFilter(null, null, new boolean[0], new long[0], new long[0], new long[0],
            new long[0]);

    private final int[] start;
    private final int[] end;
    private final boolean[] v4;
    private final long[] netHigh;
    private final long[] netLow;
    private final long[] maskHigh;
    private final long[] maskLow;

    private SourceFilter(int[] start, int[] end, boolean[] v4, long[] netHigh, long[] netLow, long[] maskHigh, long[] maskLow) {
        this.start = start;
        this.end = end;
        this.v4 = v4;
        this.netHigh = netHigh;
        this.netLow = netLow;
        this.maskHigh = maskHigh;
        this.maskLow = maskLow;
    }

    /**
     * A source prefix of one family (an IPv6 ::/0 does not contain IPv4 sources).
     *
     * @param v4     whether it is an IPv4 prefix
     * @param high   high 64 bits of the (IPv4-mapped for v4) address
     * @param low    low 64 bits
     * @param length 0-128 (IPv4 /n as 96 + n)
     */
    public record Prefix(boolean v4, long high, long low, int length) {
        /** Validates. */
        public Prefix {
            if (length < (v4 ? 96 : 0) || length > 128) {
                throw new IllegalArgumentException("source prefix length must be " + (v4 ? "96" : "0") + "-128: " + length);
            }
        }

        /** An IPv6 prefix (length 0-128). */
        public static Prefix v6(long high, long low, int length) {
            return new Prefix(false, high, low, length);
        }

        /** An IPv4 prefix (network-order value as an int, length 0-32). */
        public static Prefix v4(int address, int length) {
            if (length < 0 || length > 32) {
                throw new IllegalArgumentException("IPv4 source prefix length must be 0-32: " + length);
            }
            return new Prefix(true, FlowTable.V4_HIGH, FlowTable.v4(address), 96 + length);
        }
    }

    /** The filter allowing each slot exactly the sources in {@code bySlot}; slots without an entry may send nothing. */
    public static SourceFilter of(Map<Integer, List<Prefix>> bySlot) {
        int slots = bySlot.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        int[] start = new int[slots];
        int[] end = new int[slots];
        List<Prefix> all = new ArrayList<>();
        for (var e : new TreeMap<>(bySlot).entrySet()) {
            if (e.getKey() < 0) {
                throw new IllegalArgumentException("endpoint slot must not be negative: " + e.getKey());
            }
            start[e.getKey()] = all.size();
            all.addAll(e.getValue());
            end[e.getKey()] = all.size();
        }
        boolean[] v4 = new boolean[all.size()];
        long[] netHigh = new long[all.size()];
        long[] netLow = new long[all.size()];
        long[] maskHigh = new long[all.size()];
        long[] maskLow = new long[all.size()];
        for (int i = 0; i < all.size(); i++) {
            Prefix p = all.get(i);
            v4[i] = p.v4();
            maskHigh[i] = Lpm6.highMask(p.length());
            maskLow[i] = Lpm6.lowMask(p.length());
            netHigh[i] = p.high() & maskHigh[i];
            netLow[i] = p.low() & maskLow[i];
        }
        return new SourceFilter(start, end, v4, netHigh, netLow, maskHigh, maskLow);
    }

    /** Whether endpoint {@code slot} may send from (high, low). */
    public boolean allows(int slot, long high, long low) {
        if (start == null) {
            return true;
        }
        if (slot < 0 || slot >= start.length) {
            return false;
        }
        boolean family4 = FlowTable.isV4(high, low);
        for (int i = start[slot]; i < end[slot]; i++) {
            if (v4[i] == family4 && (high & maskHigh[i]) == netHigh[i] && (low & maskLow[i]) == netLow[i]) {
                return true;
            }
        }
        return false;
    }
}
