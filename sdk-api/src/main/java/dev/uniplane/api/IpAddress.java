package dev.uniplane.api;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address as a value. IPv4 lives in the low 32 bits of {@code low}; {@code high} is 0.
 * {@link #toString()} is canonical (dotted quad, or RFC 5952 for IPv6), and {@link #parse} never does DNS.
 */
public record IpAddress(IpFamily family, long high, long low) implements Comparable<IpAddress> {

    public IpAddress {
        Check.notNull("family", family);
        if (family == IpFamily.IPV4 && (high != 0 || (low >>> 32) != 0)) {
            throw new InvalidSpecException("address", Long.toHexString(low), "IPv4 value exceeds 32 bits");
        }
    }

    /** An IPv4 address from its 32-bit value in network order. */
    public static IpAddress ofV4(int value) {
        return new IpAddress(IpFamily.IPV4, 0, Integer.toUnsignedLong(value));
    }

    /** An IPv6 address from its two 64-bit halves, most significant first. */
    public static IpAddress ofV6(long high, long low) {
        return new IpAddress(IpFamily.IPV6, high, low);
    }

    /** An address from 4 or 16 network-order bytes. */
    public static IpAddress ofBytes(byte[] bytes) {
        Check.notNull("address", bytes);
        if (bytes.length == 4) {
            return ofV4(((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff));
        }
        if (bytes.length == 16) {
            return ofV6(toLong(bytes, 0), toLong(bytes, 8));
        }
        throw new InvalidSpecException("address", bytes.length + " bytes", "must be 4 or 16 bytes");
    }

    public static IpAddress of(InetAddress address) {
        return ofBytes(Check.notNull("address", address).getAddress());
    }

    /** Parses a literal address ({@code 10.0.0.1}, {@code 2001:db8::1}); names and zone ids are rejected. */
    public static IpAddress parse(String text) {
        return parse("address", text);
    }

    static IpAddress parse(String field, String text) {
        Check.notBlank(field, text);
        String t = text.strip();
        boolean v4 = t.indexOf(':') < 0;
        if (v4 ? !t.matches("\\d{1,3}(\\.\\d{1,3}){3}") : !t.matches("[0-9A-Fa-f:.]+")) {
            throw new InvalidSpecException(field, text, "not an IPv" + (v4 ? "4" : "6") + " address literal");
        }
        if (v4) {
            for (String octet : t.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    throw new InvalidSpecException(field, text, "octet " + octet + " exceeds 255");
                }
                if (octet.length() > 1 && octet.charAt(0) == '0') {
                    // inet_aton and ip(8) read 010 as octal 8, InetAddress as decimal 10: refuse the ambiguity.
                    throw new InvalidSpecException(field, text, "octet " + octet + " has a leading zero (read as octal by inet_aton);"
                            + " write it without leading zeros");
                }
            }
        }
        try {
            // Literal only (checked above), so InetAddress does no name lookup.
            InetAddress parsed = InetAddress.getByName(t);
            if (!v4 && parsed instanceof Inet4Address mapped) {
                // InetAddress folds ::ffff:a.b.c.d into IPv4; keep the family the user wrote.
                return ofV6(0, 0xffff_0000_0000L | Integer.toUnsignedLong(ofBytes(mapped.getAddress()).v4Value()));
            }
            return of(parsed);
        } catch (UnknownHostException e) {
            throw new InvalidSpecException(field, text, "not an IPv6 address literal");
        }
    }

    /** Network-order bytes (4 or 16). */
    public byte[] toBytes() {
        byte[] out = new byte[family.bytes()];
        if (family == IpFamily.IPV4) {
            for (int i = 0; i < 4; i++) {
                out[i] = (byte) (low >>> (24 - 8 * i));
            }
        } else {
            for (int i = 0; i < 8; i++) {
                out[i] = (byte) (high >>> (56 - 8 * i));
                out[8 + i] = (byte) (low >>> (56 - 8 * i));
            }
        }
        return out;
    }

    /** The IPv4 value in network order; only for IPv4. */
    public int v4Value() {
        if (family != IpFamily.IPV4) {
            throw new IllegalStateException(this + " is not IPv4");
        }
        return (int) low;
    }

    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    public boolean isV4() {
        return family == IpFamily.IPV4;
    }

    /** Bit {@code index} counted from the most significant bit (0-based). */
    boolean bit(int index) {
        if (family == IpFamily.IPV4) {
            return ((low >>> (31 - index)) & 1) != 0;
        }
        return index < 64 ? ((high >>> (63 - index)) & 1) != 0 : ((low >>> (127 - index)) & 1) != 0;
    }

    /** This address with every bit after the first {@code length} cleared. */
    IpAddress masked(int length) {
        if (family == IpFamily.IPV4) {
            long mask = length == 0 ? 0 : (0xffff_ffffL << (32 - length)) & 0xffff_ffffL;
            return new IpAddress(family, 0, low & mask);
        }
        long hiMask = length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
        long loMask = length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
        return new IpAddress(family, high & hiMask, low & loMask);
    }

    @Override
    public int compareTo(IpAddress other) {
        int c = family.compareTo(other.family);
        if (c == 0) {
            c = Long.compareUnsigned(high, other.high);
        }
        return c != 0 ? c : Long.compareUnsigned(low, other.low);
    }

    @Override
    public String toString() {
        if (family == IpFamily.IPV4) {
            return (low >>> 24 & 0xff) + "." + (low >>> 16 & 0xff) + "." + (low >>> 8 & 0xff) + "." + (low & 0xff);
        }
        return formatV6();
    }

    // RFC 5952: lower case, no leading zeros, the longest run (>= 2) of zero groups becomes "::".
    private String formatV6() {
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
            groups[4 + i] = (int) (low >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    private static long toLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }
}
