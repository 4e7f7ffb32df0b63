package dev.uniplane.linux.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One received netlink message: header fields and its payload (host order, position 0 = first byte after nlmsghdr).
 *
 * @param type    nlmsg_type
 * @param flags   nlmsg_flags
 * @param seq     nlmsg_seq
 * @param pid     nlmsg_pid
 * @param payload the bytes after the 16-byte header
 */
public record NlMessage(int type, int flags, int seq, int pid, ByteBuffer payload) {
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;

    /** Splits a datagram into messages; throws {@link IllegalArgumentException} on a malformed length. */
    public static List<NlMessage> parseAll(ByteBuffer datagram) {
        ByteBuffer b = datagram.slice().order(ByteOrder.nativeOrder());
        List<NlMessage> out = new ArrayList<>();
        int pos = 0;
        while (b.limit() - pos >= NlBuilder.NLMSG_HDRLEN) {
            int len = b.getInt(pos);
            if (len < NlBuilder.NLMSG_HDRLEN || len > b.limit() - pos) {
                throw new IllegalArgumentException("bad nlmsg_len " + len + " at offset " + pos + " of " + b.limit());
            }
            int type = Short.toUnsignedInt(b.getShort(pos + 4));
            int flags = Short.toUnsignedInt(b.getShort(pos + 6));
            int seq = b.getInt(pos + 8);
            int pid = b.getInt(pos + 12);
            ByteBuffer payload = b.slice(pos + NlBuilder.NLMSG_HDRLEN, len - NlBuilder.NLMSG_HDRLEN)
                    .order(ByteOrder.nativeOrder());
            out.add(new NlMessage(type, flags, seq, pid, payload));
            pos += NlBuilder.align(len);
        }
        return out;
    }

    /** Attributes that follow a fixed-size family header of {@code headerLength} bytes. */
    public NlAttrs attrs(int headerLength) {
        return NlAttrs.parse(payload, NlBuilder.align(headerLength));
    }
}
