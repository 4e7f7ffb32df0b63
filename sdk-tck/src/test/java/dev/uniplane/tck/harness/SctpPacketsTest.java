package dev.uniplane.tck.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The SCTP packets of the harness, without sockets: layout, tags and the CRC32c checksum (RFC 9260). */
class SctpPacketsTest {

    @Test
    void anInitCarriesTagZeroAndTheInitiateTagAndParsesBack() {
        byte[] init = SctpPackets.init(50000, 7340, 0x1234_5678);

        assertThat(init).hasSize(12 + 20);
        assertThat(SctpPackets.parse(init, 0, init.length)).contains(
                new SctpPackets.Header(50000, 7340, 0, SctpPackets.CHUNK_INIT, 0x1234_5678));
    }

    @Test
    void anInitAckAnswersWithThePeersTagAsVerificationTagAndCarriesACookie() {
        byte[] ack = SctpPackets.initAck(7340, 50000, 0x1234_5678, 0x0abc_def0);

        assertThat(ack).hasSize(12 + 20 + 12);
        assertThat(SctpPackets.parse(ack, 0, ack.length)).contains(
                new SctpPackets.Header(7340, 50000, 0x1234_5678, SctpPackets.CHUNK_INIT_ACK, 0x0abc_def0));
    }

    @Test
    void theChecksumIsCrc32cStoredLeastSignificantByteFirstAndACorruptPacketIsRejected() {
        byte[] init = SctpPackets.init(1, 2, 3);
        byte[] zeroed = init.clone();
        ByteBuffer.wrap(zeroed).putInt(8, 0);
        CRC32C crc = new CRC32C();
        crc.update(zeroed);
        assertThat(ByteBuffer.wrap(init).order(ByteOrder.LITTLE_ENDIAN).getInt(8)).isEqualTo((int) crc.getValue());

        init[20] ^= 1;
        assertThat(SctpPackets.parse(init, 0, init.length)).isEmpty();
    }
}
