package dev.uniplane.provider.vpp.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The frame reader over a channel that returns arbitrary slices of the stream. */
class FramesTest {
    /** A channel that hands out the stream in the given chunk sizes (cycling), never more than asked. */
    private static ReadableByteChannel chunked(byte[] stream, int... chunks) {
        return new ReadableByteChannel() {
            private int position;
            private int next;

            @Override
            public int read(ByteBuffer dst) {
                if (position == stream.length) {
                    return -1;
                }
                int n = Math.min(Math.min(chunks[next++ % chunks.length], dst.remaining()), stream.length - position);
                dst.put(stream, position, n);
                position += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    private static byte[] framed(List<byte[]> payloads) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var channel = Channels.newChannel(out)) {
            for (byte[] payload : payloads) {
                Frames.write(channel, payload);
            }
        }
        return out.toByteArray();
    }

    private static List<byte[]> payloads(int... sizes) {
        Random random = new Random(42);
        List<byte[]> payloads = new ArrayList<>();
        for (int size : sizes) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            payloads.add(payload);
        }
        return payloads;
    }

    @Test
    void headerIsSixteenBytesWithTheBigEndianLengthAtEight() throws Exception {
        byte[] stream = framed(List.of(new byte[] {0x00, 0x17, 1, 2}));

        assertThat(stream).hasSize(20).startsWith(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0x00, 0x17);
    }

    @Test
    void aMessageSplitAcrossManySmallReadsIsReassembled() throws Exception {
        List<byte[]> sent = payloads(61_000, 18, 295);
        Frames.Reader reader = new Frames.Reader(chunked(framed(sent), 1, 7, 15, 3, 4096, 1));

        for (byte[] payload : sent) {
            assertThat(reader.next()).isEqualTo(payload);
        }
    }

    @Test
    void severalMessagesInOneReadAreSeparated() throws Exception {
        List<byte[]> sent = payloads(10, 18, 295, 0, 19);
        Frames.Reader reader = new Frames.Reader(chunked(framed(sent), 1 << 20));

        for (byte[] payload : sent) {
            assertThat(reader.next()).isEqualTo(payload);
        }
        assertThatThrownBy(reader::next).isInstanceOf(EOFException.class);
    }

    @Test
    void aMessageLargerThanTheBufferGrowsIt() throws Exception {
        List<byte[]> sent = payloads(200_000, 5);
        Frames.Reader reader = new Frames.Reader(chunked(framed(sent), 65_536, 10));

        assertThat(reader.next()).isEqualTo(sent.get(0));
        assertThat(reader.next()).isEqualTo(sent.get(1));
    }

    @Test
    void endOfStreamInsideAMessageSaysSo() throws Exception {
        byte[] stream = framed(payloads(100));
        byte[] truncated = java.util.Arrays.copyOf(stream, 50);

        assertThatThrownBy(() -> new Frames.Reader(chunked(truncated, 8)).next())
                .isInstanceOf(EOFException.class).hasMessageContaining("middle of a message");
    }
}
