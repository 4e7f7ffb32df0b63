package dev.uniplane.provider.dpdk.internal.fastpath;

import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ALL;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.TCP;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.U16_BE;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.UDP;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.u16;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.u8;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** The header arithmetic of the router: TTL decrement with the incremental IPv4 checksum, L4 checksums (RFC 1071/1624). */
final class Checksums {
    private Checksums() {
    }

    /** RFC 1624 incremental update of the header checksum for the TTL/protocol word. */
    static void decrementTtl(long ip, int ttl, int protocol) {
        int oldWord = (ttl << 8) | protocol;
        int newWord = ((ttl - 1) << 8) | protocol;
        ALL.set(JAVA_BYTE, ip + 8, (byte) (ttl - 1));
        int sum = (~u16(ip + 10) & 0xffff) + (~oldWord & 0xffff) + newWord;
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        ALL.set(U16_BE, ip + 10, (short) ~sum);
    }

    /** Writes the TCP/UDP checksum of an IPv4 packet (a CHECKSUM_PARTIAL sender left it unfinished). */
    static void completeL4Checksum(long ip, long l4, int l4Length, int protocol) {
        int field = protocol == TCP ? 16 : protocol == UDP ? 6 : -1;
        if (field < 0 || l4Length < field + 2 || (protocol == UDP && u16(l4 + 6) == 0)) {
            return;
        }
        ALL.set(U16_BE, l4 + field, (short) 0);
        long pseudo = u16(ip + 12) + u16(ip + 14) + u16(ip + 16) + u16(ip + 18) + protocol + l4Length;
        int checksum = onesComplement(pseudo, l4, l4Length);
        if (checksum == 0 && protocol == UDP) {
            checksum = 0xffff;
        }
        ALL.set(U16_BE, l4 + field, (short) checksum);
    }

    /** As {@link #completeL4Checksum} for TCP/UDP over IPv6. */
    static void completeL4Checksum6(long ip, long l4, int l4Length, int protocol) {
        int field = protocol == TCP ? 16 : protocol == UDP ? 6 : -1;
        if (field < 0 || l4Length < field + 2 || (protocol == UDP && u16(l4 + 6) == 0)) {
            return;
        }
        ALL.set(U16_BE, l4 + field, (short) 0);
        int checksum = l4Checksum6(ip, l4, l4Length, protocol);
        ALL.set(U16_BE, l4 + field, (short) (checksum == 0 && protocol == UDP ? 0xffff : checksum));
    }

    /** The IPv6 upper-layer checksum (RFC 8200 8.1 pseudo-header) of {@code l4} with its checksum field zeroed. */
    static int l4Checksum6(long ip, long l4, int l4Length, int protocol) {
        long pseudo = (l4Length >>> 16) + (l4Length & 0xffff) + protocol;
        for (int i = 0; i < 16; i++) {
            pseudo += u16(ip + 8 + 2L * i);
        }
        return onesComplement(pseudo, l4, l4Length);
    }

    /** RFC 1071: the one's complement of the one's complement sum of {@code pseudo} and the 16-bit words at {@code l4}. */
    private static int onesComplement(long pseudo, long l4, int l4Length) {
        long sum = pseudo;
        int words = l4Length >>> 1;
        for (int i = 0; i < words; i++) {
            sum += u16(l4 + 2L * i);
        }
        if ((l4Length & 1) != 0) {
            sum += u8(l4 + l4Length - 1) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) ~sum & 0xffff;
    }
}
