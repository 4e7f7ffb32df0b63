package dev.uniplane.provider.dpdk.internal.fastpath;

import dev.uniplane.api.FlowTimeouts;

/**
 * The connection tracker of the {@link Router}: an open-addressing hash (linear probing, at most {@link #MAX_PROBE}
 * slots) on the normalised 5-tuple (the lower (address, port) end first), 16 longs (128 bytes) per entry: key (two
 * 128-bit addresses, IPv4 as IPv4-mapped IPv6 ({@link #v4}), and protocol + ports), status, last seen (ns), policy
 * revision, TCP state, which end opened the flow, and the endpoint slots
 * of the opener (egress re-check after an apply) and of the receiver when the flow opened (the re-check routes the
 * opening 5-tuple again instead). Expired entries are dead: a lookup treats them
 * as absent and an insert reuses them, like tombstones. Only the lcore thread touches it; nothing is allocated.
 *
 * <p>The entries live in one {@code long[]} on the Java heap rather than off-heap: only Java reads them, and an array
 * access is a handful of C2 nodes where an off-heap {@code MemorySegment} access is ~650 while the JIT parses it (they
 * fold away later, but they count against C2's inlining budget of 18,000 nodes per compiled method). With the table
 * off-heap, the flow lookup alone used a third of the router's budget, and the router's stages could not all be
 * inlined into {@code Router.route}.
 */
public final class FlowTable {
    static final int MAX_PROBE = 32;
    static final byte EMPTY = 0;
    static final byte LIVE = 1;
    static final byte DEAD = 2;
    // TCP states, as the reference model's TcpState
    static final byte SYN_SENT = 0;
    static final byte SYN_RECEIVED = 1;
    static final byte ESTABLISHED = 2;
    static final byte CLOSING = 3;
    static final byte CLOSED = 4;
    static final byte NOT_TCP = 5;
    /** High half of an IPv4-mapped IPv6 address. */
    static final long V4_HIGH = 0;
    // an entry's longs: the key and the status (what a lookup reads) first, in the entry's first 48 bytes
    private static final int SHIFT = 4;
    private static final int A_HIGH = 0;
    private static final int A_LOW = 1;
    private static final int B_HIGH = 2;
    private static final int B_LOW = 3;
    private static final int K1 = 4;
    private static final int STATUS = 5;
    private static final int SEEN = 6;
    private static final int REVISION = 7;
    private static final int STATE = 8;
    private static final int OPENER_LOW = 9;
    private static final int OPENER = 10;
    private static final int RECEIVER = 11;

    private final long[] entries;
    private final int mask;
    private final long tcpEstablished;
    private final long tcpOther;
    private final long udp;
    private final long icmp;
    private int live;
    private long full;

    /** A table of {@code capacity} (a power of two) entries. */
    public FlowTable(int capacity, FlowTimeouts timeouts) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        this.entries = new long[capacity << SHIFT];
        this.mask = capacity - 1;
        this.tcpEstablished = timeouts.tcpEstablished().toNanos();
        this.tcpOther = timeouts.tcpOther().toNanos();
        this.udp = timeouts.udp().toNanos();
        this.icmp = timeouts.icmp().toNanos();
    }

    /** Low half of the IPv4-mapped IPv6 address {@code ::ffff:a.b.c.d} (the high half is {@link #V4_HIGH}). */
    static long v4(int address) {
        return 0xffff_0000_0000L | (address & 0xffffffffL);
    }

    /** Whether (high, low) is an IPv4-mapped address. */
    static boolean isV4(long high, long low) {
        return high == V4_HIGH && (low >>> 32) == 0xffff;
    }

    /** The protocol and ports word of the key. */
    static long key1(int protocol, int portA, int portB) {
        return ((long) protocol << 32) | ((long) (portA & 0xffff) << 16) | (portB & 0xffff);
    }

    /** Whether (src, sport) is the lower end of the normalised tuple. */
    static boolean sourceIsLow(long srcHigh, long srcLow, int sport, long dstHigh, long dstLow, int dport) {
        int c = Long.compareUnsigned(srcHigh, dstHigh);
        if (c == 0) {
            c = Long.compareUnsigned(srcLow, dstLow);
        }
        return c < 0 || (c == 0 && sport <= dport);
    }

    private static int hash(long aHigh, long aLow, long bHigh, long bLow, long k1) {
        long h = (aHigh * 0x9E3779B97F4A7C15L ^ aLow) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ bHigh) * 0x9E3779B97F4A7C15L ^ bLow;
        h = (h ^ k1) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        h *= 0x94D049BB133111EBL;
        return (int) (h ^ (h >>> 32));
    }

    private boolean matches(int at, long aHigh, long aLow, long bHigh, long bLow, long k1) {
        return entries[at + A_LOW] == aLow && entries[at + B_LOW] == bLow
                && entries[at + K1] == k1 && entries[at + A_HIGH] == aHigh
                && entries[at + B_HIGH] == bHigh;
    }

    /**
     * The live entry for the key (lower end a, higher end b) at {@code now}, or -1 (an expired match is marked dead).
     *
     * <p>Only the common case, a live unexpired match in the first slot probed, is handled here; everything else (a
     * miss, a collision, an expired match) goes to {@link #probe}, which starts over at the same slot. This keeps what
     * C2 inlines into the router's policy stage small: no loop, and a compiled size well under {@code InlineSmallCode}
     * (2,500 bytes; a method compiled on its own above that size is called instead of inlined).
     */
    int find(long aHigh, long aLow, long bHigh, long bLow, long k1, long now) {
        int i = hash(aHigh, aLow, bHigh, bLow, k1) & mask;
        int at = i << SHIFT;
        if ((byte) entries[at + STATUS] == LIVE && matches(at, aHigh, aLow, bHigh, bLow, k1) && !expired(at, now)) {
            return i;
        }
        return probe(i, aHigh, aLow, bHigh, bLow, k1, now);
    }

    /** {@link #find} from slot {@code first} on: linear probing over at most {@link #MAX_PROBE} slots, expiry. */
    private int probe(int first, long aHigh, long aLow, long bHigh, long bLow, long k1, long now) {
        int i = first;
        for (int probe = 0; probe < MAX_PROBE; probe++, i = (i + 1) & mask) {
            int at = i << SHIFT;
            byte status = (byte) entries[at + STATUS];
            if (status == EMPTY) {
                return -1;
            }
            if (status == LIVE && matches(at, aHigh, aLow, bHigh, bLow, k1)) {
                if (expired(at, now)) {
                    kill(i);
                    return -1;
                }
                return i;
            }
        }
        return -1;
    }

    /** Opens a flow (the key must not be live); false when the probe window is full of live entries. */
    boolean insert(long aHigh, long aLow, long bHigh, long bLow, long k1, long now, long revision, byte state,
                   boolean openerLow, int opener, int receiver) {
        int i = hash(aHigh, aLow, bHigh, bLow, k1) & mask;
        for (int probe = 0; probe < MAX_PROBE; probe++, i = (i + 1) & mask) {
            int at = i << SHIFT;
            byte status = (byte) entries[at + STATUS];
            if (status == LIVE && !expired(at, now)) {
                continue;
            }
            if (status != LIVE) {
                live++;
            }
            entries[at + A_HIGH] = aHigh;
            entries[at + A_LOW] = aLow;
            entries[at + B_HIGH] = bHigh;
            entries[at + B_LOW] = bLow;
            entries[at + K1] = k1;
            entries[at + SEEN] = now;
            entries[at + REVISION] = revision;
            entries[at + STATE] = state;
            entries[at + OPENER_LOW] = openerLow ? 1 : 0;
            entries[at + OPENER] = opener;
            entries[at + RECEIVER] = receiver;
            entries[at + STATUS] = LIVE;
            return true;
        }
        full++;
        return false;
    }

    private boolean expired(int at, long now) {
        long idle = now - entries[at + SEEN];
        int protocol = (int) (entries[at + K1] >>> 32);
        long timeout = switch (protocol) {
            case 6 -> (byte) entries[at + STATE] == ESTABLISHED ? tcpEstablished : tcpOther;
            case 1, 58 -> icmp;
            default -> udp;
        };
        return idle > timeout;
    }

    void kill(int i) {
        entries[(i << SHIFT) + STATUS] = DEAD;
        live--;
    }

    long revision(int i) {
        return entries[(i << SHIFT) + REVISION];
    }

    void revision(int i, long revision) {
        entries[(i << SHIFT) + REVISION] = revision;
    }

    byte state(int i) {
        return (byte) entries[(i << SHIFT) + STATE];
    }

    boolean openerLow(int i) {
        return (byte) entries[(i << SHIFT) + OPENER_LOW] != 0;
    }

    int opener(int i) {
        return (int) entries[(i << SHIFT) + OPENER];
    }

    int receiver(int i) {
        return (int) entries[(i << SHIFT) + RECEIVER];
    }

    long aHigh(int i) {
        return entries[(i << SHIFT) + A_HIGH];
    }

    long aLow(int i) {
        return entries[(i << SHIFT) + A_LOW];
    }

    long bHigh(int i) {
        return entries[(i << SHIFT) + B_HIGH];
    }

    long bLow(int i) {
        return entries[(i << SHIFT) + B_LOW];
    }

    long key1(int i) {
        return entries[(i << SHIFT) + K1];
    }

    /** A packet of the flow passed: last seen and the TCP state machine of the reference model. */
    void seen(int i, long now, boolean fromOpener, int tcpFlags) {
        int at = i << SHIFT;
        entries[at + SEEN] = now;
        byte state = (byte) entries[at + STATE];
        if (state != NOT_TCP) {
            entries[at + STATE] = nextState(state, fromOpener, tcpFlags);
        }
    }

    /** TCP flags: FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10. */
    static byte openingState(int flags) {
        if ((flags & 0x04) != 0) {
            return -1;
        }
        if ((flags & 0x01) != 0) {
            return CLOSING;
        }
        return (flags & 0x12) == 0x02 ? SYN_SENT : ESTABLISHED;
    }

    static byte nextState(byte state, boolean fromOpener, int flags) {
        if ((flags & 0x04) != 0) {
            return CLOSED;
        }
        if ((flags & 0x01) != 0) {
            return state == CLOSED ? CLOSED : CLOSING;
        }
        boolean syn = (flags & 0x02) != 0;
        boolean ack = (flags & 0x10) != 0;
        if (state == SYN_SENT && !fromOpener && syn && ack) {
            return SYN_RECEIVED;
        }
        if (state == SYN_RECEIVED && fromOpener && ack && !syn) {
            return ESTABLISHED;
        }
        return state;
    }

    /** Live entries (approximately: expired ones count until reused or found). */
    public int live() {
        return live;
    }

    /** New flows that found no free entry in their probe window (not tracked). */
    public long fullCount() {
        return full;
    }
}
