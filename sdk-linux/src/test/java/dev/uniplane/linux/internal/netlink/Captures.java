package dev.uniplane.linux.internal.netlink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Loads the real kernel datagrams from {@code netlink-captures.txt}. */
final class Captures {
    private Captures() {
    }

    /** All messages of every datagram captured under {@code tag}. */
    static List<NlMessage> messages(String tag) {
        List<NlMessage> out = new ArrayList<>();
        for (byte[] d : datagrams(tag)) {
            out.addAll(NlMessage.parseAll(ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN)));
        }
        return out;
    }

    static List<byte[]> datagrams(String tag) {
        try (InputStream in = Captures.class.getResourceAsStream("/netlink-captures.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            List<byte[]> out = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.startsWith(tag + " ")) {
                    out.add(HexFormat.of().parseHex(line.substring(tag.length() + 1).strip()));
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no capture " + tag);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
