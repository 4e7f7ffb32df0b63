package dev.uniplane.linux.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Parsed nlattr list (4-byte aligned). Types are masked with NLA_TYPE_MASK; repeated types are kept in order. */
public final class NlAttrs {
    private static final int NLA_TYPE_MASK = 0x3fff;

    /**
     * One attribute.
     *
     * @param type  type without NLA_F_NESTED / NLA_F_NET_BYTEORDER
     * @param value payload (host order)
     */
    public record Attr(int type, ByteBuffer value) {
        public int u8() {
            return Byte.toUnsignedInt(value.get(0));
        }

        public int u16() {
            return Short.toUnsignedInt(value.getShort(0));
        }

        public int be16() {
            return ((value.get(0) & 0xff) << 8) | (value.get(1) & 0xff);
        }

        public int u32() {
            return value.getInt(0);
        }

        public long u64() {
            return value.getLong(0);
        }

        public byte[] bytes() {
            byte[] b = new byte[value.limit()];
            value.get(0, b);
            return b;
        }

        /** A NUL-terminated (or unterminated) string. */
        public String string() {
            byte[] b = bytes();
            int n = 0;
            while (n < b.length && b[n] != 0) {
                n++;
            }
            return new String(b, 0, n, StandardCharsets.UTF_8);
        }

        public NlAttrs nested() {
            return NlAttrs.parse(value, 0);
        }
    }

    private final List<Attr> attrs;

    private NlAttrs(List<Attr> attrs) {
        this.attrs = attrs;
    }

    /** Parses attributes from {@code offset} to the buffer's limit; stops at a truncated trailing attribute. */
    public static NlAttrs parse(ByteBuffer buffer, int offset) {
        ByteBuffer b = buffer.slice().order(ByteOrder.nativeOrder());
        List<Attr> out = new ArrayList<>();
        int pos = offset;
        while (b.limit() - pos >= NlBuilder.NLA_HDRLEN) {
            int len = Short.toUnsignedInt(b.getShort(pos));
            int type = Short.toUnsignedInt(b.getShort(pos + 2)) & NLA_TYPE_MASK;
            if (len < NlBuilder.NLA_HDRLEN || len > b.limit() - pos) {
                break;
            }
            out.add(new Attr(type, b.slice(pos + NlBuilder.NLA_HDRLEN, len - NlBuilder.NLA_HDRLEN)
                    .order(ByteOrder.nativeOrder())));
            pos += NlBuilder.align(len);
        }
        return new NlAttrs(out);
    }

    public List<Attr> all() {
        return attrs;
    }

    public List<Attr> all(int type) {
        return attrs.stream().filter(a -> a.type() == type).toList();
    }

    /** The last attribute of this type (the kernel's policy semantics), or {@code null}. */
    public Attr get(int type) {
        Attr found = null;
        for (Attr a : attrs) {
            if (a.type() == type) {
                found = a;
            }
        }
        return found;
    }

    public boolean has(int type) {
        return get(type) != null;
    }

    public int u32(int type, int fallback) {
        Attr a = get(type);
        return a == null ? fallback : a.u32();
    }

    public String string(int type) {
        Attr a = get(type);
        return a == null ? null : a.string();
    }

    public byte[] bytes(int type) {
        Attr a = get(type);
        return a == null ? null : a.bytes();
    }

    public NlAttrs nested(int type) {
        Attr a = get(type);
        return a == null ? null : a.nested();
    }
}
