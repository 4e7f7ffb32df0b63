package dev.uniplane.provider.ebpf.internal.program;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Allocation of {@code up_nh_groups} slots. Routes with the same next hops share one group (like Linux nexthop
 * objects), reference-counted, so the group table bounds the number of distinct next-hop sets, not of routes.
 */
public final class NextHopGroups {
    private final int capacity;
    private final BitSet used = new BitSet();
    private final Map<NextHopGroup, Integer> ids = new HashMap<>();
    private final Map<Integer, NextHopGroup> values = new HashMap<>();
    private final Map<Integer, Integer> references = new HashMap<>();

    public NextHopGroups(int capacity) {
        this.capacity = capacity;
    }

    /** How many more distinct groups {@code candidates} would need, and whether they fit. */
    public boolean fits(java.util.Collection<NextHopGroup> candidates) {
        return ids.size() + missing(candidates) <= capacity;
    }

    public long missing(java.util.Collection<NextHopGroup> candidates) {
        return candidates.stream().distinct().filter(g -> !ids.containsKey(g)).count();
    }

    public int inUse() {
        return ids.size();
    }

    public int capacity() {
        return capacity;
    }

    /** One more reference to the group holding {@code value}; a new group is recorded in {@code toWrite}. */
    public int retain(NextHopGroup value, Map<Integer, NextHopGroup> toWrite) {
        Integer id = ids.get(value);
        if (id == null) {
            id = used.nextClearBit(0);
            record(id, value);
            toWrite.put(id, value);
        }
        references.merge(id, 1, Integer::sum);
        return id;
    }

    /** Adoption: group {@code id} already holds {@code value} in the map. */
    public void adopt(int id, NextHopGroup value) {
        record(id, value);
        references.merge(id, 1, Integer::sum);
    }

    /** One reference less; true when the group became unused (the caller empties it in the map). */
    public boolean release(int id) {
        if (references.merge(id, -1, Integer::sum) > 0) {
            return false;
        }
        references.remove(id);
        ids.remove(values.remove(id));
        used.clear(id);
        return true;
    }

    public boolean isReferenced(int id) {
        return references.containsKey(id);
    }

    /** The allocation as it is now, for {@link #restore} after a batch the kernel refused half-way. */
    public Snapshot snapshot() {
        return new Snapshot(Map.copyOf(values), Map.copyOf(references));
    }

    /** Puts the allocation back to {@code snapshot}. */
    public void restore(Snapshot snapshot) {
        used.clear();
        ids.clear();
        values.clear();
        references.clear();
        snapshot.values().forEach(this::record);
        references.putAll(snapshot.references());
    }

    /** The ids of every group in use. */
    public java.util.Set<Integer> ids() {
        return java.util.Set.copyOf(values.keySet());
    }

    /** The hops of group {@code id}, which must be in use. */
    public NextHopGroup value(int id) {
        return java.util.Objects.requireNonNull(values.get(id), () -> "next-hop group " + id + " is not in use");
    }

    /** A copy of the allocation: group values and reference counts by id. */
    public record Snapshot(Map<Integer, NextHopGroup> values, Map<Integer, Integer> references) {
    }

    private void record(int id, NextHopGroup value) {
        used.set(id);
        ids.put(value, id);
        values.put(id, value);
    }
}
