package dev.uniplane.provider.dpdk.internal.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shim {@code libuniplane_dpdk.so}, extracted from the jar to a private temp file (mode 0600, deleted on exit) and
 * opened with {@link SymbolLookup#libraryLookup(Path, Arena)} in the global arena. Its {@code DT_NEEDED} entries load the
 * DPDK libraries, so {@link #lookup()} also finds every exported {@code rte_*} symbol. Loading reads the shim's layout
 * table and verifies the offsets Java hard-codes ({@link Layouts}); a mismatch fails the load.
 */
@SuppressWarnings("restricted") // native access is this class's purpose; the JVM runs with --enable-native-access
public final class ShimLibrary {
    /** Class-path resource of the shim (the build puts it there; see provider-dpdk/pom.xml). */
    public static final String RESOURCE = "/dev/uniplane/provider/dpdk/libuniplane_dpdk.so";

    private static ShimLibrary instance;
    private static RuntimeException failure;

    private final Path path;
    private final SymbolLookup lookup;
    private final Map<String, Long> layout;

    private ShimLibrary(Path path, SymbolLookup lookup, Map<String, Long> layout) {
        this.path = path;
        this.lookup = lookup;
        this.layout = layout;
    }

    /**
     * Loads the shim once per class loader (later calls return the same instance, or rethrow the first failure).
     *
     * @throws IllegalStateException when the resource is missing, the DPDK libraries cannot be loaded, or a layout differs
     */
    public static synchronized ShimLibrary load() {
        if (instance != null) {
            return instance;
        }
        if (failure != null) {
            throw new IllegalStateException("the DPDK shim failed to load earlier: " + failure.getMessage(), failure);
        }
        try {
            Path file = extract();
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(file, Arena.global());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("dlopen of the DPDK shim " + file + " failed (are the DPDK 22.11 runtime "
                        + "libraries librte_*.so.23 installed? apt-get install dpdk; is the temp directory mounted noexec?)", e);
            }
            Map<String, Long> layout = readLayout(lookup);
            Layouts.verify(layout);
            instance = new ShimLibrary(file, lookup, layout);
            return instance;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /** Symbols of the shim and of every DPDK library it links. */
    public SymbolLookup lookup() {
        return lookup;
    }

    /** Where the shim was extracted to. */
    public Path path() {
        return path;
    }

    /** The shim's layout table: {@code sizeof(struct x)}, {@code struct x.field} offsets and a few constants. */
    public Map<String, Long> layout() {
        return layout;
    }

    /** DPDK's version as compiled into the shim, e.g. {@code 22.11.11}. */
    public String compiledVersion() {
        long v = layout.get("RTE_VERSION");
        return (v >>> 24 & 0xff) + "." + (v >>> 16 & 0xff) + "." + (v >>> 8 & 0xff);
    }

    private static Path extract() {
        try (InputStream in = ShimLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("class-path resource " + RESOURCE + " is missing (the build compiles it "
                        + "from src/main/c or copies src/main/prebuilt)");
            }
            Path file = Files.createTempFile("uniplane_dpdk", ".so"); // mode 0600
            file.toFile().deleteOnExit();
            // Write into the file createTempFile made: Files.copy(REPLACE_EXISTING) would recreate it with the umask's mode.
            try (OutputStream out = Files.newOutputStream(file)) {
                in.transferTo(out);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + RESOURCE + " to a temp file", e);
        }
    }

    private static Map<String, Long> readLayout(SymbolLookup lookup) {
        MemorySegment symbol = lookup.find("uniplane_layout")
                .orElseThrow(() -> new IllegalStateException("the DPDK shim has no uniplane_layout: stale shim?"));
        MethodHandle entry = Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS));
        Map<String, Long> table = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(ADDRESS);
            for (int index = 0; ; index++) {
                long value = (long) entry.invokeExact(index, name);
                if (value < 0) {
                    return Map.copyOf(table);
                }
                table.put(name.get(ADDRESS, 0).reinterpret(256).getString(0), value);
            }
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
