package dev.uniplane.linux.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Writes netlink messages (nlmsghdr + fixed header + 4-byte aligned nlattrs, nested attributes) into a growable
 * host-order buffer. Several messages can be appended back to back for a batched {@code sendmsg}.
 */
public final class NlBuilder {
    public static final int NLMSG_HDRLEN = 16;
    public static final int NLA_HDRLEN = 4;
    public static final int NLA_F_NESTED = 0x8000;

    private ByteBuffer buf;
    private int messageStart = -1;
    private int messages;
    private final Deque<Integer> nests = new ArrayDeque<>();

    public NlBuilder() {
        this(256);
    }

    public NlBuilder(int capacity) {
        buf = ByteBuffer.allocate(Math.max(64, capacity)).order(ByteOrder.nativeOrder());
    }

    public static int align(int n) {
        return (n + 3) & ~3;
    }

    private void ensure(int more) {
        if (buf.remaining() < more) {
            int cap = Math.max(buf.capacity() * 2, buf.position() + more);
            ByteBuffer bigger = ByteBuffer.allocate(cap).order(ByteOrder.nativeOrder());
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }

    /** Starts a message; {@code pid} is 0 (the kernel). */
    public NlBuilder begin(int type, int flags, int seq) {
        if (messageStart >= 0) {
            throw new IllegalStateException("previous message not ended");
        }
        ensure(NLMSG_HDRLEN);
        messageStart = buf.position();
        buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
        return this;
    }

    /** Finishes the current message: patches nlmsg_len and pads to 4 bytes. Returns the message length. */
    public int end() {
        if (messageStart < 0 || !nests.isEmpty()) {
            throw new IllegalStateException("no open message or unclosed nest");
        }
        int len = buf.position() - messageStart;
        buf.putInt(messageStart, len);
        pad();
        messageStart = -1;
        messages++;
        return len;
    }

    public NlBuilder u8(int v) {
        ensure(1);
        buf.put((byte) v);
        return this;
    }

    public NlBuilder u16(int v) {
        ensure(2);
        buf.putShort((short) v);
        return this;
    }

    public NlBuilder u32(int v) {
        ensure(4);
        buf.putInt(v);
        return this;
    }

    public NlBuilder u64(long v) {
        ensure(8);
        buf.putLong(v);
        return this;
    }

    public NlBuilder bytes(byte[] v) {
        ensure(v.length);
        buf.put(v);
        return this;
    }

    public NlBuilder zeros(int n) {
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf.put((byte) 0);
        }
        return this;
    }

    private void pad() {
        zeros(align(buf.position()) - buf.position());
    }

    public NlBuilder attr(int type, byte[] value) {
        ensure(NLA_HDRLEN + value.length + 3);
        buf.putShort((short) (NLA_HDRLEN + value.length)).putShort((short) type).put(value);
        pad();
        return this;
    }

    public NlBuilder attrFlag(int type) {
        return attr(type, new byte[0]);
    }

    public NlBuilder attrU8(int type, int v) {
        return attr(type, new byte[] {(byte) v});
    }

    public NlBuilder attrU16(int type, int v) {
        return attr(type, ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) v).array());
    }

    /** A big-endian (network order) u16, e.g. a UDP port. */
    public NlBuilder attrBe16(int type, int v) {
        return attr(type, new byte[] {(byte) (v >>> 8), (byte) v});
    }

    public NlBuilder attrU32(int type, int v) {
        return attr(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array());
    }

    public NlBuilder attrU64(int type, long v) {
        return attr(type, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array());
    }

    /** A NUL-terminated string attribute. */
    public NlBuilder attrString(int type, String v) {
        byte[] s = v.getBytes(StandardCharsets.UTF_8);
        return attr(type, Arrays.copyOf(s, s.length + 1));
    }

    /** Opens a nested attribute (NLA_F_NESTED is set). Close with {@link #endNest()}. */
    public NlBuilder nest(int type) {
        return nest(type, true);
    }

    /** Opens a nested attribute; some legacy nests (e.g. IFLA_VFINFO_LIST) are sent without NLA_F_NESTED by iproute2. */
    public NlBuilder nest(int type, boolean nestedFlag) {
        ensure(NLA_HDRLEN);
        nests.push(buf.position());
        buf.putShort((short) 0).putShort((short) (nestedFlag ? type | NLA_F_NESTED : type));
        return this;
    }

    public NlBuilder endNest() {
        int start = nests.pop();
        int len = buf.position() - start;
        if (len > 0xffff) {
            throw new IllegalStateException("nested attribute longer than 65535 bytes");
        }
        buf.putShort(start, (short) len);
        pad();
        return this;
    }

    /** Current write offset, e.g. to patch a length later with {@link #patchU16}. */
    public int position() {
        return buf.position();
    }

    /** ORs {@code flags} into nlmsg_flags of the message starting at {@code messageOffset}. */
    public NlBuilder orFlags(int messageOffset, int flags) {
        buf.putShort(messageOffset + 6, (short) (buf.getShort(messageOffset + 6) | flags));
        return this;
    }

    public NlBuilder patchU32(int offset, int value) {
        buf.putInt(offset, value);
        return this;
    }

    public NlBuilder patchU16(int offset, int value) {
        buf.putShort(offset, (short) value);
        return this;
    }

    /** Bytes written so far (all messages). */
    public int size() {
        return buf.position();
    }

    public int messageCount() {
        return messages;
    }

    public byte[] toArray() {
        return Arrays.copyOf(buf.array(), buf.position());
    }

    /** The backing array; valid bytes are {@code [0, size())}. */
    public byte[] array() {
        return buf.array();
    }

    public void clear() {
        buf.clear();
        messageStart = -1;
        messages = 0;
        nests.clear();
    }
}
