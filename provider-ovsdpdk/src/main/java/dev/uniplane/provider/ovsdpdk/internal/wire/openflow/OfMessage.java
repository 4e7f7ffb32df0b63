package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import java.util.List;

/**
 * The OpenFlow 1.3 messages this codec speaks (plus the ONF bundle extension, which carries OpenFlow 1.4 bundle
 * semantics on a 1.3 connection). Every message has the transaction id of its header.
 */
public sealed interface OfMessage {
    /** The header's xid. */
    int xid();

    /** HELLO with a version bitmap element (bit n = wire version n); 0 = no bitmap. */
    record Hello(int xid, int version, long versionBitmap) implements OfMessage {
    }

    /**
     * ERROR: {@code type}/{@code code} (for type 0xffff the experimenter code and id), and the first bytes of the
     * offending request.
     */
    record Error(int xid, int type, int code, long experimenter, byte[] data) implements OfMessage {
        /** {@code BAD_MATCH/BAD_PREREQ} style name of the type and code. */
        public String name() {
            return ErrorNames.describe(type, code, experimenter);
        }

        /** The OpenFlow type of the offending message, or -1 if the data holds no header. */
        public int offendingType() {
            return data.length >= 8 ? data[1] & 0xff : -1;
        }

        /** The offending message's name, e.g. {@code FLOW_MOD} or {@code BUNDLE_ADD_MESSAGE} for an ONF bundle add. */
        public String offendingName() {
            if (offendingType() == 4 && data.length >= 16) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data);
                if ((b.getInt(8) & 0xffffffffL) == ErrorNames.ONF_EXPERIMENTER) {
                    return switch (b.getInt(12)) {
                        case 2300 -> "BUNDLE_CONTROL";
                        case 2301 -> "BUNDLE_ADD_MESSAGE";
                        default -> "ONF_EXPERIMENTER";
                    };
                }
            }
            return ErrorNames.messageType(offendingType());
        }
    }

    /** ECHO_REQUEST. */
    record EchoRequest(int xid, byte[] data) implements OfMessage {
    }

    /** ECHO_REPLY. */
    record EchoReply(int xid, byte[] data) implements OfMessage {
    }

    /** FEATURES_REQUEST. */
    record FeaturesRequest(int xid) implements OfMessage {
    }

    /** FEATURES_REPLY. */
    record FeaturesReply(int xid, long datapathId, long nBuffers, int nTables, int auxiliaryId, long capabilities)
            implements OfMessage {
    }

    /** PORT_STATUS (asynchronous): reason 0 add, 1 delete, 2 modify. */
    record PortStatus(int xid, int reason, long portNo, String name) implements OfMessage {
    }

    /** The FLOW_MOD commands. */
    enum FlowModCommand { ADD, MODIFY, MODIFY_STRICT, DELETE, DELETE_STRICT }

    /** FLOW_MOD (48-byte fixed part, match, instructions). */
    record FlowMod(int xid, long cookie, long cookieMask, int tableId, FlowModCommand command, int idleTimeout,
                   int hardTimeout, int priority, long outPort, long outGroup, int flags, Match match,
                   List<Instruction> instructions) implements OfMessage {
        /** Flag: the switch refuses an add that overlaps an existing flow of the same priority. */
        public static final int CHECK_OVERLAP = 1 << 1;
        /** Flag: send FLOW_REMOVED when it expires. */
        public static final int SEND_FLOW_REM = 1;

        public FlowMod {
            instructions = List.copyOf(instructions);
        }

        /** An ADD of a permanent flow. */
        public static FlowMod add(int xid, int tableId, int priority, long cookie, Match match, List<Instruction> instructions) {
            return new FlowMod(xid, cookie, 0, tableId, FlowModCommand.ADD, 0, 0, priority, Action.PORT_ANY, Action.PORT_ANY, 0,
                    match, instructions);
        }

        /** DELETE in every table of the flows whose cookie equals {@code cookie} under {@code cookieMask} (0 = all flows). */
        public static FlowMod deleteByCookie(int xid, long cookie, long cookieMask) {
            return new FlowMod(xid, cookie, cookieMask, 0xff, FlowModCommand.DELETE, 0, 0, 0, Action.PORT_ANY, Action.PORT_ANY, 0,
                    Match.any(), List.of());
        }

        /** The same message with another xid. */
        public FlowMod withXid(int newXid) {
            return new FlowMod(newXid, cookie, cookieMask, tableId, command, idleTimeout, hardTimeout, priority, outPort,
                    outGroup, flags, match, instructions);
        }
    }

    /** GROUP_MOD commands. */
    enum GroupModCommand { ADD, MODIFY, DELETE }

    /** Group types: ALL 0, SELECT 1, INDIRECT 2, FAST_FAILOVER 3. */
    enum GroupType { ALL, SELECT, INDIRECT, FAST_FAILOVER }

    /** GROUP_MOD. */
    record GroupMod(int xid, GroupModCommand command, GroupType type, long groupId, List<Bucket> buckets) implements OfMessage {
        /** Group id meaning all groups (for DELETE). */
        public static final long ALL_GROUPS = 0xfffffffcL;

        public GroupMod {
            buckets = List.copyOf(buckets);
        }
    }

    /** MULTIPART_REQUEST of type FLOW (1): flows in {@code tableId} (0xff = all) matching cookie/mask and match. */
    record FlowStatsRequest(int xid, int tableId, long outPort, long outGroup, long cookie, long cookieMask, Match match)
            implements OfMessage {
        /** Every flow in every table. */
        public static FlowStatsRequest all(int xid) {
            return new FlowStatsRequest(xid, 0xff, Action.PORT_ANY, Action.PORT_ANY, 0, 0, Match.any());
        }
    }

    /** MULTIPART_REQUEST of type PORT_STATS (4); port 0xffffffff = all ports. */
    record PortStatsRequest(int xid, long portNo) implements OfMessage {
    }

    /** One part of a flow-stats MULTIPART_REPLY; {@code more} is the REPLY_MORE flag. */
    record FlowStatsReply(int xid, boolean more, List<FlowStats> flows) implements OfMessage {
        public FlowStatsReply {
            flows = List.copyOf(flows);
        }
    }

    /** One part of a port-stats MULTIPART_REPLY. */
    record PortStatsReply(int xid, boolean more, List<PortStats> ports) implements OfMessage {
        public PortStatsReply {
            ports = List.copyOf(ports);
        }
    }

    /** BARRIER_REQUEST. */
    record BarrierRequest(int xid) implements OfMessage {
    }

    /** BARRIER_REPLY. */
    record BarrierReply(int xid) implements OfMessage {
    }

    /** Bundle control types (OpenFlow 1.4 {@code ofp_bundle_ctrl_type}). */
    enum BundleControlType { OPEN_REQUEST, OPEN_REPLY, CLOSE_REQUEST, CLOSE_REPLY, COMMIT_REQUEST, COMMIT_REPLY, DISCARD_REQUEST, DISCARD_REPLY }

    /** Bundle flag: all or nothing. */
    int BUNDLE_ATOMIC = 1;
    /** Bundle flag: apply in the order added. */
    int BUNDLE_ORDERED = 2;

    /** BUNDLE_CONTROL (as ONF experimenter message 2300 on OpenFlow 1.3). */
    record BundleControl(int xid, long bundleId, BundleControlType type, int flags) implements OfMessage {
    }

    /** BUNDLE_ADD_MESSAGE (ONF experimenter 2301): {@code message} goes into the bundle; its xid should equal ours. */
    record BundleAdd(int xid, long bundleId, int flags, OfMessage message) implements OfMessage {
    }

    /** Any other message, body kept as received. */
    record Unknown(int xid, int version, int type, byte[] body) implements OfMessage {
    }
}
