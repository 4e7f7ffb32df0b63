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
        }
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
