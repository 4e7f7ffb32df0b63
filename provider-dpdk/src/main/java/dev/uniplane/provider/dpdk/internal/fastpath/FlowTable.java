package dev.uniplane.provider.dpdk.internal.fastpath;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.uniplane.api.FlowTimeouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The connection tracker of the {@link Router}: an off-heap open-addressing hash (linear probing, at most
 * {@link #MAX_PROBE} slots) on the normalised 5-tuple (the lower (address, port) end first), 128 bytes per entry:
 * key (two 128-bit addresses, IPv4 as IPv4-mapped IPv6 ({@link #v4}), and protocol + ports), last seen (ns), policy
 * revision, status, TCP state, which end opened the flow, and the endpoint slots
 * of the opener (egress re-check after an apply) and of the receiver when the flow opened (the re-check routes the
 * opening 5-tuple again instead). Expired entries are dead: a lookup treats them
 * as absent and an insert reuses them, like tombstones. Only the lcore thread touches it; nothing is allocated.
 *
 * <p>Entries are read through a global-scope view of the address space at {@code base + offset}: the index is masked, so
 * it stays inside the allocation, and the global scope spares the per-access liveness check of the auto arena (the
 * {@code memory} field keeps the allocation reachable as long as the table is).
 */
public final class FlowTable {
    static final int MAX_PROBE = 32;
    static final int ENTRY = 128;
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
    private static final long A_HIGH = 0;
    private static final long A_LOW = 8;
    private static final long B_HIGH = 16;
    private static final long B_LOW = 24;
    private static final long K1 = 32;
    private static final long SEEN = 40;
    private static final long REVISION = 48;
    private static final long STATUS = 56;
    private static final long STATE = 57;
    private static final long OPENER_LOW = 58;
    private static final long OPENER = 60;
    private static final long RECEIVER = 64;

    @SuppressWarnings("restricted")
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final MemorySegment memory;
    private final long base;
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
        this.memory = Arena.ofAuto().allocate((long) capacity * ENTRY, 64);
        this.base = memory.address();
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

    private boolean matches(long at, long aHigh, long aLow, long bHigh, long bLow, long k1) {
        return ALL.get(JAVA_LONG, base + at + A_LOW) == aLow && ALL.get(JAVA_LONG, base + at + B_LOW) == bLow
                && ALL.get(JAVA_LONG, base + at + K1) == k1 && ALL.get(JAVA_LONG, base + at + A_HIGH) == aHigh
                && ALL.get(JAVA_LONG, base + at + B_HIGH) == bHigh;
    }

    /** The live entry for the key (lower end a, higher end b) at {@code now}, or -1 (an expired match is marked dead). */
    int find(long aHigh, long aLow, long bHigh, long bLow, long k1, long now) {
        int i = hash(aHigh, aLow, bHigh, bLow, k1) & mask;
        for (int probe = 0; probe < MAX_PROBE; probe++, i = (i + 1) & mask) {
            long at = (long) i * ENTRY;
            byte status = ALL.get(JAVA_BYTE, base + at + STATUS);
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
            long at = (long) i * ENTRY;
            byte status = ALL.get(JAVA_BYTE, base + at + STATUS);
            if (status == LIVE && !expired(at, now)) {
                continue;
            }
            if (status != LIVE) {
                live++;
            }
            ALL.set(JAVA_LONG, base + at + A_HIGH, aHigh);
            ALL.set(JAVA_LONG, base + at + A_LOW, aLow);
            ALL.set(JAVA_LONG, base + at + B_HIGH, bHigh);
            ALL.set(JAVA_LONG, base + at + B_LOW, bLow);
            ALL.set(JAVA_LONG, base + at + K1, k1);
            ALL.set(JAVA_LONG, base + at + SEEN, now);
            ALL.set(JAVA_LONG, base + at + REVISION, revision);
            ALL.set(JAVA_BYTE, base + at + STATE, state);
            ALL.set(JAVA_BYTE, base + at + OPENER_LOW, (byte) (openerLow ? 1 : 0));
            ALL.set(JAVA_INT, base + at + OPENER, opener);
            ALL.set(JAVA_INT, base + at + RECEIVER, receiver);
            ALL.set(JAVA_BYTE, base + at + STATUS, LIVE);
            return true;
        }
        full++;
        return false;
    }

    private boolean expired(long at, long now) {
        long idle = now - ALL.get(JAVA_LONG, base + at + SEEN);
        int protocol = (int) (ALL.get(JAVA_LONG, base + at + K1) >>> 32);
        long timeout = switch (protocol) {
            case 6 -> ALL.get(JAVA_BYTE, base + at + STATE) == ESTABLISHED ? tcpEstablished : tcpOther;
            case 1, 58 -> icmp;
            default -> udp;
        };
        return idle > timeout;
    }

    void kill(int i) {
        ALL.set(JAVA_BYTE, base + (long) i * ENTRY + STATUS, DEAD);
        live--;
    }

    long revision(int i) {
        return ALL.get(JAVA_LONG, base + (long) i * ENTRY + REVISION);
    }

    void revision(int i, long revision) {
        ALL.set(JAVA_LONG, base + (long) i * ENTRY + REVISION, revision);
    }

    byte state(int i) {
        return ALL.get(JAVA_BYTE, base + (long) i * ENTRY + STATE);
    }

    boolean openerLow(int i) {
        return ALL.get(JAVA_BYTE, base + (long) i * ENTRY + OPENER_LOW) != 0;
    }

    int opener(int i) {
        return ALL.get(JAVA_INT, base + (long) i * ENTRY + OPENER);
    }

    int receiver(int i) {
        return ALL.get(JAVA_INT, base + (long) i * ENTRY + RECEIVER);
    }

    long aHigh(int i) {
        return ALL.get(JAVA_LONG, base + (long) i * ENTRY + A_HIGH);
    }

    long aLow(int i) {
        return ALL.get(JAVA_LONG, base + (long) i * ENTRY + A_LOW);
    }

    long bHigh(int i) {
        return ALL.get(JAVA_LONG, base + (long) i * ENTRY + B_HIGH);
    }

    long bLow(int i) {
        return ALL.get(JAVA_LONG, base + (long) i * ENTRY + B_LOW);
    }

    long key1(int i) {
        return ALL.get(JAVA_LONG, base + (long) i * ENTRY + K1);
    }

    /** A packet of the flow passed: last seen and the TCP state machine of the reference model. */
    void seen(int i, long now, boolean fromOpener, int tcpFlags) {
        long at = (long) i * ENTRY;
        ALL.set(JAVA_LONG, base + at + SEEN, now);
        byte state = ALL.get(JAVA_BYTE, base + at + STATE);
        if (state != NOT_TCP) {
            ALL.set(JAVA_BYTE, base + at + STATE, nextState(state, fromOpener, tcpFlags));
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
