package dev.uniplane.provider.dpdk.internal.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.uniplane.linux.NativeCall;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.OptionalInt;

/** Reading an IPv4 LPM's rules back ({@code rte_lpm_is_rule_present}), for the backend inspector. Not on the fast path. */
public final class RteLpmRules {
    private static final MethodHandle IS_RULE_PRESENT = Downcalls.bind("rte_lpm_is_rule_present",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_BYTE, ADDRESS));

    private RteLpmRules() {
    }

    /** The next hop of the rule for exactly {@code ip/depth} (host-order address), or empty when there is no such rule. */
    public static OptionalInt rule(MemorySegment lpm, int ip, int depth) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nextHop = arena.allocate(JAVA_INT);
            int rc = NativeCall.invokeInt(() -> (int) IS_RULE_PRESENT.invokeExact(lpm, ip, (byte) depth, nextHop));
            DpdkException.check("rte_lpm_is_rule_present", rc);
            return rc == 1 ? OptionalInt.of(nextHop.get(JAVA_INT, 0)) : OptionalInt.empty();
        }
    }
}
