package dev.uniplane.provider.vpp.internal.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The framing of VPP's API socket: each message is a 16-byte header ({@code u64} ignored, {@code u32} big-endian
 * payload length, {@code u32} ignored) followed by the payload. The stream keeps no message boundaries, so
 * {@link Reader} buffers: one read may end inside a header or a payload (the connect reply alone is ~61 KB) or hold
 * several messages.
 */
public final class Frames {
    /** Bytes in the frame header. */
    public static final int HEADER = 16;
    /** Largest payload accepted from VPP: a sanity bound, far above the biggest real message. */
    static final int MAX_PAYLOAD = 64 << 20;

    private Frames() {
    }

    /** Writes {@code payload} as one frame; loops until the channel has taken every byte. */
    public static void write(WritableByteChannel channel, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(HEADER + payload.length); // big-endian by default
        frame.putLong(0).putInt(payload.length).putInt(0).put(payload).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    /** Reads whole payloads from a channel, buffering what a read returns beyond the current message. */
    public static final class Reader {
        private final ReadableByteChannel channel;
        private ByteBuffer buffer = ByteBuffer.allocate(64 << 10);

        /** Reads from {@code channel} (blocking). */
        public Reader(ReadableByteChannel channel) {
            this.channel = channel;
            buffer.flip(); // empty, in read mode
        }

        /** The next message's payload; blocks until it is complete. */
        public byte[] next() throws IOException {
            fill(HEADER);
            int length = buffer.getInt(buffer.position() + 8);
            if (length < 0 || length > MAX_PAYLOAD) {
                throw new IOException("VPP frame header announces " + Integer.toUnsignedString(length)
                        + " payload bytes: the stream is out of step");
            }
            fill(HEADER + length);
            buffer.position(buffer.position() + HEADER);
            byte[] payload = new byte[length];
            buffer.get(payload);
            return payload;
        }

        /** Reads until at least {@code n} unread bytes are buffered. */
        private void fill(int n) throws IOException {
            if (buffer.remaining() >= n) {
                return;
            }
            buffer.compact(); // now in write mode
            if (buffer.capacity() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(n, buffer.capacity() * 2));
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
            while (buffer.position() < n) {
                if (channel.read(buffer) < 0) {
                    buffer.flip();
                    throw new EOFException("VPP closed the API socket" + (buffer.hasRemaining()
                            ? " in the middle of a message (" + buffer.remaining() + " of " + n + " bytes)" : ""));
                }
            }
            buffer.flip();
        }
    }
}
