package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** An OpenFlow 1.3 action (section 7.2.5). */
public sealed interface Action {
    /** Port number meaning "the switch's normal L2/L3 pipeline". */
    long PORT_NORMAL = 0xfffffffaL;
    /** The bridge's LOCAL port. */
    long PORT_LOCAL = 0xfffffffeL;
    /** The ingress port. */
    long PORT_IN_PORT = 0xfffffff8L;
    /** Any port (wildcard in requests). */
    long PORT_ANY = 0xffffffffL;

    /** OUTPUT (type 0, 16 bytes); {@code maxLen} matters only for the controller port. */
    record Output(long port, int maxLen) implements Action {
        /** Output to a port, whole packets. */
        public static Output to(long port) {
            return new Output(port, 0xffff);
        }
    }

    /** DEC_NW_TTL (type 24, 8 bytes). */
    record DecNwTtl() implements Action {
    }

    /** SET_FIELD (type 25): 4 bytes + the OXM, padded to 8. */
    record SetField(Oxm field) implements Action {
    }

    /** GROUP (type 22, 8 bytes): process the packet through a group. */
    record Group(long groupId) implements Action {
    }

    /** Any other action as received. */
    record Other(int type, String bodyHex) implements Action {
    }

    /** Nicira experimenter id. */
    int NX_VENDOR = 0x0000_2320;
    /** {@code NXAST_CT} subtype. */
    int NXAST_CT = 35;
    /** {@code NXAST_RESUBMIT_TABLE} subtype. */
    int NXAST_RESUBMIT_TABLE = 14;
    /** {@code NX_CT_F_COMMIT}. */
    int CT_COMMIT = 1;
    /** {@code NX_CT_RECIRC_NONE}: no recirculation. */
    int CT_RECIRC_NONE = 0xff;

    /**
     * Nicira {@code ct} ({@code nx_action_conntrack}, 24 bytes, no nested actions): send the packet through the
     * connection tracker in an immediate {@code zone}; {@code flags} {@link #CT_COMMIT}; {@code table} the table the
     * packet recirculates to with {@code ct_state} set, or {@link #CT_RECIRC_NONE}.
     */
    record Conntrack(int flags, int zone, int table) implements Action {
        public static Conntrack track(int zone, int table) {
            return new Conntrack(0, zone, table);
        }

        public static Conntrack commit(int zone) {
            return new Conntrack(CT_COMMIT, zone, CT_RECIRC_NONE);
        }
    }

    /** Nicira {@code resubmit(,table)} ({@code nx_action_resubmit} with NXAST_RESUBMIT_TABLE, in_port kept, 16 bytes). */
    record Resubmit(int table) implements Action {
    }

    /** {@code NXAST_CONJUNCTION} subtype. */
    int NXAST_CONJUNCTION = 34;

    /**
     * Nicira {@code conjunction(id, clause/nClauses)} ({@code nx_action_conjunction}, 16 bytes): this flow is one value
     * of dimension {@code clause} (1-based, as ovs-ofctl writes it; 0-based on the wire) of the conjunctive flow
     * {@code id}; once every one of the {@code nClauses} (2..64) dimensions matches, the switch looks up the flow with
     * {@code conj_id = id} ({@link Nxm#conjId}). A flow may carry several, and no other actions.
     */
    record Conjunction(long id, int clause, int nClauses) implements Action {
        /** Checks the ranges OVS enforces. */
        public Conjunction {
            if (nClauses < 2 || nClauses > 64) {
                throw new IllegalArgumentException("conjunction nClauses " + nClauses + " outside 2..64");
            }
            if (clause < 1 || clause > nClauses) {
                throw new IllegalArgumentException("conjunction clause " + clause + " outside 1.." + nClauses);
            }
            if (id < 0 || id > 0xffff_ffffL) {
                throw new IllegalArgumentException("conjunction id " + id + " is not a 32-bit value");
            }
        }
    }

    /** {@code NXAST_LEARN} subtype. */
    int NXAST_LEARN = 16;

    /**
     * Nicira {@code learn} ({@code nx_action_learn}, 32 bytes + flow_mod_specs, padded to 8): adds (or refreshes) a flow
     * in {@code tableId} built from the packet by {@code specs}, with these timeouts (seconds, 0 = none), priority,
     * cookie and {@code flags} ({@code NX_LEARN_F_*}). OVS checks the learned match's prerequisites in spec order, so
     * {@code eth_type} and {@code ip_proto} come before addresses and ports.
     */
    record Learn(int tableId, int priority, int idleTimeout, int hardTimeout, long cookie, int flags, List<LearnSpec> specs)
            implements Action {
        /** Copies the specs; timeouts, priority and table must fit their wire fields. */
        public Learn {
            specs = List.copyOf(specs);
            for (int v : new int[] {idleTimeout, hardTimeout, priority}) {
                if (v < 0 || v > 0xffff) {
                    throw new IllegalArgumentException("learn timeout or priority " + v + " outside 0..65535");
                }
            }
            if (tableId < 0 || tableId > 253) {
                throw new IllegalArgumentException("learn tableId " + tableId + " outside 0..253");
            }
        }
    }

    static void write(Action action, ByteBuffer out) {
        switch (action) {
            case Output o -> out.putShort((short) 0).putShort((short) 16).putInt((int) o.port()).putShort((short) o.maxLen())
                    .put(new byte[6]);
            case DecNwTtl d -> out.putShort((short) 24).putShort((short) 8).putInt(0);
            case Group g -> out.putShort((short) 22).putShort((short) 8).putInt((int) g.groupId());
            case SetField s -> {
                int length = Codec.pad8(4 + Oxm.size(s.field()));
                int start = out.position();
                out.putShort((short) 25).putShort((short) length);
                Oxm.write(s.field(), out);
                out.put(new byte[start + length - out.position()]);
            }
            case Other o -> {
                byte[] body = HexFormat.of().parseHex(o.bodyHex());
                out.putShort((short) o.type()).putShort((short) (4 + body.length)).put(body);
            }
            case Conntrack c -> out.putShort((short) 0xffff).putShort((short) 24).putInt(NX_VENDOR).putShort((short) NXAST_CT)
                    .putShort((short) c.flags()).putInt(0).putShort((short) c.zone()).put((byte) c.table()).put(new byte[3])
                    .putShort((short) 0);
            case Resubmit r -> out.putShort((short) 0xffff).putShort((short) 16).putInt(NX_VENDOR)
                    .putShort((short) NXAST_RESUBMIT_TABLE).putShort((short) 0xfff8).put((byte) r.table()).put(new byte[3]);
            case Conjunction c -> out.putShort((short) 0xffff).putShort((short) 16).putInt(NX_VENDOR)
                    .putShort((short) NXAST_CONJUNCTION).put((byte) (c.clause() - 1)).put((byte) c.nClauses()).putInt((int) c.id());
            case Learn l -> writeLearn(l, out);
        }
    }

    private static void writeLearn(Learn l, ByteBuffer out) {
        int start = out.position();
        out.putShort((short) 0xffff).putShort((short) 0).putInt(NX_VENDOR).putShort((short) NXAST_LEARN)
                .putShort((short) l.idleTimeout()).putShort((short) l.hardTimeout()).putShort((short) l.priority()).putLong(l.cookie())
                .putShort((short) l.flags()).put((byte) l.tableId()).put((byte) 0).putShort((short) 0).putShort((short) 0);
        for (LearnSpec spec : l.specs()) {
            switch (spec) {
                case LearnSpec.MatchField m -> out.putShort((short) m.nBits()).putInt(m.srcField()).putShort((short) 0);
                case LearnSpec.MatchValue m -> putImmediate(out.putShort((short) (LearnSpec.SRC_IMMEDIATE | m.nBits())), m.value(), m.nBits());
                case LearnSpec.LoadValue m -> putImmediate(out.putShort((short) (LearnSpec.SRC_IMMEDIATE | LearnSpec.DST_LOAD | m.nBits())),
                        m.value(), m.nBits());
            }
            out.putInt(spec.dstField()).putShort((short) 0);
        }
        int length = Codec.pad8(out.position() - start);
        out.put(new byte[start + length - out.position()]);
        out.putShort(start + 2, (short) length);
    }

    /** An immediate: 2 bytes per started 16 bits, the value right-aligned. */
    private static void putImmediate(ByteBuffer out, long value, int nBits) {
        int bytes = 2 * ((nBits + 15) / 16);
        for (int i = bytes - 1; i >= 0; i--) {
            out.put((byte) (i < 8 ? value >>> (8 * i) : 0));
        }
    }

    /** A learn action whose specs this codec models (whole fields, match or immediate load), or null. */
    private static Learn readLearn(ByteBuffer in, int start, int len) {
        if (len < 32) {
            return null;
        }
        if (in.getShort(start + 28) != 0 || in.getShort(start + 30) != 0) {
            return null; // fin timeouts
        }
        List<LearnSpec> specs = new ArrayList<>();
        int p = start + 32;
        while (p + 2 <= start + len) {
            int header = in.getShort(p) & 0xffff;
            if (header == 0) {
                break;
            }
            p += 2;
            int nBits = header & 0x7ff;
            boolean immediate = (header & LearnSpec.SRC_IMMEDIATE) != 0;
            int dstType = header & (3 << 11);
            int srcField = 0;
            long value = 0;
            if (immediate) {
                int bytes = 2 * ((nBits + 15) / 16);
                if (bytes > 8) {
                    return null;
                }
                for (int i = 0; i < bytes; i++) {
                    value = value << 8 | (in.get(p + i) & 0xff);
                }
                p += bytes;
            } else {
                srcField = in.getInt(p);
                if (in.getShort(p + 4) != 0) {
                    return null;
                }
                p += 6;
            }
            if (dstType != 0 && dstType != LearnSpec.DST_LOAD || p + 6 > start + len || in.getShort(p + 4) != 0) {
                return null;
            }
            int dstField = in.getInt(p);
            p += 6;
            if (dstType == LearnSpec.DST_LOAD && !immediate) {
                return null;
            }
            specs.add(dstType == LearnSpec.DST_LOAD ? new LearnSpec.LoadValue(value, dstField, nBits)
                    : immediate ? new LearnSpec.MatchValue(value, dstField, nBits) : new LearnSpec.MatchField(srcField, dstField, nBits));
        }
        return new Learn(in.get(start + 26) & 0xff, in.getShort(start + 14) & 0xffff, in.getShort(start + 10) & 0xffff,
                in.getShort(start + 12) & 0xffff, in.getLong(start + 16), in.getShort(start + 24) & 0xffff, specs);
    }

    /** The Nicira actions this codec knows, or null (then read as {@link Other}). */
    private static Action readNicira(ByteBuffer in, int start, int len) {
        if (len < 16 || in.getInt(start + 4) != NX_VENDOR) {
            return null;
        }
        int subtype = in.getShort(start + 8) & 0xffff;
        if (subtype == NXAST_CT && len == 24 && in.getInt(start + 12) == 0) {
            return new Conntrack(in.getShort(start + 10) & 0xffff, in.getShort(start + 16) & 0xffff, in.get(start + 18) & 0xff);
        }
        if (subtype == NXAST_RESUBMIT_TABLE && len == 16 && (in.getShort(start + 10) & 0xffff) == 0xfff8) {
            return new Resubmit(in.get(start + 12) & 0xff);
        }
        if (subtype == NXAST_LEARN) {
            return readLearn(in, start, len);
        }
        if (subtype == NXAST_CONJUNCTION && len == 16) {
            return new Conjunction(in.getInt(start + 12) & 0xffff_ffffL, (in.get(start + 10) & 0xff) + 1, in.get(start + 11) & 0xff);
        }
        return null;
    }

    static List<Action> readList(ByteBuffer in, int length) {
        List<Action> actions = new ArrayList<>();
        int end = in.position() + length;
        while (in.position() < end) {
            int start = in.position();
            int type = in.getShort() & 0xffff;
            int len = in.getShort() & 0xffff;
            if (len < 8) {
                throw new OpenFlowCodecException("action of type " + type + " with length " + len);
            }
            actions.add(switch (type) {
                case 0 -> {
                    long port = in.getInt() & 0xffffffffL;
                    yield new Output(port, in.getShort() & 0xffff);
                }
                case 24 -> new DecNwTtl();
                case 22 -> new Group(in.getInt() & 0xffffffffL);
                case 25 -> new SetField(Oxm.read(in));
                case 0xffff -> {
                    Action nx = readNicira(in, start, len);
                    if (nx != null) {
                        yield nx;
                    }
                    byte[] body = new byte[len - 4];
                    in.get(body);
                    yield new Other(type, HexFormat.of().formatHex(body));
                }
                default -> {
                    byte[] body = new byte[len - 4];
                    in.get(body);
                    yield new Other(type, HexFormat.of().formatHex(body));
                }
            });
            in.position(start + len);
        }
        return actions;
    }
}
