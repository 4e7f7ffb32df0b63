package dev.uniplane.provider.dpdk.internal.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Creates downcall handles for the shim's and DPDK's symbols. */
@SuppressWarnings("restricted") // native access is this class's purpose; the JVM runs with --enable-native-access
final class Downcalls {
    /** Only for calls that are short, never block and never upcall: they hold off safepoints (NOTES 3.5). */
    static final Linker.Option CRITICAL = Linker.Option.critical(false);

    private Downcalls() {
    }

    static MethodHandle bind(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment address = ShimLibrary.load().lookup().find(symbol)
                .orElseThrow(() -> new IllegalStateException("symbol " + symbol + " not found in the DPDK shim or the librte_*.so.23 it links"));
        return Linker.nativeLinker().downcallHandle(address, descriptor, options);
    }

    /** Unchecked exceptions and errors pass through; a checked one (impossible from a downcall) is wrapped. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected checked exception from a downcall", t);
    }
}
