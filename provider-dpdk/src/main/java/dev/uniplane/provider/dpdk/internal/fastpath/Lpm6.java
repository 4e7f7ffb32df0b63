package dev.uniplane.provider.dpdk.internal.fastpath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * An immutable IPv6 longest-prefix-match table in plain Java: one open-addressing hash per prefix length present,
 * probed from the longest length down. Chosen over {@code rte_lpm6} because that one has a fixed 2^24-entry tbl24
 * (64 MiB, as {@code rte_lpm}) and two exist during a table swap, on top of the IPv4 pair; a handful of lengths (the
 * usual case: /128 host routes, a /64, a default) costs a handful of probes. {@link #lookup} allocates nothing.
 */
final class Lpm6 {
    /** {@link #lookup} result on a miss. */
    static final int MISS = -1;
    private static final Lpm6 EMPTY = new Lpm6(new int[0], new int[0], new int[0], new long[0], new long[0], new int[0]);

    /** Distinct prefix lengths, longest first, and per length the start and mask of its hash slots. */
    private final int[] lengths;
    private final int[] start;
    private final int[] mask;
    private final long[] keyHigh;
    private final long[] keyLow;
    /** Next hop per slot, {@link #MISS} when the slot is empty. */
    private final int[] value;

    private Lpm6(int[] lengths, int[] start, int[] mask, long[] keyHigh, long[] keyLow, int[] value) {
        this.lengths = lengths;
        this.start = start;
        this.mask = mask;
        this.keyHigh = keyHigh;
        this.keyLow = keyLow;
        this.value = value;
    }

    /** A prefix and its next hop (a non-negative index). */
    record Entry(long high, long low, int length, int nextHop) {
        Entry {
            if (length < 0 || length > 128) {
                throw new IllegalArgumentException("IPv6 prefix length must be 0-128: " + length);
            }
            if (nextHop < 0) {
                throw new IllegalArgumentException("next hop must not be negative: " + nextHop);
            }
        }
    }

    /** A table of these entries; a later entry for the same prefix replaces an earlier one (as {@code rte_lpm_add}). */
    static Lpm6 of(List<Entry> entries) {
        if (entries.isEmpty()) {
            return EMPTY;
        }
        TreeMap<Integer, List<Entry>> byLength = new TreeMap<>((a, b) -> Integer.compare(b, a));
        for (Entry e : entries) {
            byLength.computeIfAbsent(e.length(), k -> new ArrayList<>()).add(e);
        }
        int n = byLength.size();
        int[] lengths = new int[n];
        int[] start = new int[n];
        int[] mask = new int[n];
        int total = 0;
        int i = 0;
        for (var group : byLength.entrySet()) {
            int capacity = Integer.highestOneBit(Math.max(2, group.getValue().size() * 2 - 1)) << 1;
            lengths[i] = group.getKey();
            start[i] = total;
            mask[i] = capacity - 1;
            total += capacity;
            i++;
        }
        long[] keyHigh = new long[total];
        long[] keyLow = new long[total];
        int[] value = new int[total];
        Arrays.fill(value, MISS);
        i = 0;
        for (var group : byLength.entrySet()) {
            for (Entry e : group.getValue()) {
                long high = e.high() & highMask(e.length());
                long low = e.low() & lowMask(e.length());
                int slot = hash(high, low) & mask[i];
                while (value[start[i] + slot] != MISS && (keyHigh[start[i] + slot] != high || keyLow[start[i] + slot] != low)) {
                    slot = (slot + 1) & mask[i];
                }
                keyHigh[start[i] + slot] = high;
                keyLow[start[i] + slot] = low;
                value[start[i] + slot] = e.nextHop();
            }
            i++;
        }
        return new Lpm6(lengths, start, mask, keyHigh, keyLow, value);
    }

    /** The next hop of the longest prefix containing (high, low), or {@link #MISS}. */
    int lookup(long high, long low) {
        for (int i = 0; i < lengths.length; i++) {
            long h = high & highMask(lengths[i]);
            long l = low & lowMask(lengths[i]);
            int m = mask[i];
            int base = start[i];
            for (int slot = hash(h, l) & m; ; slot = (slot + 1) & m) {
                int v = value[base + slot];
                if (v == MISS) {
                    break;
                }
                if (keyHigh[base + slot] == h && keyLow[base + slot] == l) {
                    return v;
                }
            }
        }
        return MISS;
    }

    /** Number of distinct prefix lengths (the most probes a lookup makes). */
    int lengthCount() {
        return lengths.length;
    }

    static long highMask(int length) {
        return length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
    }

    static long lowMask(int length) {
        return length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
    }

    private static int hash(long high, long low) {
        long h = (high * 0x9E3779B97F4A7C15L ^ low) * 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 31) ^ (h >>> 47));
    }
}
