package dev.uniplane.spi.policy;

import dev.uniplane.api.PortRange;
import java.util.ArrayList;
import java.util.List;

/** Port ranges as aligned {@link PortPrefix}es: the one range-to-prefix split every encoder uses. */
public final class PortPrefixes {
    private PortPrefixes() {
    }

    /** The fewest aligned prefixes that cover {@code range} exactly, in ascending order. */
    public static List<PortPrefix> of(PortRange range) {
        return of(range.from(), range.to());
    }

    /**
     * The fewest aligned prefixes that cover the inclusive range [{@code from}, {@code to}] of 16-bit ports exactly,
     * in ascending order (greedy: at each start the largest aligned block that stays inside the range).
     */
    public static List<PortPrefix> of(int from, int to) {
        if (from < 0 || to > 0xffff || to < from) {
            throw new IllegalArgumentException("port range " + from + "-" + to + " is not within 0-65535");
        }
        List<PortPrefix> out = new ArrayList<>();
        int lo = from;
        while (lo <= to) {
            int size = lo == 0 ? 1 << 16 : Integer.lowestOneBit(lo);
            while (lo + size - 1 > to) {
                size >>= 1;
            }
            out.add(new PortPrefix(lo, 16 - Integer.numberOfTrailingZeros(size)));
            lo += size;
        }
        return out;
    }
}
