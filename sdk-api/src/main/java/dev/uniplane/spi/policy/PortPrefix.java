package dev.uniplane.spi.policy;

/**
 * An aligned block of 16-bit ports: the {@code 2^(16 - bits)} ports starting at {@code value}, the form an LPM key
 * (value/bits) or a masked match (value/{@link #mask()}) takes.
 *
 * @param value the first port; its low {@code 16 - bits} bits are zero
 * @param bits  the prefix length, 0 (every port) to 16 (one port)
 */
public record PortPrefix(int value, int bits) {

    /** Checks the range and the alignment. */
    public PortPrefix {
        if (bits < 0 || bits > 16) {
            throw new IllegalArgumentException("port prefix length " + bits + " outside 0-16");
        }
        if (value < 0 || value > 0xffff || (value & ~mask(bits)) != 0) {
            throw new IllegalArgumentException("port " + value + " is not aligned to /" + bits);
        }
    }

    /** The 16-bit mask of this prefix, as OpenFlow writes it ({@code 0xffff} for one port, 0 for all). */
    public int mask() {
        return mask(bits);
    }

    /** How many ports the block holds. */
    public int size() {
        return 1 << (16 - bits);
    }

    /** The last port of the block. */
    public int last() {
        return value + size() - 1;
    }

    /** Whether {@code port} lies in the block. */
    public boolean contains(int port) {
        return (port & mask()) == value;
    }

    private static int mask(int bits) {
        return 0xffff & ~((1 << (16 - bits)) - 1);
    }

    @Override
    public String toString() {
        return value + "/" + bits;
    }
}
