package dev.uniplane.provider.dpdk.internal.ffm;

import dev.uniplane.linux.NativeCall;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
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

    /**
     * The shim's benchmark reference (module bench, {@code DpdkFullPathBench}): a C loop doing the router's per-packet
     * work (own-MAC/IPv4 checks, flow lookup in an {@code rte_hash}, {@code rte_lpm} lookup, TTL - 1 with the
     * incremental checksum, MAC rewrite, per-port tx bursts, per-endpoint counters). The dataplane never uses it. Bound
     * on first use.
     */
    public static final class BenchPath {
        /** Counter columns per endpoint slot in {@link #fullPathLoop}'s {@code counters} (u64 each). */
        public static final int COLUMNS = 8;
        /** Column: packets delivered to the endpoint. */
        public static final int RX_PACKETS = 0;
        /** Column: packets received from the endpoint. */
        public static final int TX_PACKETS = 2;
        /** Column: drops because the flow was not in the table. */
        public static final int DROP_UNTRACKED = 5;
        /** Column: drops for lack of a route. */
        public static final int DROP_NO_ROUTE = 6;
        /** Highest output port id + 1 the loop stages for. */
        public static final int MAX_PORTS = 32;

        private static final MethodHandle HOP_SIZE = Downcalls.bind("uniplane_bench_hop_size", FunctionDescriptor.of(JAVA_INT));
        private static final MethodHandle FLOWS_CREATE = Downcalls.bind("uniplane_bench_flows_create",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
        private static final MethodHandle FLOWS_ADD = Downcalls.bind("uniplane_bench_flows_add",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_SHORT, JAVA_SHORT));
        private static final MethodHandle FLOWS_FREE = Downcalls.bind("uniplane_bench_flows_free", FunctionDescriptor.ofVoid(ADDRESS));
        private static final MethodHandle LOOP = Downcalls.bind("uniplane_bench_fullpath_loop",
                FunctionDescriptor.of(JAVA_LONG, JAVA_SHORT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));

        private BenchPath() {
        }

        /**
         * {@code sizeof(struct uniplane_bench_hop)}: destination MAC (6 bytes), source MAC (6), output port (u16), 2 bytes
         * reserved, endpoint slot (i32, -1 = none).
         */
        public static int hopSize() {
            return NativeCall.invokeInt(() -> (int) HOP_SIZE.invokeExact());
        }

        /** An {@code rte_hash} flow table of {@code entries} keys; NULL with {@code rte_errno} set on failure. */
        public static MemorySegment flowsCreate(String name, int entries, int socket) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment text = arena.allocateFrom(name);
                return NativeCall.invokePointer(() -> (MemorySegment) FLOWS_CREATE.invokeExact(text, entries, socket));
            }
        }

        /** Adds a flow (host-order addresses and ports, either direction); its key position or a negative errno. */
        public static int flowsAdd(MemorySegment flows, int source, int destination, int protocol, int sourcePort, int destinationPort) {
            return NativeCall.invokeInt(() -> (int) FLOWS_ADD.invokeExact(flows, source, destination, (byte) protocol, (short) sourcePort, (short) destinationPort));
        }

        /** Frees a flow table from {@link #flowsCreate}. */
        public static void flowsFree(MemorySegment flows) {
            NativeCall.invokeVoid(() -> { FLOWS_FREE.invokeExact(flows); });
        }

        /**
         * Runs the C loop on the calling thread (the EAL lcore) until the int at {@code stop} becomes non-zero.
         *
         * @param rxPort     the polled port (queue 0)
         * @param rxEndpoint the endpoint slot its frames are counted for
         * @param ownMac     6 bytes: frames must be addressed to it
         * @param lpm        an {@code rte_lpm} whose next hops index {@code hops}
         * @param flows      a table from {@link #flowsCreate}
         * @param hops       {@code hopCount} entries of {@link #hopSize()} bytes
         * @param counters   {@link #COLUMNS} u64 per endpoint slot
         * @return polling rounds
         */
        public static long fullPathLoop(int rxPort, int rxEndpoint, MemorySegment ownMac, MemorySegment lpm, MemorySegment flows,
                                        MemorySegment hops, int hopCount, MemorySegment counters, MemorySegment stop) {
            try {
                return (long) LOOP.invokeExact((short) rxPort, rxEndpoint, ownMac, lpm, flows, hops, hopCount, counters, stop);
            } catch (Throwable t) {
                throw NativeCall.unchecked(t);
            }
        }
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
        MethodHandle entry = NativeCall.link(lookup, "uniplane_layout", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS));
        Map<String, Long> table = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(ADDRESS);
            for (int index = 0; ; index++) {
                int at = index;
                long value = NativeCall.invokeLong(() -> (long) entry.invokeExact(at, name));
                if (value < 0) {
                    return Map.copyOf(table);
                }
                table.put(name.get(ADDRESS, 0).reinterpret(256).getString(0), value);
            }
        }
    }
}
