package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** An OXM match ({@code ofp_match} type 1): the fields in order; empty matches everything. */
public record Match(List<Oxm> fields) {
    public Match {
        fields = List.copyOf(fields);
    }

    /** Matches everything. */
    public static Match any() {
        return new Match(List.of());
    }

    /** Matches all the given fields. */
    public static Match of(Oxm... fields) {
        return new Match(List.of(fields));
    }

    /** Writes type, length (without padding), the TLVs, then zero padding to 8 bytes. */
    void write(ByteBuffer out) {
        int start = out.position();
        out.putShort((short) 1).putShort((short) 0);
        fields.forEach(f -> Oxm.write(f, out));
        int length = out.position() - start;
        out.putShort(start + 2, (short) length);
        out.put(new byte[Codec.pad8(length) - length]);
    }

    static Match read(ByteBuffer in) {
        int start = in.position();
        int type = in.getShort() & 0xffff;
        int length = in.getShort() & 0xffff;
        if (type != 1) {
            throw new OpenFlowCodecException("match type " + type + " is not OXM");
        }
        List<Oxm> fields = new ArrayList<>();
        while (in.position() < start + length) {
            fields.add(Oxm.read(in));
        }
        in.position(start + Codec.pad8(length));
        return new Match(fields);
    }
}
