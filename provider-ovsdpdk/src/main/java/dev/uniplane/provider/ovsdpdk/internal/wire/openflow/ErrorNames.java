package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import java.util.List;
import java.util.Map;

/** Names of OpenFlow 1.3 error types and codes (section 7.4.4), and of the ONF bundle errors OVS sends on 1.3. */
final class ErrorNames {
    static final long ONF_EXPERIMENTER = 0x4f4e4600L;
    /** ONF extension error codes 2300.. carry the OpenFlow 1.4 BUNDLE_FAILED codes on 1.3 connections. */
    static final int ONF_BUNDLE_ERROR_BASE = 2300;

    private static final List<String> TYPES = List.of("HELLO_FAILED", "BAD_REQUEST", "BAD_ACTION", "BAD_INSTRUCTION",
            "BAD_MATCH", "FLOW_MOD_FAILED", "GROUP_MOD_FAILED", "PORT_MOD_FAILED", "TABLE_MOD_FAILED", "QUEUE_OP_FAILED",
            "SWITCH_CONFIG_FAILED", "ROLE_REQUEST_FAILED", "METER_MOD_FAILED", "TABLE_FEATURES_FAILED");
    private static final List<String> BUNDLE_CODES = List.of("UNKNOWN", "EPERM", "BAD_ID", "BUNDLE_EXIST", "BUNDLE_CLOSED",
            "OUT_OF_BUNDLES", "BAD_TYPE", "BAD_FLAGS", "MSG_BAD_LEN", "MSG_BAD_XID", "MSG_UNSUP", "MSG_CONFLICT",
            "MSG_TOO_MANY", "MSG_FAILED", "TIMEOUT", "BUNDLE_IN_PROGRESS");
    private static final Map<Integer, List<String>> CODES = Map.of(
            0, List.of("INCOMPATIBLE", "EPERM"),
            1, List.of("BAD_VERSION", "BAD_TYPE", "BAD_MULTIPART", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "EPERM", "BAD_LEN",
                    "BUFFER_EMPTY", "BUFFER_UNKNOWN", "BAD_TABLE_ID", "IS_SLAVE", "BAD_PORT", "BAD_PACKET",
                    "MULTIPART_BUFFER_OVERFLOW"),
            2, List.of("BAD_TYPE", "BAD_LEN", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "BAD_OUT_PORT", "BAD_ARGUMENT", "EPERM",
                    "TOO_MANY", "BAD_QUEUE", "BAD_OUT_GROUP", "MATCH_INCONSISTENT", "UNSUPPORTED_ORDER", "BAD_TAG",
                    "BAD_SET_TYPE", "BAD_SET_LEN", "BAD_SET_ARGUMENT"),
            3, List.of("UNKNOWN_INST", "UNSUP_INST", "BAD_TABLE_ID", "UNSUP_METADATA", "UNSUP_METADATA_MASK",
                    "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "BAD_LEN", "EPERM"),
            4, List.of("BAD_TYPE", "BAD_LEN", "BAD_TAG", "BAD_DL_ADDR_MASK", "BAD_NW_ADDR_MASK", "BAD_WILDCARDS",
                    "BAD_FIELD", "BAD_VALUE", "BAD_MASK", "BAD_PREREQ", "DUP_FIELD", "EPERM"),
            5, List.of("UNKNOWN", "TABLE_FULL", "BAD_TABLE_ID", "OVERLAP", "EPERM", "BAD_TIMEOUT", "BAD_COMMAND", "BAD_FLAGS"),
            6, List.of("GROUP_EXISTS", "INVALID_GROUP", "WEIGHT_UNSUPPORTED", "OUT_OF_GROUPS", "OUT_OF_BUCKETS",
                    "CHAINING_UNSUPPORTED", "WATCH_UNSUPPORTED", "LOOP", "UNKNOWN_GROUP", "CHAINED_GROUP", "BAD_TYPE",
                    "BAD_COMMAND", "BAD_BUCKET", "BAD_WATCH", "EPERM"),
            7, List.of("BAD_PORT", "BAD_HW_ADDR", "BAD_CONFIG", "BAD_ADVERTISE", "EPERM"),
            8, List.of("BAD_TABLE", "BAD_CONFIG", "EPERM"));

    private ErrorNames() {
    }

    static String describe(int type, int code, long experimenter) {
        if (type == 0xffff) {
            if (experimenter == ONF_EXPERIMENTER && code >= ONF_BUNDLE_ERROR_BASE
                    && code < ONF_BUNDLE_ERROR_BASE + BUNDLE_CODES.size()) {
                return "BUNDLE_FAILED/" + BUNDLE_CODES.get(code - ONF_BUNDLE_ERROR_BASE);
            }
            return "EXPERIMENTER(0x" + Long.toHexString(experimenter) + ")/" + code;
        }
        if (type == 17) {
            return "BUNDLE_FAILED/" + name(BUNDLE_CODES, code);
        }
        String typeName = type < TYPES.size() ? TYPES.get(type) : "TYPE_" + type;
        return typeName + "/" + name(CODES.getOrDefault(type, List.of()), code);
    }

    private static String name(List<String> names, int code) {
        return code < names.size() ? names.get(code) : "CODE_" + code;
    }

    private static final List<String> MESSAGE_TYPES = List.of("HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "EXPERIMENTER",
            "FEATURES_REQUEST", "FEATURES_REPLY", "GET_CONFIG_REQUEST", "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN",
            "FLOW_REMOVED", "PORT_STATUS", "PACKET_OUT", "FLOW_MOD", "GROUP_MOD", "PORT_MOD", "TABLE_MOD",
            "MULTIPART_REQUEST", "MULTIPART_REPLY", "BARRIER_REQUEST", "BARRIER_REPLY");

    /** FLOW_MOD style name of a message type. */
    static String messageType(int type) {
        return type >= 0 && type < MESSAGE_TYPES.size() ? MESSAGE_TYPES.get(type) : "TYPE_" + type;
    }
}
