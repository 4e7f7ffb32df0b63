package dev.uniplane.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one way every native binding (libc here, libbpf in provider-ebpf, DPDK in provider-dpdk) links and calls C:
 * <ul>
 * <li>{@link #link} and {@link #linkCapturingErrno} make the downcall handles; keep them in {@code static final}
 *     fields and call them with {@code invokeExact};</li>
 * <li>errno (NOTES 2.3): a handle from {@link #linkCapturingErrno} takes the calling thread's {@link #errnoSegment()}
 *     as its first argument, and {@link #errno(MemorySegment)} reads it right after that very call, never later
 *     (the JVM may clobber the thread's errno between downcalls);</li>
 * <li>what {@code invokeExact} throws leaves as an unchecked exception, the same everywhere: control-path wrappers
 *     pass the call as a lambda to {@link #invokeInt} (and its siblings), which do the try/catch once; per-packet
 *     and per-element calls, where a capturing lambda could allocate when C2 does not inline it, keep their own
 *     {@code try/catch (Throwable t) { throw NativeCall.unchecked(t); }}.</li>
 * </ul>
 */
@SuppressWarnings("restricted") // native access is this class's purpose; the JVM runs with --enable-native-access
public final class NativeCall {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final ThreadLocal<MemorySegment> ERRNO_SEGMENT =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    /** A downcall returning {@code int}. */
    @FunctionalInterface
    public interface IntCall {
        /** Makes the call. */
        int call() throws Throwable;
    }

    /** A downcall returning {@code long}. */
    @FunctionalInterface
    public interface LongCall {
        /** Makes the call. */
        long call() throws Throwable;
    }

    /** A downcall returning a pointer. */
    @FunctionalInterface
    public interface PointerCall {
        /** Makes the call. */
        MemorySegment call() throws Throwable;
    }

    /** A downcall returning nothing. */
    @FunctionalInterface
    public interface VoidCall {
        /** Makes the call. */
        void call() throws Throwable;
    }

    private NativeCall() {
    }

    /** The C standard library of the process. */
    public static SymbolLookup libc() {
        return LINKER.defaultLookup();
    }

    /**
     * A downcall handle for {@code symbol} of {@code library}.
     *
     * @throws UnsatisfiedLinkError when the library has no such symbol
     */
    public static MethodHandle link(SymbolLookup library, String symbol, FunctionDescriptor descriptor,
                                    Linker.Option... options) {
        return LINKER.downcallHandle(find(library, symbol), descriptor, options);
    }

    /**
     * Like {@link #link}, with errno captured: the handle takes {@link #errnoSegment()} as an extra first argument.
     *
     * @throws UnsatisfiedLinkError when the library has no such symbol
     */
    public static MethodHandle linkCapturingErrno(SymbolLookup library, String symbol, FunctionDescriptor descriptor,
                                                  Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = CAPTURE_ERRNO;
        System.arraycopy(options, 0, all, 1, options.length);
        return LINKER.downcallHandle(find(library, symbol), descriptor, all);
    }

    private static MemorySegment find(SymbolLookup library, String symbol) {
        return library.find(symbol).orElseThrow(() -> new UnsatisfiedLinkError("no symbol " + symbol));
    }

    /** The calling thread's errno capture segment (one per thread, reused by every call). */
    public static MemorySegment errnoSegment() {
        return ERRNO_SEGMENT.get();
    }

    /** The errno captured in {@code capture} by the call that just returned. */
    public static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /**
     * What a downcall threw, to rethrow with {@code throw}: runtime exceptions as they are, errors thrown directly, a
     * checked exception (which a downcall cannot throw) wrapped.
     */
    public static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected checked exception from a downcall", t);
    }

    /** Makes {@code call}; what it throws leaves as by {@link #unchecked}. */
    public static int invokeInt(IntCall call) {
        try {
            return call.call();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** Makes {@code call}; what it throws leaves as by {@link #unchecked}. */
    public static long invokeLong(LongCall call) {
        try {
            return call.call();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** Makes {@code call}; what it throws leaves as by {@link #unchecked}. */
    public static MemorySegment invokePointer(PointerCall call) {
        try {
            return call.call();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** Makes {@code call}; what it throws leaves as by {@link #unchecked}. */
    public static void invokeVoid(VoidCall call) {
        try {
            call.call();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }
}
