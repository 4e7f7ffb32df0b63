package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a byte stream of back-to-back JSON texts into whole texts. OVSDB's JSON-RPC has no framing (RFC 7047 section 4),
 * so a text ends where the nesting depth of its outermost object or array returns to zero; brackets inside strings
 * (and escaped quotes) do not count. Works on bytes: every byte that matters is ASCII, and UTF-8 continuation bytes are
 * never ASCII. Not thread-safe; one instance per connection reader.
 */
public final class JsonSplitter {
    /** One text may not exceed this (a full Open_vSwitch dump with many ports stays far below). */
    static final int MAX_TEXT_BYTES = 64 << 20;

    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private int depth;
    private boolean inString;
    private boolean escaped;

    /** Feeds {@code length} bytes and returns every text they complete (possibly none), in order. */
    public List<byte[]> feed(byte[] bytes, int offset, int length) {
        List<byte[]> complete = new ArrayList<>(1);
        int start = offset;
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (depth == 0 && !inString) {
                if (b == '{' || b == '[') {
                    start = i;
                    depth = 1;
                } else if (!isWhitespace(b)) {
                    throw new IllegalStateException("JSON-RPC stream: unexpected byte 0x" + Integer.toHexString(b & 0xff)
                            + " between texts");
                }
                continue;
            }
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
                if (depth == 0) {
                    current.write(bytes, start, i + 1 - start);
                    complete.add(current.toByteArray());
                    current.reset();
                    start = i + 1;
                }
            }
        }
        if (depth > 0 || inString) {
            current.write(bytes, start, offset + length - start);
            if (current.size() > MAX_TEXT_BYTES) {
                throw new IllegalStateException("JSON-RPC stream: a text exceeds " + MAX_TEXT_BYTES + " bytes");
            }
        }
        return complete;
    }

    /** True while a text has started but not ended. */
    public boolean inText() {
        return depth > 0;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
