package dev.uniplane.provider.ebpf.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.uniplane.linux.Errno;

/**
 * One BPF map by fd, with byte-array keys and values (the encoders in {@code internal.program} produce them). Every call
 * uses a confined arena of its own, so nothing grows over the process lifetime. Per-CPU maps return one value per
 * possible CPU ({@code libbpf_num_possible_cpus()}, each rounded up to 8 bytes by the kernel).
 */
public final class BpfMap implements AutoCloseable {

    /** bpf_map_type values used here. */
    public static final int TYPE_HASH = 1;
    public static final int TYPE_ARRAY = 2;
    public static final int TYPE_PERCPU_HASH = 5;
    public static final int TYPE_PERCPU_ARRAY = 6;
    public static final int TYPE_LPM_TRIE = 11;
    public static final int TYPE_ARRAY_OF_MAPS = 12;
    public static final int TYPE_LRU_HASH = 9;
    public static final int TYPE_LRU_PERCPU_HASH = 10;

    private static final int BATCH_OPTS_SIZE = 24;

    private final String name;
    private final int fd;
    private final int type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private final MemorySegment libbpfMap;
    private final boolean ownsFd;
    private boolean closed;

    BpfMap(String name, int fd, int type, int keySize, int valueSize, int maxEntries, MemorySegment libbpfMap,
           boolean ownsFd) {
        this.name = name;
        this.fd = fd;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.libbpfMap = libbpfMap;
        this.ownsFd = ownsFd;
    }

    /**
     * Reopens a pinned map ({@code bpf_obj_get}); the caller states the geometry (the encoders know it) and closes
     * the returned map to release the fd.
     */
    public static BpfMap openPinned(String path, String name, int type, int keySize, int valueSize, int maxEntries) {
        try (Arena a = Arena.ofConfined()) {
            int fd = BpfException.check(LibBpf.bpf_obj_get(a.allocateFrom(path)), "bpf_obj_get", path);
            return new BpfMap(name, fd, type, keySize, valueSize, maxEntries, null, true);
        }
    }

    public String name() {
        return name;
    }

    public int fd() {
        return fd;
    }

    public int type() {
        return type;
    }

    public int keySize() {
        return keySize;
    }

    public int valueSize() {
        return valueSize;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public boolean isPerCpu() {
        return type == TYPE_PERCPU_ARRAY || type == TYPE_PERCPU_HASH || type == TYPE_LRU_PERCPU_HASH;
    }

    /** Bytes of one per-CPU slot: the value size rounded up to 8. */
    public int perCpuStride() {
        return (valueSize + 7) & ~7;
    }

    /** Inserts or replaces ({@link LibBpf#BPF_ANY}), or with {@code BPF_NOEXIST}/{@code BPF_EXIST}. */
    public void update(byte[] key, byte[] value, long flags) {
        checkKey(key);
        if (value.length != valueSize) {
            throw new IllegalArgumentException(name + ": value is " + value.length + " bytes, map wants " + valueSize);
        }
        try (Arena a = Arena.ofConfined()) {
            int rc = LibBpf.bpf_map_update_elem(fd, bytes(a, key), bytes(a, value), flags);
            BpfException.check(rc, "bpf_map_update_elem", name);
        }
    }

    public void update(byte[] key, byte[] value) {
        update(key, value, LibBpf.BPF_ANY);
    }

    /** The value, or empty when the key is absent (per-CPU maps: use {@link #lookupPerCpu}). */
    public Optional<byte[]> lookup(byte[] key) {
        checkKey(key);
        if (isPerCpu()) {
            throw new IllegalStateException(name + " is per-CPU: use lookupPerCpu");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(valueSize, 8);
            int rc = LibBpf.bpf_map_lookup_elem(fd, bytes(a, key), v);
            if (rc == -Errno.ENOENT) {
                return Optional.empty();
            }
            BpfException.check(rc, "bpf_map_lookup_elem", name);
            return Optional.of(v.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    /** One value per possible CPU, or empty when the key is absent. */
    public Optional<List<byte[]>> lookupPerCpu(byte[] key) {
        checkKey(key);
        int cpus = LibBpf.libbpf_num_possible_cpus();
        BpfException.check(cpus, "libbpf_num_possible_cpus", name);
        int stride = perCpuStride();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate((long) cpus * stride, 8);
            int rc = LibBpf.bpf_map_lookup_elem(fd, bytes(a, key), v);
            if (rc == -Errno.ENOENT) {
                return Optional.empty();
            }
            BpfException.check(rc, "bpf_map_lookup_elem", name);
            List<byte[]> out = new ArrayList<>(cpus);
            for (int cpu = 0; cpu < cpus; cpu++) {
                out.add(v.asSlice((long) cpu * stride, valueSize).toArray(ValueLayout.JAVA_BYTE));
            }
            return Optional.of(out);
        }
    }

    /**
     * Sums a per-CPU value made of native-order u64 counters over all CPUs; {@code long[valueSize / 8]}, all zero
     * when the key is absent.
     */
    public long[] sumPerCpuCounters(byte[] key) {
        long[] sum = new long[valueSize / 8];
        lookupPerCpu(key).ifPresent(values -> {
            for (byte[] v : values) {
                MemorySegment s = MemorySegment.ofArray(v);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += s.get(ValueLayout.JAVA_LONG_UNALIGNED, 8L * i);
                }
            }
        });
        return sum;
    }

    /** Writes the same value to every CPU's slot (e.g. zeroes a per-CPU counter). */
    public void updatePerCpu(byte[] key, byte[] value) {
        checkKey(key);
        int cpus = LibBpf.libbpf_num_possible_cpus();
        BpfException.check(cpus, "libbpf_num_possible_cpus", name);
        int stride = perCpuStride();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate((long) cpus * stride, 8);
            for (int cpu = 0; cpu < cpus; cpu++) {
                MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, (long) cpu * stride, value.length);
            }
            BpfException.check(LibBpf.bpf_map_update_elem(fd, bytes(a, key), v, LibBpf.BPF_ANY),
                    "bpf_map_update_elem", name);
        }
    }

    /** Deletes a key; false when it was absent. */
    public boolean delete(byte[] key) {
        checkKey(key);
        try (Arena a = Arena.ofConfined()) {
            int rc = LibBpf.bpf_map_delete_elem(fd, bytes(a, key));
            if (rc == -Errno.ENOENT) {
                return false;
            }
            BpfException.check(rc, "bpf_map_delete_elem", name);
            return true;
        }
    }

    /** Every key, by {@code bpf_map_get_next_key} (arrays list every index). */
    public List<byte[]> keys() {
        List<byte[]> out = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cur = MemorySegment.NULL;
            MemorySegment next = a.allocate(keySize, 8);
            while (true) {
                int rc = LibBpf.bpf_map_get_next_key(fd, cur, next);
                if (rc == -Errno.ENOENT) {
                    return out;
                }
                BpfException.check(rc, "bpf_map_get_next_key", name);
                byte[] k = next.toArray(ValueLayout.JAVA_BYTE);
                out.add(k);
                cur = bytes(a, k);
            }
        }
    }

    /** Deletes every key (hash and LPM maps); returns how many were removed. */
    public int clear() {
        int n = 0;
        for (byte[] k : keys()) {
            if (delete(k)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Inserts or replaces many entries with {@code bpf_map_update_batch} (works for HASH and LPM_TRIE on 6.18), in
     * chunks of {@code chunk}. Keys and values are parallel lists.
     */
    public void updateBatch(List<byte[]> keys, List<byte[]> values, int chunk) {
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException(name + ": " + keys.size() + " keys but " + values.size() + " values");
        }
        for (int from = 0; from < keys.size(); from += chunk) {
            int n = Math.min(chunk, keys.size() - from);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment k = a.allocate((long) n * keySize, 8);
                MemorySegment v = a.allocate((long) n * valueSize, 8);
                for (int i = 0; i < n; i++) {
                    byte[] key = keys.get(from + i);
                    byte[] value = values.get(from + i);
                    checkKey(key);
                    if (value.length != valueSize) {
                        throw new IllegalArgumentException(name + ": value is " + value.length + " bytes, map wants " + valueSize);
                    }
                    MemorySegment.copy(key, 0, k, ValueLayout.JAVA_BYTE, (long) i * keySize, keySize);
                    MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, (long) i * valueSize, valueSize);
                }
                MemorySegment count = a.allocate(ValueLayout.JAVA_INT);
                count.set(ValueLayout.JAVA_INT, 0, n);
                MemorySegment opts = a.allocate(BATCH_OPTS_SIZE, 8);
                opts.set(ValueLayout.JAVA_LONG, 0, BATCH_OPTS_SIZE);
                int rc = LibBpf.bpf_map_update_batch(fd, k, v, count, opts);
                BpfException.check(rc, "bpf_map_update_batch", name + " (" + count.get(ValueLayout.JAVA_INT, 0)
                        + " of " + n + " done)");
            }
        }
    }

    /** Pins the map at {@code path} under a bpffs mount (libbpf-owned maps only). */
    public void pin(String path) {
        requireLibbpfMap("pin");
        try (Arena a = Arena.ofConfined()) {
            BpfException.check(LibBpf.bpf_map__pin(libbpfMap, a.allocateFrom(path)), "bpf_map__pin", path);
        }
    }

    /** Removes the pin at {@code path}. */
    public void unpin(String path) {
        requireLibbpfMap("unpin");
        try (Arena a = Arena.ofConfined()) {
            BpfException.check(LibBpf.bpf_map__unpin(libbpfMap, a.allocateFrom(path)), "bpf_map__unpin", path);
        }
    }

    private void requireLibbpfMap(String what) {
        if (libbpfMap == null) {
            throw new IllegalStateException(name + ": " + what + " needs a map of a loaded BpfObject");
        }
    }

    private void checkKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != keySize) {
            throw new IllegalArgumentException(name + ": key is " + key.length + " bytes, map wants " + keySize);
        }
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    private static MemorySegment bytes(Arena a, byte[] b) {
        MemorySegment s = a.allocate(b.length, 8);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
        return s;
    }

    /** Closes the fd of a map from {@link #openPinned}; maps of a {@link BpfObject} close with the object. */
    @Override
    public void close() {
        if (ownsFd && !closed) {
            LibBpf.close(fd);
            closed = true;
        }
    }
}
