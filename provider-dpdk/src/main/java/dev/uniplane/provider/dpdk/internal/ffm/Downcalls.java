package dev.uniplane.provider.dpdk.internal.ffm;

import dev.uniplane.linux.NativeCall;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Creates downcall handles for the shim's and DPDK's symbols through {@link NativeCall}, which also calls them: control
 * calls through its lambdas, the per-packet ones (rx/tx burst, mbuf alloc/free, LPM lookups, rdtsc) directly with
 * {@link NativeCall#unchecked}, so that they stay free of allocation.
 */
final class Downcalls {
    /** Only for calls that are short, never block and never upcall: they hold off safepoints (NOTES 3.5). */
    static final Linker.Option CRITICAL = Linker.Option.critical(false);

    private Downcalls() {
    }

    static MethodHandle bind(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        SymbolLookup shim = ShimLibrary.load().lookup();
        if (shim.find(symbol).isEmpty()) {
            throw new IllegalStateException("symbol " + symbol + " not found in the DPDK shim or the librte_*.so.23 it links");
        }
        return NativeCall.link(shim, symbol, descriptor, options);
    }
}
