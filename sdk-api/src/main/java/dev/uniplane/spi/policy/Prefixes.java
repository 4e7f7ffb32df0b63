package dev.uniplane.spi.policy;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import java.util.ArrayList;
import java.util.List;

/** Prefix arithmetic for policy resolution. */
public final class Prefixes {
    private Prefixes() {
    }

    /**
     * {@code cidr} minus every prefix of {@code except}, as disjoint prefixes in address order: {@code cidr} itself
     * when no except lies inside it, else its two halves, each split again while an except lies strictly inside.
     */
    public static List<IpPrefix> subtract(IpPrefix cidr, List<IpPrefix> except) {
        List<IpPrefix> out = new ArrayList<>();
        subtract(cidr, except, out);
        return out;
    }

    private static void subtract(IpPrefix p, List<IpPrefix> except, List<IpPrefix> out) {
        List<IpPrefix> inside = new ArrayList<>();
        for (IpPrefix e : except) {
            if (e.contains(p)) {
                return;
            }
            if (p.contains(e)) {
                inside.add(e);
            }
        }
        if (inside.isEmpty()) {
            out.add(p);
            return;
        }
        // only the excepts inside p matter below it, which keeps long except lists cheap
        int length = p.length() + 1;
        subtract(new IpPrefix(p.address(), length), inside, out);
        subtract(new IpPrefix(withBit(p.address(), p.length()), length), inside, out);
    }

    /** The address with bit {@code bit} (0 = most significant) set. */
    private static IpAddress withBit(IpAddress a, int bit) {
        if (a.family() == IpFamily.IPV4) {
            return IpAddress.ofV4(a.v4Value() | (1 << (31 - bit)));
        }
        return bit < 64 ? IpAddress.ofV6(a.high() | (1L << (63 - bit)), a.low()) : IpAddress.ofV6(a.high(), a.low() | (1L << (127 - bit)));
    }
}
