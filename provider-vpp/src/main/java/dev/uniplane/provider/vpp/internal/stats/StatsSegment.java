package dev.uniplane.provider.vpp.internal.stats;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.uniplane.linux.UnixFdPassing;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * VPP's stats segment, read-only: the shared memory that VPP hands over on its stats socket ({@code statseg
 * socket-name}, a {@code SOCK_SEQPACKET} socket whose one message carries the segment's memfd by {@code SCM_RIGHTS}).
 * Layout (../shared/vpp/PROTOCOL.md section 4, host byte order): a header {@code u64 version(2) | u64 base | u64 epoch
 * | u64 in_progress | u64 directory_vector}; pointers are VPP's virtual addresses ({@code offset = ptr - base}); a
 * vector's length is the u32 8 bytes before its first element; the directory is a vector of 144-byte entries
 * {@code u32 type | pad | u64 value | char name[128]}.
 *
 * <p>Every read is optimistic, as VPP's own client does: note the epoch, wait until no writer is in progress, copy,
 * and start again if the epoch moved or a writer started meanwhile (VPP may move vectors while it adds entries).
 * Counters are returned per thread and summed.
 */
public final class StatsSegment implements AutoCloseable {
    /** Directory entry type: a scalar. */
    public static final int TYPE_SCALAR = 1;
    /** Directory entry type: simple counters, {@code vec[thread] -> vec<u64>[index]}. */
    public static final int TYPE_SIMPLE = 2;
    /** Directory entry type: combined counters, {@code vec[thread] -> vec<{u64 packets, u64 bytes}>[index]}. */
    public static final int TYPE_COMBINED = 3;
    /** Directory entry type: a vector of names ({@code vec<ptr -> NUL-terminated vec<u8>>}). */
    public static final int TYPE_NAME_VECTOR = 4;
    /** Directory entry type: a link to one counter of another entry ({@code u32 dir_index | u32 counter_index}). */
    public static final int TYPE_SYMLINK = 6;

    private static final int SUPPORTED_VERSION = 2;
    private static final long EPOCH = 16;
    private static final long IN_PROGRESS = 24;
    private static final long DIRECTORY = 32;
    private static final int ENTRY_SIZE = 144;
    private static final int NAME_OFFSET = 16;
    private static final int NAME_SIZE = 128;
    private static final int MAX_ATTEMPTS = 10_000;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final Arena arena;
    private final MemorySegment segment;
    private final Map<String, Integer> indexByName = new ConcurrentHashMap<>();

    /** One directory entry as read. */
    public record Entry(int index, int type, long value, String name) {
    }

    /** Simple counters: {@code perThread[thread][index]}. */
    public record SimpleCounter(long[][] perThread) {
        /** The counter of {@code index} summed over threads (0 where a thread has no such index). */
        public long total(int index) {
            long sum = 0;
            for (long[] thread : perThread) {
                sum += index < thread.length ? thread[index] : 0;
            }
            return sum;
        }

        /** How many indexes the longest thread vector has. */
        public int size() {
            int max = 0;
            for (long[] thread : perThread) {
                max = Math.max(max, thread.length);
            }
            return max;
        }
    }

    /** Combined counters: {@code packets[thread][index]}, {@code bytes[thread][index]}. */
    public record CombinedCounter(long[][] packets, long[][] bytes) {
        /** Packets of {@code index}, summed over threads. */
        public long packets(int index) {
            return new SimpleCounter(packets).total(index);
        }

        /** Bytes of {@code index}, summed over threads. */
        public long bytes(int index) {
            return new SimpleCounter(bytes).total(index);
        }

        /** How many indexes the longest thread vector has. */
        public int size() {
            return new SimpleCounter(packets).size();
        }
    }

    private StatsSegment(Arena arena, MemorySegment segment) {
        this.arena = arena;
        this.segment = segment;
    }

    /**
     * Connects to VPP's stats socket, receives the segment's descriptor and maps the segment read-only (through
     * {@code /proc/self/fd/N}, then closes the descriptor: the mapping stays).
     *
     * @throws IOException when the socket cannot be reached, hands over no descriptor, or the segment has another
     *                     layout version
     */
    public static StatsSegment open(Path socket) throws IOException {
        UnixFdPassing.PassedFd fd;
        try {
            fd = UnixFdPassing.receive(socket, UnixFdPassing.SOCK_SEQPACKET);
        } catch (RuntimeException e) {
            throw new IOException("VPP stats socket " + socket + ": " + e.getMessage(), e);
        }
        Arena arena = Arena.ofShared();
        try (fd; FileChannel channel = FileChannel.open(fd.procPath(), StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            long version = mapped.get(JAVA_LONG_UNALIGNED, 0);
            if (version != SUPPORTED_VERSION) {
                throw new IOException("VPP stats segment version " + version + ", this reader knows " + SUPPORTED_VERSION);
            }
            return new StatsSegment(arena, mapped);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The segment's size in bytes. */
    public long size() {
        return segment.byteSize();
    }

    /** VPP's epoch counter: it changes whenever VPP adds or removes directory entries. */
    public long epoch() {
        return (long) LONG.getVolatile(segment, EPOCH);
    }

    /** Every directory entry (deleted ones have an empty name and are left out). */
    public List<Entry> directory() {
        return consistent(s -> {
            List<Entry> out = new ArrayList<>();
            long dir = directoryOffset();
            int n = vectorLength(dir);
            for (int i = 0; i < n; i++) {
                Entry e = entry(dir, i);
                if (!e.name().isEmpty()) {
                    out.add(e);
                }
            }
            return out;
        });
    }

    /** The names of every entry. */
    public List<String> names() {
        return directory().stream().map(Entry::name).toList();
    }

    /** The entry named {@code name}, if the directory has it. */
    public Optional<Entry> entry(String name) {
        return consistent(s -> find(name));
    }

    /** Simple counters {@code name} (e.g. {@code /if/drops}, {@code /node/errors}). */
    public Optional<SimpleCounter> simpleCounter(String name) {
        return consistent(s -> find(name).map(e -> {
            requireType(e, TYPE_SIMPLE);
            return new SimpleCounter(perThread(e.value(), 1)[0]);
        }));
    }

    /** Combined counters {@code name} (e.g. {@code /if/rx}, {@code /if/tx}, {@code /acl/N/matches}). */
    public Optional<CombinedCounter> combinedCounter(String name) {
        return consistent(s -> find(name).map(e -> {
            requireType(e, TYPE_COMBINED);
            long[][][] both = perThread(e.value(), 2);
            return new CombinedCounter(both[0], both[1]);
        }));
    }

    /** A name vector (e.g. {@code /if/names}: interface names by sw_if_index; a deleted slot is {@code null}). */
    public Optional<List<String>> nameVector(String name) {
        return consistent(s -> find(name).map(e -> {
            requireType(e, TYPE_NAME_VECTOR);
            long vector = offset(e.value());
            int n = vectorLength(vector);
            List<String> names = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long pointer = segment.get(JAVA_LONG_UNALIGNED, vector + 8L * i);
                names.add(pointer == 0 ? null : cString(offset(pointer), vectorLength(offset(pointer))));
            }
            return names;
        }));
    }

    /**
     * The value of a one-counter entry summed over threads: an error counter such as
     * {@code /err/acl-plugin-out-ip4-fa/ACL deny packets} (a link into {@code /node/errors}), or the packets of a
     * link into a combined counter (e.g. {@code /interfaces/local0/rx}).
     */
    public Optional<Long> counter(String name) {
        return consistent(s -> find(name).map(e -> {
            requireType(e, TYPE_SYMLINK);
            int target = (int) e.value();
            int index = (int) (e.value() >>> 32);
            Entry linked = entry(directoryOffset(), target);
            return switch (linked.type()) {
                case TYPE_SIMPLE -> new SimpleCounter(perThread(linked.value(), 1)[0]).total(index);
                case TYPE_COMBINED -> new SimpleCounter(perThread(linked.value(), 2)[0]).total(index);
                default -> throw new IllegalStateException(name + " links to " + linked.name() + " of type " + linked.type());
            };
        }));
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Runs {@code read} until it saw one consistent state of the segment (no writer, epoch unchanged). */
    private <T> T consistent(Function<MemorySegment, T> read) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            long epoch = (long) LONG.getVolatile(segment, EPOCH);
            if ((long) LONG.getVolatile(segment, IN_PROGRESS) != 0) {
                pause(attempt);
                continue;
            }
            try {
                T value = read.apply(segment);
                if ((long) LONG.getVolatile(segment, IN_PROGRESS) == 0 && (long) LONG.getVolatile(segment, EPOCH) == epoch) {
                    return value;
                }
            } catch (IndexOutOfBoundsException | TornReadException e) {
                last = e; // VPP moved a vector under us: read again
            }
            pause(attempt);
        }
        throw new IllegalStateException("no consistent read of VPP's stats segment after " + MAX_ATTEMPTS + " attempts", last);
    }

    private static void pause(int attempt) {
        if (attempt < 100) {
            Thread.onSpinWait();
        } else {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading VPP's stats segment", e);
            }
        }
    }

    private Optional<Entry> find(String name) {
        long dir = directoryOffset();
        int n = vectorLength(dir);
        Integer cached = indexByName.get(name);
        if (cached != null && cached < n && name.equals(entryName(dir, cached))) {
            return Optional.of(entry(dir, cached));
        }
        for (int i = 0; i < n; i++) {
            if (name.equals(entryName(dir, i))) {
                indexByName.put(name, i);
                return Optional.of(entry(dir, i));
            }
        }
        return Optional.empty();
    }

    private long directoryOffset() {
        return offset((long) LONG.getVolatile(segment, DIRECTORY));
    }

    private Entry entry(long dir, int i) {
        long at = dir + (long) i * ENTRY_SIZE;
        return new Entry(i, segment.get(JAVA_INT_UNALIGNED, at), segment.get(JAVA_LONG_UNALIGNED, at + 8),
                entryName(dir, i));
    }

    private String entryName(long dir, int i) {
        return cString(dir + (long) i * ENTRY_SIZE + NAME_OFFSET, NAME_SIZE);
    }

    /**
     * A per-thread counter vector of {@code width} u64 per index: {@code result[field][thread][index]}.
     */
    private long[][][] perThread(long pointer, int width) {
        long threads = offset(pointer);
        int nThreads = vectorLength(threads);
        long[][][] out = new long[width][nThreads][];
        for (int t = 0; t < nThreads; t++) {
            long counters = offset(segment.get(JAVA_LONG_UNALIGNED, threads + 8L * t));
            int n = vectorLength(counters);
            for (int f = 0; f < width; f++) {
                out[f][t] = new long[n];
            }
            for (int i = 0; i < n; i++) {
                for (int f = 0; f < width; f++) {
                    out[f][t][i] = segment.get(JAVA_LONG_UNALIGNED, counters + 8L * ((long) i * width + f));
                }
            }
        }
        return out;
    }

    /** The segment offset of a VPP pointer into it. */
    private long offset(long pointer) {
        long base = segment.get(JAVA_LONG_UNALIGNED, 8);
        long offset = pointer - base;
        if (offset < 8 || offset >= segment.byteSize()) {
            throw new TornReadException("pointer " + Long.toHexString(pointer) + " outside the segment");
        }
        return offset;
    }

    private int vectorLength(long offset) {
        int n = segment.get(JAVA_INT_UNALIGNED, offset - 8);
        if (n < 0 || offset + (long) n > segment.byteSize()) {
            throw new TornReadException("vector length " + n + " at " + offset);
        }
        return n;
    }

    private String cString(long offset, int max) {
        int length = 0;
        while (length < max && segment.get(JAVA_BYTE, offset + length) != 0) {
            length++;
        }
        byte[] bytes = new byte[length];
        MemorySegment.copy(segment, JAVA_BYTE, offset, bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void requireType(Entry e, int type) {
        if (e.type() != type) {
            throw new IllegalArgumentException(e.name() + " has type " + e.type() + ", not " + type);
        }
    }

    /** A pointer or length that makes no sense: VPP changed the segment while we read it. */
    private static final class TornReadException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TornReadException(String message) {
            super(message, null, false, false);
        }
    }
}
