package dev.uniplane.provider.dpdk.internal.program;

import java.util.Arrays;

/**
 * A compiled policy set: per (endpoint slot, direction) a list of rule indices, DENY rules first, each group ordered by
 * {@code RuleRef} (policy name, index), so the first matching rule is the deciding rule of the reference model's
 * counter attribution rule. A rule's peers are sorted arrays of disjoint unsigned IPv4 ranges and of disjoint unsigned
 * 128-bit IPv6 ranges (selector peers resolved to the addresses of matching local and registered remote endpoints; CIDRs
 * minus their excepts), or "any" (both families) when the
 * rule has no peers; its ports are (protocol, from, to) triples, or "any" when it has none. Immutable; {@link #evaluate}
 * allocates nothing.
 */
public final class CompiledPolicy {
    /** Direction index of ingress. */
    public static final int INGRESS = 0;
    /** Direction index of egress. */
    public static final int EGRESS = 1;
    /** {@link #evaluate} result: no selecting policy isolates the endpoint in this direction. */
    public static final int DEFAULT_ALLOW = -1;
    /** {@link #evaluate} result: isolated, and no rule matched. */
    public static final int DEFAULT_DENY = -2;
    /** Protocol code of {@code Protocol.ANY} in {@link #portProto}. */
    static final int ANY_PROTOCOL = -1;
    /** {@link #portFrom} when the port match has no range. */
    static final int NO_RANGE = -1;

    /** Indexed by {@code slot * 2 + direction}: start in {@link #lists}, length, isolated. */
    final int[] listStart;
    final int[] listLength;
    final boolean[] isolated;
    final int[] lists;
    /** Per rule. */
    final boolean[] ruleDeny;
    final int[] ruleCounter;
    final int[] rulePeerStart;
    final int[] rulePeerEnd;
    final boolean[] rulePeerAny;
    final int[] rulePortStart;
    final int[] rulePortEnd;
    /** Disjoint sorted unsigned ranges, as longs. */
    final long[] peerLow;
    final long[] peerHigh;
    /** IPv6 ranges of each rule: start and end in the {@code peer6*} arrays (disjoint, sorted, unsigned 128-bit). */
    final int[] rulePeer6Start;
    final int[] rulePeer6End;
    final long[] peer6LowHigh;
    final long[] peer6LowLow;
    final long[] peer6HighHigh;
    final long[] peer6HighLow;
    final int[] portProto;
    final int[] portFrom;
    final int[] portTo;
    private final String[] rulePolicy;
    private final int[] ruleDirection;
    private final int[] ruleIndex;

    CompiledPolicy(int[] listStart, int[] listLength, boolean[] isolated, int[] lists, boolean[] ruleDeny, int[] ruleCounter,
                   int[] rulePeerStart, int[] rulePeerEnd, boolean[] rulePeerAny, int[] rulePortStart, int[] rulePortEnd,
                   long[] peerLow, long[] peerHigh, Peers6 peers6, int[] portProto, int[] portFrom, int[] portTo,
                   String[] rulePolicy, int[] ruleDirection, int[] ruleIndex) {
        this.listStart = listStart;
        this.listLength = listLength;
        this.isolated = isolated;
        this.lists = lists;
        this.ruleDeny = ruleDeny;
        this.ruleCounter = ruleCounter;
        this.rulePeerStart = rulePeerStart;
        this.rulePeerEnd = rulePeerEnd;
        this.rulePeerAny = rulePeerAny;
        this.rulePortStart = rulePortStart;
        this.rulePortEnd = rulePortEnd;
        this.peerLow = peerLow;
        this.peerHigh = peerHigh;
        this.rulePeer6Start = peers6.ruleStart();
        this.rulePeer6End = peers6.ruleEnd();
        this.peer6LowHigh = peers6.lowHigh();
        this.peer6LowLow = peers6.lowLow();
        this.peer6HighHigh = peers6.highHigh();
        this.peer6HighLow = peers6.highLow();
        this.portProto = portProto;
        this.portFrom = portFrom;
        this.portTo = portTo;
        this.rulePolicy = rulePolicy;
        this.ruleDirection = ruleDirection;
        this.ruleIndex = ruleIndex;
    }

    /**
     * The IPv6 peer ranges of every rule.
     *
     * @param ruleStart per rule, its first range
     * @param ruleEnd   per rule, one past its last range
     * @param lowHigh   range start, high 64 bits
     * @param lowLow    range start, low 64 bits
     * @param highHigh  range end (inclusive), high 64 bits
     * @param highLow   range end, low 64 bits
     */
    record Peers6(int[] ruleStart, int[] ruleEnd, long[] lowHigh, long[] lowLow, long[] highHigh, long[] highLow) {
        static final Peers6 NONE = new Peers6(new int[0], new int[0], new long[0], new long[0], new long[0], new long[0]);
    }

    /** No policies: everything is allowed. */
    public static CompiledPolicy empty() {
        return new CompiledPolicy(new int[0], new int[0], new boolean[0], new int[0], new boolean[0], new int[0], new int[0],
                new int[0], new boolean[0], new int[0], new int[0], new long[0], new long[0], Peers6.NONE, new int[0],
                new int[0], new int[0], new String[0], new int[0], new int[0]);
    }

    /**
     * As {@link #evaluate(int, int, int, int, int)} for a peer of either family as 128 bits: IPv4 as the IPv4-mapped
     * IPv6 address {@code ::ffff:a.b.c.d} (high 0, low {@code 0xffff_xxxxxxxx}).
     */
    public int evaluate(int slot, int direction, long peerHigh, long peerLow, int protocol, int port) {
        if (peerHigh == 0 && (peerLow >>> 32) == 0xffff) {
            return evaluate(slot, direction, (int) peerLow, protocol, port);
        }
        int list = slot * 2 + direction;
        if (slot < 0 || list >= isolated.length || !isolated[list]) {
            return DEFAULT_ALLOW;
        }
        int end = listStart[list] + listLength[list];
        for (int i = listStart[list]; i < end; i++) {
            int rule = lists[i];
            if (portMatches(rule, protocol, port) && peer6Matches(rule, peerHigh, peerLow)) {
                return rule;
            }
        }
        return DEFAULT_DENY;
    }

    private boolean peer6Matches(int rule, long high, long low) {
        if (rulePeerAny[rule]) {
            return true;
        }
        int lo = rulePeer6Start[rule];
        int hi = rulePeer6End[rule] - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(peer6HighHigh[mid], peer6HighLow[mid], high, low) < 0) {
                lo = mid + 1;
            } else if (compare(peer6LowHigh[mid], peer6LowLow[mid], high, low) > 0) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    private static int compare(long aHigh, long aLow, long bHigh, long bLow) {
        int c = Long.compareUnsigned(aHigh, bHigh);
        return c != 0 ? c : Long.compareUnsigned(aLow, bLow);
    }

    /**
     * The policy check of a new flow at endpoint {@code slot} in {@code direction}.
     *
     * @param peer     the IPv4 address on the other side (destination for egress, source for ingress)
     * @param protocol IANA protocol number
     * @param port     destination port (0 for portless protocols)
     * @return the deciding rule's index ({@link #deny}, {@link #counter}), {@link #DEFAULT_ALLOW} or {@link #DEFAULT_DENY}
     */
    public int evaluate(int slot, int direction, int peer, int protocol, int port) {
        int list = slot * 2 + direction;
        if (slot < 0 || list >= isolated.length || !isolated[list]) {
            return DEFAULT_ALLOW;
        }
        long address = peer & 0xffffffffL;
        int end = listStart[list] + listLength[list];
        for (int i = listStart[list]; i < end; i++) {
            int rule = lists[i];
            if (portMatches(rule, protocol, port) && peerMatches(rule, address)) {
                return rule;
            }
        }
        return DEFAULT_DENY;
    }

    private boolean portMatches(int rule, int protocol, int port) {
        int start = rulePortStart[rule];
        int end = rulePortEnd[rule];
        if (start == end) {
            return true;
        }
        for (int i = start; i < end; i++) {
            int p = portProto[i];
            if (portFrom[i] == NO_RANGE) {
                if (p == ANY_PROTOCOL || p == protocol) {
                    return true;
                }
            } else if ((p == ANY_PROTOCOL ? protocol == 6 || protocol == 17 || protocol == 132 : p == protocol)
                    && port >= portFrom[i] && port <= portTo[i]) {
                return true;
            }
        }
        return false;
    }

    private boolean peerMatches(int rule, long address) {
        if (rulePeerAny[rule]) {
            return true;
        }
        int lo = rulePeerStart[rule];
        int hi = rulePeerEnd[rule] - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (peerHigh[mid] < address) {
                lo = mid + 1;
            } else if (peerLow[mid] > address) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** Whether compiled rule {@code rule} is a DENY rule. */
    public boolean deny(int rule) {
        return ruleDeny[rule];
    }

    /** The rule-counter slot of compiled rule {@code rule}. */
    public int counter(int rule) {
        return ruleCounter[rule];
    }

    /** Number of compiled rules (each rule of the set once). */
    public int ruleCount() {
        return ruleDeny.length;
    }

    /** "policy/direction[index]" of a compiled rule, for tests and logs. */
    public String describe(int rule) {
        return rulePolicy[rule] + "/" + (ruleDirection[rule] == INGRESS ? "ingress" : "egress") + "[" + ruleIndex[rule] + "]";
    }

    /** The policy name of a compiled rule. */
    public String policy(int rule) {
        return rulePolicy[rule];
    }

    /** The direction index of a compiled rule. */
    public int direction(int rule) {
        return ruleDirection[rule];
    }

    /** The rule's index in its policy's list. */
    public int index(int rule) {
        return ruleIndex[rule];
    }

    @Override
    public String toString() {
        return "CompiledPolicy[" + ruleCount() + " rules, " + Arrays.stream(listLength).sum() + " references]";
    }
}
