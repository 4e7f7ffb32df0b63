package dev.uniplane.provider.ebpf.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

import dev.uniplane.linux.NativeCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin FFM binding of libbpf 1.1.2 ({@code libbpf.so.1}), jextract style: one static method per C function with the
 * C name and the exact descriptor of NOTES 2.1. Int-returning calls return {@code -errno} (libbpf strict mode);
 * pointer-returning calls are linked with errno capture and return a {@link Ptr} holding the pointer and the errno
 * captured by that very call. The library is looked up on first use; {@link #loadFailure()} tells why it could not be.
 */
public final class LibBpf {

    /** libbpf print levels. */
    public static final int LIBBPF_WARN = 0;
    public static final int LIBBPF_INFO = 1;
    public static final int LIBBPF_DEBUG = 2;

    /** tc verdicts. */
    public static final int TC_ACT_OK = 0;
    public static final int TC_ACT_SHOT = 2;
    public static final int TC_ACT_REDIRECT = 7;

    /** bpf_map_update_elem flags. */
    public static final long BPF_ANY = 0;
    public static final long BPF_NOEXIST = 1;
    public static final long BPF_EXIST = 2;

    /** The errno of a failed pointer-returning call, captured by that call. */
    public record Ptr(MemorySegment address, int errno) {
        public boolean isNull() {
            return address.equals(MemorySegment.NULL);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger("dev.uniplane.provider.ebpf.libbpf");
    private static final int LOG_BUFFER = 1 << 20;
    private static final int RECENT_LINES = 200;
    private static final ThreadLocal<MemorySegment> LOG_SEGMENT =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(LOG_BUFFER));
    private static final ThreadLocal<Deque<String>> RECENT = ThreadLocal.withInitial(ArrayDeque::new);
    private static volatile boolean verbose = Boolean.getBoolean("uniplane.ebpf.verbose");

    private LibBpf() {
    }

    /** The handles, resolved when first needed so that a missing library only fails the calls, not class loading. */
    @SuppressWarnings("restricted") // native access is this class's purpose; the JVM runs with --enable-native-access
    private static final class H {
        static final Linker LINKER = Linker.nativeLinker();
        static final SymbolLookup LIB = SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
        static final SymbolLookup LIBC = NativeCall.libc();

        static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
        static final ValueLayout.OfLong J = ValueLayout.JAVA_LONG;
        static final ValueLayout A = ValueLayout.ADDRESS;

        static final MethodHandle OPEN_MEM = errno("bpf_object__open_mem", FunctionDescriptor.of(A, A, J, A));
        static final MethodHandle OBJ_LOAD = plain("bpf_object__load", FunctionDescriptor.of(I, A));
        static final MethodHandle OBJ_CLOSE = plain("bpf_object__close", FunctionDescriptor.ofVoid(A));
        static final MethodHandle FIND_PROG = errno("bpf_object__find_program_by_name", FunctionDescriptor.of(A, A, A));
        static final MethodHandle FIND_MAP = errno("bpf_object__find_map_by_name", FunctionDescriptor.of(A, A, A));
        static final MethodHandle OBJ_BTF = plain("bpf_object__btf", FunctionDescriptor.of(A, A));
        static final MethodHandle PROG_FD = plain("bpf_program__fd", FunctionDescriptor.of(I, A));
        static final MethodHandle MAP_FD = plain("bpf_map__fd", FunctionDescriptor.of(I, A));
        static final MethodHandle MAP_KEY_SIZE = plain("bpf_map__key_size", FunctionDescriptor.of(I, A));
        static final MethodHandle MAP_VALUE_SIZE = plain("bpf_map__value_size", FunctionDescriptor.of(I, A));
        static final MethodHandle MAP_MAX_ENTRIES = plain("bpf_map__max_entries", FunctionDescriptor.of(I, A));
        static final MethodHandle MAP_TYPE = plain("bpf_map__type", FunctionDescriptor.of(I, A));
        static final MethodHandle MAP_SET_MAX = plain("bpf_map__set_max_entries", FunctionDescriptor.of(I, A, I));
        static final MethodHandle MAP_PIN = plain("bpf_map__pin", FunctionDescriptor.of(I, A, A));
        static final MethodHandle MAP_UNPIN = plain("bpf_map__unpin", FunctionDescriptor.of(I, A, A));
        static final MethodHandle MAP_SET_PIN_PATH = plain("bpf_map__set_pin_path", FunctionDescriptor.of(I, A, A));
        static final MethodHandle OBJ_GET = plain("bpf_obj_get", FunctionDescriptor.of(I, A));
        static final MethodHandle HOOK_CREATE = plain("bpf_tc_hook_create", FunctionDescriptor.of(I, A));
        static final MethodHandle HOOK_DESTROY = plain("bpf_tc_hook_destroy", FunctionDescriptor.of(I, A));
        static final MethodHandle TC_ATTACH = plain("bpf_tc_attach", FunctionDescriptor.of(I, A, A));
        static final MethodHandle TC_DETACH = plain("bpf_tc_detach", FunctionDescriptor.of(I, A, A));
        static final MethodHandle LINK_CREATE = plain("bpf_link_create", FunctionDescriptor.of(I, I, I, I, A));
        static final MethodHandle TEST_RUN = plain("bpf_prog_test_run_opts", FunctionDescriptor.of(I, I, A));
        static final MethodHandle NUM_CPUS = plain("libbpf_num_possible_cpus", FunctionDescriptor.of(I));
        static final MethodHandle MAP_UPDATE = plain("bpf_map_update_elem", FunctionDescriptor.of(I, I, A, A, J));
        static final MethodHandle MAP_LOOKUP = plain("bpf_map_lookup_elem", FunctionDescriptor.of(I, I, A, A));
        static final MethodHandle MAP_DELETE = plain("bpf_map_delete_elem", FunctionDescriptor.of(I, I, A));
        static final MethodHandle MAP_NEXT_KEY = plain("bpf_map_get_next_key", FunctionDescriptor.of(I, I, A, A));
        static final MethodHandle MAP_UPDATE_BATCH = plain("bpf_map_update_batch", FunctionDescriptor.of(I, I, A, A, A, A));
        static final MethodHandle SET_PRINT = plain("libbpf_set_print", FunctionDescriptor.of(A, A));
        static final MethodHandle BTF_FIND = plain("btf__find_by_name_kind", FunctionDescriptor.of(I, A, A, I));
        static final MethodHandle BTF_TYPE = plain("btf__type_by_id", FunctionDescriptor.of(A, A, I));
        static final MethodHandle BTF_NAME = plain("btf__name_by_offset", FunctionDescriptor.of(A, A, I));
        static final MethodHandle BTF_RESOLVE_SIZE = plain("btf__resolve_size", FunctionDescriptor.of(J, A, I));
        static final MethodHandle VSNPRINTF = NativeCall.link(LIBC, "vsnprintf", FunctionDescriptor.of(I, A, J, A, A));
        static final MethodHandle CLOSE = NativeCall.link(LIBC, "close", FunctionDescriptor.of(I, I));

        static {
            installPrintCallback();
        }

        private static MethodHandle plain(String name, FunctionDescriptor fd) {
            return NativeCall.link(LIB, name, fd);
        }

        private static MethodHandle errno(String name, FunctionDescriptor fd) {
            return NativeCall.linkCapturingErrno(LIB, name, fd);
        }

        private static void installPrintCallback() {
            try {
                MethodHandle target = MethodHandles.lookup().findStatic(LibBpf.class, "print",
                        MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
                // The stub must outlive every libbpf call, hence the global arena.
                MemorySegment stub = LINKER.upcallStub(target, FunctionDescriptor.of(I, I, A, A), Arena.global());
                MemorySegment ignored = (MemorySegment) SET_PRINT.invokeExact(stub);
            } catch (Throwable t) {
                LOG.warn("cannot route libbpf logs to SLF4J: {}", t.toString());
            }
        }
    }

    private static final class Probe {
        static final Optional<String> FAILURE = probe();

        private static Optional<String> probe() {
            try {
                MethodHandle h = H.NUM_CPUS;
                return Optional.empty();
            } catch (Throwable t) {
                Throwable root = t instanceof ExceptionInInitializerError e && e.getCause() != null ? e.getCause() : t;
                return Optional.of("libbpf.so.1 cannot be loaded: " + root.getMessage());
            }
        }
    }

    /** Why libbpf cannot be used here, or empty when it can. Never throws. */
    public static Optional<String> loadFailure() {
        return Probe.FAILURE;
    }

    /** Whether {@code level 2} (debug) libbpf messages are logged; off by default (verifier logs are large). */
    public static void setVerbose(boolean on) {
        verbose = on;
    }

    /**
     * The last libbpf log lines of the calling thread (the verifier's complaint after a failed load), oldest first,
     * and clears them.
     */
    public static String drainRecentLog() {
        Deque<String> lines = RECENT.get();
        String text = String.join("\n", lines);
        lines.clear();
        return text;
    }

    /** libbpf print callback: never lets a Throwable escape (it would kill the JVM). */
    @SuppressWarnings("unused")
    private static int print(int level, MemorySegment format, MemorySegment vaList) {
        try {
            if (level >= LIBBPF_DEBUG && !verbose) {
                return 0;
            }
            MemorySegment buf = LOG_SEGMENT.get();
            // x86_64 SysV va_list is a pointer; it can be consumed once, hence one big buffer.
            int n = (int) H.VSNPRINTF.invokeExact(buf, (long) LOG_BUFFER, format, vaList);
            if (n <= 0) {
                return 0;
            }
            String text = buf.getString(0).stripTrailing();
            Deque<String> recent = RECENT.get();
            for (String line : text.split("\n")) {
                if (recent.size() >= RECENT_LINES) {
                    recent.removeFirst();
                }
                recent.addLast(line);
            }
            switch (level) {
                case LIBBPF_WARN -> LOG.warn("{}", text);
                case LIBBPF_INFO -> LOG.info("{}", text);
                default -> LOG.debug("{}", text);
            }
        } catch (Throwable t) {
            // swallow: an exception escaping an upcall terminates the JVM
        }
        return 0;
    }

    // ----------------------------------------------------------------------------------------------- bpf_object

    public static Ptr bpf_object__open_mem(MemorySegment buf, long size, MemorySegment opts) {
        MemorySegment capture = NativeCall.errnoSegment();
        MemorySegment p = NativeCall.invokePointer(() -> (MemorySegment) H.OPEN_MEM.invokeExact(capture, buf, size, opts));
        return new Ptr(p, NativeCall.errno(capture));
    }

    public static int bpf_object__load(MemorySegment obj) {
        return NativeCall.invokeInt(() -> (int) H.OBJ_LOAD.invokeExact(obj));
    }

    public static void bpf_object__close(MemorySegment obj) {
        NativeCall.invokeVoid(() -> { H.OBJ_CLOSE.invokeExact(obj); });
    }

    public static Ptr bpf_object__find_program_by_name(MemorySegment obj, MemorySegment name) {
        MemorySegment capture = NativeCall.errnoSegment();
        MemorySegment p = NativeCall.invokePointer(() -> (MemorySegment) H.FIND_PROG.invokeExact(capture, obj, name));
        return new Ptr(p, NativeCall.errno(capture));
    }

    public static Ptr bpf_object__find_map_by_name(MemorySegment obj, MemorySegment name) {
        MemorySegment capture = NativeCall.errnoSegment();
        MemorySegment p = NativeCall.invokePointer(() -> (MemorySegment) H.FIND_MAP.invokeExact(capture, obj, name));
        return new Ptr(p, NativeCall.errno(capture));
    }

    public static MemorySegment bpf_object__btf(MemorySegment obj) {
        return NativeCall.invokePointer(() -> (MemorySegment) H.OBJ_BTF.invokeExact(obj));
    }

    public static int bpf_program__fd(MemorySegment prog) {
        return NativeCall.invokeInt(() -> (int) H.PROG_FD.invokeExact(prog));
    }

    // ----------------------------------------------------------------------------------------------- bpf_map (libbpf object)

    public static int bpf_map__fd(MemorySegment map) {
        return intCall(H.MAP_FD, map);
    }

    public static int bpf_map__key_size(MemorySegment map) {
        return intCall(H.MAP_KEY_SIZE, map);
    }

    public static int bpf_map__value_size(MemorySegment map) {
        return intCall(H.MAP_VALUE_SIZE, map);
    }

    public static int bpf_map__max_entries(MemorySegment map) {
        return intCall(H.MAP_MAX_ENTRIES, map);
    }

    public static int bpf_map__type(MemorySegment map) {
        return intCall(H.MAP_TYPE, map);
    }

    private static int intCall(MethodHandle h, MemorySegment arg) {
        return NativeCall.invokeInt(() -> (int) h.invokeExact(arg));
    }

    public static int bpf_map__set_max_entries(MemorySegment map, int maxEntries) {
        return NativeCall.invokeInt(() -> (int) H.MAP_SET_MAX.invokeExact(map, maxEntries));
    }

    public static int bpf_map__pin(MemorySegment map, MemorySegment path) {
        return NativeCall.invokeInt(() -> (int) H.MAP_PIN.invokeExact(map, path));
    }

    /** Before load: libbpf reuses a compatible map pinned at {@code path}, or creates the map and pins it there. */
    public static int bpf_map__set_pin_path(MemorySegment map, MemorySegment path) {
        return NativeCall.invokeInt(() -> (int) H.MAP_SET_PIN_PATH.invokeExact(map, path));
    }

    public static int bpf_map__unpin(MemorySegment map, MemorySegment path) {
        return NativeCall.invokeInt(() -> (int) H.MAP_UNPIN.invokeExact(map, path));
    }

    public static int bpf_obj_get(MemorySegment path) {
        return NativeCall.invokeInt(() -> (int) H.OBJ_GET.invokeExact(path));
    }

    // ----------------------------------------------------------------------------------------------- tc, links, test_run

    public static int bpf_tc_hook_create(MemorySegment hook) {
        return intCall(H.HOOK_CREATE, hook);
    }

    public static int bpf_tc_hook_destroy(MemorySegment hook) {
        return intCall(H.HOOK_DESTROY, hook);
    }

    public static int bpf_tc_attach(MemorySegment hook, MemorySegment opts) {
        return NativeCall.invokeInt(() -> (int) H.TC_ATTACH.invokeExact(hook, opts));
    }

    public static int bpf_tc_detach(MemorySegment hook, MemorySegment opts) {
        return NativeCall.invokeInt(() -> (int) H.TC_DETACH.invokeExact(hook, opts));
    }

    public static int bpf_link_create(int progFd, int targetFd, int attachType, MemorySegment opts) {
        return NativeCall.invokeInt(() -> (int) H.LINK_CREATE.invokeExact(progFd, targetFd, attachType, opts));
    }

    public static int bpf_prog_test_run_opts(int progFd, MemorySegment opts) {
        return NativeCall.invokeInt(() -> (int) H.TEST_RUN.invokeExact(progFd, opts));
    }

    public static int libbpf_num_possible_cpus() {
        return NativeCall.invokeInt(() -> (int) H.NUM_CPUS.invokeExact());
    }

    // ----------------------------------------------------------------------------------------------- map syscalls by fd
    // Called per map element, so invoked directly (no lambda), as NativeCall prescribes for hot calls.


    public static int bpf_map_update_elem(int fd, MemorySegment key, MemorySegment value, long flags) {
        try {
            return (int) H.MAP_UPDATE.invokeExact(fd, key, value, flags);
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }

    public static int bpf_map_lookup_elem(int fd, MemorySegment key, MemorySegment value) {
        try {
            return (int) H.MAP_LOOKUP.invokeExact(fd, key, value);
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }

    public static int bpf_map_delete_elem(int fd, MemorySegment key) {
        try {
            return (int) H.MAP_DELETE.invokeExact(fd, key);
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }

    public static int bpf_map_get_next_key(int fd, MemorySegment key, MemorySegment nextKey) {
        try {
            return (int) H.MAP_NEXT_KEY.invokeExact(fd, key, nextKey);
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }

    /** {@code count} points to a u32: n on input, processed on output. */
    public static int bpf_map_update_batch(int fd, MemorySegment keys, MemorySegment values, MemorySegment count,
                                           MemorySegment opts) {
        try {
            return (int) H.MAP_UPDATE_BATCH.invokeExact(fd, keys, values, count, opts);
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }

    // ----------------------------------------------------------------------------------------------- BTF (layout checks)

    public static int btf__find_by_name_kind(MemorySegment btf, MemorySegment name, int kind) {
        return NativeCall.invokeInt(() -> (int) H.BTF_FIND.invokeExact(btf, name, kind));
    }

    public static MemorySegment btf__type_by_id(MemorySegment btf, int id) {
        return NativeCall.invokePointer(() -> (MemorySegment) H.BTF_TYPE.invokeExact(btf, id));
    }

    public static MemorySegment btf__name_by_offset(MemorySegment btf, int offset) {
        return NativeCall.invokePointer(() -> (MemorySegment) H.BTF_NAME.invokeExact(btf, offset));
    }

    public static long btf__resolve_size(MemorySegment btf, int id) {
        return NativeCall.invokeLong(() -> (long) H.BTF_RESOLVE_SIZE.invokeExact(btf, id));
    }

    // ----------------------------------------------------------------------------------------------- libc

    /** libc {@code close(2)} for fds that libbpf does not own (bpf_obj_get, bpf_link_create). */
    public static int close(int fd) {
        return NativeCall.invokeInt(() -> (int) H.CLOSE.invokeExact(fd));
    }
}
