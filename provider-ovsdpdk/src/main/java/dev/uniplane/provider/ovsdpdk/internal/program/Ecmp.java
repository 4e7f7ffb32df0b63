package dev.uniplane.provider.ovsdpdk.internal.program;

import dev.uniplane.provider.ovsdpdk.internal.program.FlowTables.WeightedActions;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Action;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Oxm;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * ECMP as Nicira {@code multipath} into a register plus one flow per slot, instead of OpenFlow SELECT groups.
 *
 * <p>Why (measured on OVS 3.1): a SELECT group without a selection method uses {@code dp_hash} with the symmetric L4
 * hash, which leaves UDP ports out (all 24 UDP flows of the kit's test took one bucket), and OpenFlow 1.3 cannot set a
 * selection method: {@code ovs-ofctl -O OpenFlow13 add-group ... selection_method=hash,fields(...)} is accepted and the
 * method silently dropped (it is an OpenFlow 1.5 group property). {@code multipath(symmetric_l3l4+udp, ...)} hashes
 * addresses, protocol and TCP/UDP ports, so each flow stays on one hop and flows spread.
 *
 * <p>Weights become slots: hop i gets {@code weight_i / gcd} slots (scaled down to at most {@value #MAX_SLOTS} in all).
 */
public final class Ecmp {
    static final int MAX_SLOTS = 256;
    private static final int NX_VENDOR = 0x0000_2320;
    private static final int NXAST_MULTIPATH = 10;
    private static final int NX_HASH_FIELDS_SYMMETRIC_L3L4_UDP = 3;
    private static final int NX_MP_ALG_HASH_THRESHOLD = 1;
    /** NXM_NX_REG0 as an NXM header: class 1, field 0, 4 bytes. */
    private static final int NXM_NX_REG0 = 0x0001_0004;

    private Ecmp() {
    }

    /** The next hops repeated by weight: the multipath result indexes this list. */
    static List<WeightedActions> slots(List<WeightedActions> hops) {
        int gcd = hops.stream().mapToInt(WeightedActions::weight).reduce(0, Ecmp::gcd);
        int total = hops.stream().mapToInt(h -> h.weight() / gcd).sum();
        List<WeightedActions> slots = new ArrayList<>();
        for (WeightedActions h : hops) {
            int n = h.weight() / gcd;
            if (total > MAX_SLOTS) {
                n = Math.max(1, Math.round((float) n * MAX_SLOTS / total));
            }
            for (int i = 0; i < n; i++) {
                slots.add(h);
            }
        }
        return slots;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** {@code multipath(symmetric_l3l4+udp, 0, hash_threshold, slots, 0, reg0[0..15])}. */
    static Action multipath(int slots) {
        ByteBuffer body = ByteBuffer.allocate(28);
        body.putInt(NX_VENDOR).putShort((short) NXAST_MULTIPATH).putShort((short) NX_HASH_FIELDS_SYMMETRIC_L3L4_UDP)
                .putShort((short) 0) // basis
                .putShort((short) 0) // pad
                .putShort((short) NX_MP_ALG_HASH_THRESHOLD).putShort((short) (slots - 1)) // max_link
                .putInt(0) // arg
                .putShort((short) 0) // pad
                .putShort((short) 15) // ofs 0, 16 bits
                .putInt(NXM_NX_REG0);
        return new Action.Other(0xffff, HexFormat.of().formatHex(body.array()));
    }

    /** reg1 = route id (as a set_field value or a match). */
    static Oxm routeRegister(int routeId) {
        return register(1, routeId);
    }

    /** reg0 = slot (the multipath result). */
    static Oxm slotRegister(int slot) {
        return register(0, slot);
    }

    private static Oxm register(int reg, int value) {
        return new Oxm.Other(0x0001, reg, false, HexFormat.of().toHexDigits(value));
    }
}
