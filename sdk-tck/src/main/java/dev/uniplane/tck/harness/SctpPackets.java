package dev.uniplane.tck.harness;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The two SCTP packets the kit sends (RFC 9260): an INIT from the client and the INIT ACK the responder answers with.
 * They are valid enough for a stateful dataplane (conntrack checks the verification tags and the CRC32c checksum):
 * the INIT carries tag 0 and the client's initiate tag, the INIT ACK carries that tag and a state cookie.
 */
final class SctpPackets {
    static final int PROTOCOL = 132;
    static final int COMMON_HEADER = 12;
    static final int CHUNK_INIT = 1;
    static final int CHUNK_INIT_ACK = 2;
    private static final int INIT_CHUNK_LENGTH = 20;
    private static final int STATE_COOKIE_PARAMETER = 7;
    private static final int COOKIE_LENGTH = 8;

    private SctpPackets() {
    }

    /**
     * The fields the kit reads from a received SCTP packet.
     *
     * @param sourcePort      the sender's port
     * @param destinationPort the receiver's port
     * @param verificationTag the common header's verification tag
     * @param chunkType       the first chunk's type
     * @param initiateTag     the initiate tag of an INIT or INIT ACK chunk, else 0
     */
    record Header(int sourcePort, int destinationPort, int verificationTag, int chunkType, int initiateTag) {
    }

    /** An INIT from {@code sourcePort} to {@code destinationPort} announcing {@code initiateTag} (non-zero). */
    static byte[] init(int sourcePort, int destinationPort, int initiateTag) {
        ByteBuffer p = commonHeader(COMMON_HEADER + INIT_CHUNK_LENGTH, sourcePort, destinationPort, 0);
        initChunk(p, CHUNK_INIT, INIT_CHUNK_LENGTH, initiateTag);
        return withChecksum(p.array());
    }

    /** The INIT ACK answering an INIT whose initiate tag was {@code peerTag}, announcing {@code ownTag}. */
    static byte[] initAck(int sourcePort, int destinationPort, int peerTag, int ownTag) {
        int chunkLength = INIT_CHUNK_LENGTH + 4 + COOKIE_LENGTH;
        ByteBuffer p = commonHeader(COMMON_HEADER + chunkLength, sourcePort, destinationPort, peerTag);
        initChunk(p, CHUNK_INIT_ACK, chunkLength, ownTag);
        p.putShort((short) STATE_COOKIE_PARAMETER).putShort((short) (4 + COOKIE_LENGTH)).putLong(ownTag);
        return withChecksum(p.array());
    }

    /** Parses the SCTP packet at {@code offset} (after any IP header); empty when short or the checksum is wrong. */
    static Optional<Header> parse(byte[] buffer, int offset, int length) {
        if (length < COMMON_HEADER + 4) {
            return Optional.empty();
        }
        ByteBuffer p = ByteBuffer.wrap(buffer, offset, length).slice();
        int received = p.order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        p.order(ByteOrder.BIG_ENDIAN);
        if (received != checksum(buffer, offset, length)) {
            return Optional.empty();
        }
        int chunkType = p.get(COMMON_HEADER) & 0xff;
        boolean init = chunkType == CHUNK_INIT || chunkType == CHUNK_INIT_ACK;
        int initiateTag = init && length >= COMMON_HEADER + 8 ? p.getInt(COMMON_HEADER + 4) : 0;
        return Optional.of(new Header(p.getShort(0) & 0xffff, p.getShort(2) & 0xffff, p.getInt(4), chunkType, initiateTag));
    }

    private static ByteBuffer commonHeader(int length, int sourcePort, int destinationPort, int verificationTag) {
        ByteBuffer p = ByteBuffer.allocate(length);
        return p.putShort((short) sourcePort).putShort((short) destinationPort).putInt(verificationTag).putInt(0);
    }

    private static void initChunk(ByteBuffer p, int type, int chunkLength, int initiateTag) {
        p.put((byte) type).put((byte) 0).putShort((short) chunkLength)
                .putInt(initiateTag)
                .putInt(65536)          // advertised receiver window credit
                .putShort((short) 1)    // outbound streams
                .putShort((short) 1)    // inbound streams
                .putInt(initiateTag);   // initial TSN
    }

    private static byte[] withChecksum(byte[] packet) {
        // CRC32c over the packet with a zero checksum field, stored least significant byte first (as Linux does).
        ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN).putInt(8, checksum(packet, 0, packet.length));
        return packet;
    }

    private static int checksum(byte[] buffer, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buffer, offset, 8);
        crc.update(new byte[4]);
        crc.update(buffer, offset + COMMON_HEADER, length - COMMON_HEADER);
        return (int) crc.getValue();
    }
}
