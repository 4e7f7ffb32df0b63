package dev.uniplane.tck.model;

import dev.uniplane.api.NextHop;

import java.util.List;

/**
 * The model's flow-consistent weighted ECMP choice: a 64-bit mix (splitmix64 finaliser) of the whole 5-tuple, reduced
 * modulo the total weight and mapped onto the hops' cumulative weights. Each hop receives a share of flows
 * proportional to its weight.
 */
public final class EcmpHash {
    private EcmpHash() {
    }

    /** A well-mixed 64-bit hash of the 5-tuple (direction-sensitive). */
    public static long hash(FlowKey key) {
        long h = 0x9E37_79B9_7F4A_7C15L;
        h = mix(h ^ key.source().family().ordinal());
        h = mix(h ^ key.source().high());
        h = mix(h ^ key.source().low());
        h = mix(h ^ key.destination().high());
        h = mix(h ^ key.destination().low());
        h = mix(h ^ ((long) key.protocol() << 32 | (long) key.sourcePort() << 16 | key.destinationPort()));
        return h;
    }

    /** The hop this flow takes among {@code hops} (not empty). */
    public static NextHop select(List<NextHop> hops, FlowKey key) {
        long total = hops.stream().mapToLong(NextHop::weight).sum();
        long bucket = Long.remainderUnsigned(hash(key), total);
        for (NextHop hop : hops) {
            bucket -= hop.weight();
            if (bucket < 0) {
                return hop;
            }
        }
        throw new AssertionError("unreachable");
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
