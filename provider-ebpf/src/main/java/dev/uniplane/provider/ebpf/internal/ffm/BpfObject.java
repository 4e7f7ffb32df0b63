package dev.uniplane.provider.ebpf.internal.ffm;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A libbpf {@code bpf_object}: opened from ELF bytes in memory (no temp file), optionally resized, loaded into the
 * kernel, then asked for its programs and maps by name. {@link #close()} unloads everything that is not attached or
 * pinned. Not thread-safe; the dataplane owns one.
 */
public final class BpfObject implements AutoCloseable {

    private final String name;
    private final Arena arena;
    private MemorySegment object;
    private boolean loaded;
    private final Map<String, BpfMap> maps = new LinkedHashMap<>();

    private BpfObject(String name, Arena arena, MemorySegment object) {
        this.name = name;
        this.arena = arena;
        this.object = object;
    }

    /** Opens (does not load) the ELF object in {@code elf}; {@code name} is for messages. */
    public static BpfObject open(byte[] elf, String name) {
        Objects.requireNonNull(elf, "elf");
        // libbpf keeps pointers into the buffer until close, so it lives in the object's own arena.
        Arena arena = Arena.ofShared();
        try {
            MemorySegment buf = arena.allocate(elf.length, 8);
            MemorySegment.copy(elf, 0, buf, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, elf.length);
            LibBpf.Ptr obj = LibBpf.bpf_object__open_mem(buf, elf.length, MemorySegment.NULL);
            if (obj.isNull()) {
                throw new BpfException("bpf_object__open_mem", name, obj.errno(), LibBpf.drainRecentLog());
            }
            return new BpfObject(name, arena, obj.address());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Opens the object stored as a class-path resource (e.g. {@code dev/uniplane/provider/ebpf/uniplane.bpf.o}). */
    public static BpfObject openResource(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("BPF object resource " + resource + " is missing from the class path");
            }
            return open(in.readAllBytes(), resource);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read BPF object resource " + resource, e);
        }
    }

    /** Changes a map's capacity; only before {@link #load()}. */
    public BpfObject setMaxEntries(String mapName, int maxEntries) {
        if (loaded) {
            throw new IllegalStateException("max_entries of " + mapName + " can only change before load");
        }
        BpfException.check(LibBpf.bpf_map__set_max_entries(findMap(mapName), maxEntries),
                "bpf_map__set_max_entries", mapName);
        return this;
    }

    /**
     * Pins a map at {@code path} on load, or, when a compatible map is pinned there already, reuses it (its entries
     * survive the process: restart adoption). Only before {@link #load()}.
     */
    public BpfObject setPinPath(String mapName, String path) {
        if (loaded) {
            throw new IllegalStateException("the pin path of " + mapName + " can only change before load");
        }
        try (Arena a = Arena.ofConfined()) {
            BpfException.check(LibBpf.bpf_map__set_pin_path(findMap(mapName), a.allocateFrom(path)),
                    "bpf_map__set_pin_path", mapName + " -> " + path);
        }
        return this;
    }

    /** Loads every program (the verifier runs here) and creates every map. */
    public BpfObject load() {
        ensureOpen();
        LibBpf.drainRecentLog();
        int rc = LibBpf.bpf_object__load(object);
        if (rc < 0) {
            throw new BpfException("bpf_object__load", name, -rc, LibBpf.drainRecentLog());
        }
        loaded = true;
        return this;
    }

    public BpfProgram program(String programName) {
        ensureLoaded();
        try (Arena a = Arena.ofConfined()) {
            LibBpf.Ptr p = LibBpf.bpf_object__find_program_by_name(object, a.allocateFrom(programName));
            if (p.isNull()) {
                throw new BpfException("bpf_object__find_program_by_name", programName, p.errno(), "not in " + name);
            }
            return new BpfProgram(programName, BpfException.check(LibBpf.bpf_program__fd(p.address()),
                    "bpf_program__fd", programName));
        }
    }

    /** The map named {@code mapName}; the fd belongs to this object. */
    public BpfMap map(String mapName) {
        ensureLoaded();
        return maps.computeIfAbsent(mapName, n -> {
            MemorySegment m = findMap(n);
            int fd = BpfException.check(LibBpf.bpf_map__fd(m), "bpf_map__fd", n);
            return new BpfMap(n, fd, LibBpf.bpf_map__type(m), LibBpf.bpf_map__key_size(m),
                    LibBpf.bpf_map__value_size(m), LibBpf.bpf_map__max_entries(m), m, false);
        });
    }

    /** The raw {@code struct btf *} of the object (valid until close), for layout checks. */
    public MemorySegment btf() {
        ensureOpen();
        return LibBpf.bpf_object__btf(object);
    }

    public String name() {
        return name;
    }

    private MemorySegment findMap(String mapName) {
        ensureOpen();
        try (Arena a = Arena.ofConfined()) {
            LibBpf.Ptr p = LibBpf.bpf_object__find_map_by_name(object, a.allocateFrom(mapName));
            if (p.isNull()) {
                throw new BpfException("bpf_object__find_map_by_name", mapName, p.errno(), "not in " + name);
            }
            return p.address();
        }
    }

    private void ensureOpen() {
        if (object == null) {
            throw new IllegalStateException("BPF object " + name + " is closed");
        }
    }

    private void ensureLoaded() {
        ensureOpen();
        if (!loaded) {
            throw new IllegalStateException("BPF object " + name + " is not loaded");
        }
    }

    @Override
    public void close() {
        if (object != null) {
            LibBpf.bpf_object__close(object);
            object = null;
            maps.clear();
            arena.close();
        }
    }
}
