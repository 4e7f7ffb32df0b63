package dev.uniplane.provider.ebpf.internal.program;

import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.StructLayout;
import java.util.List;

/**
 * The C structs of {@code src/main/bpf/uniplane_maps.h} as FFM layouts, named like the C struct and its members, so
 * that a test can compare every size and member offset with the object's BTF. All members are unaligned layouts so
 * the encoders can work on heap byte arrays; the padding is explicit as in the header.
 */
public final class Layouts {

    public static final StructLayout UP_IP_KEY = structLayout(
            JAVA_BYTE.withName("family"),
            sequenceLayout(3, JAVA_BYTE).withName("pad"),
            sequenceLayout(16, JAVA_BYTE).withName("addr")).withName("up_ip_key");

    public static final StructLayout UP_ENDPOINT = structLayout(
            JAVA_INT_UNALIGNED.withName("index"),
            JAVA_INT_UNALIGNED.withName("ifindex"),
            sequenceLayout(6, JAVA_BYTE).withName("mac"),
            sequenceLayout(6, JAVA_BYTE).withName("host_mac"),
            JAVA_INT_UNALIGNED.withName("identity"),
            JAVA_INT_UNALIGNED.withName("flags"),
            JAVA_INT_UNALIGNED.withName("pad")).withName("up_endpoint");

    public static final StructLayout UP_LPM_V4_KEY = structLayout(
            JAVA_INT_UNALIGNED.withName("prefixlen"),
            sequenceLayout(4, JAVA_BYTE).withName("addr")).withName("up_lpm_v4_key");

    public static final StructLayout UP_LPM_V6_KEY = structLayout(
            JAVA_INT_UNALIGNED.withName("prefixlen"),
            sequenceLayout(16, JAVA_BYTE).withName("addr")).withName("up_lpm_v6_key");

    public static final StructLayout UP_ROUTE = structLayout(
            JAVA_INT_UNALIGNED.withName("group")).withName("up_route");

    public static final StructLayout UP_IDENTITY = structLayout(
            JAVA_INT_UNALIGNED.withName("identity")).withName("up_identity");

    public static final StructLayout UP_NH = structLayout(
            JAVA_BYTE.withName("type"),
            JAVA_BYTE.withName("family"),
            JAVA_SHORT_UNALIGNED.withName("weight"),
            JAVA_INT_UNALIGNED.withName("ifindex"),
            JAVA_INT_UNALIGNED.withName("ep_index"),
            sequenceLayout(6, JAVA_BYTE).withName("mac"),
            sequenceLayout(6, JAVA_BYTE).withName("host_mac"),
            sequenceLayout(16, JAVA_BYTE).withName("gw")).withName("up_nh");

    /** Hops per group: {@code UP_MAX_HOPS} = {@code Route.MAX_NEXT_HOPS}. */
    public static final int MAX_HOPS = 64;

    public static final StructLayout UP_NH_GROUP = structLayout(
            JAVA_INT_UNALIGNED.withName("count"),
            JAVA_INT_UNALIGNED.withName("total_weight"),
            sequenceLayout(MAX_HOPS, UP_NH).withName("hops")).withName("up_nh_group");

    /** Packed in C: no padding inside the matched data. */
    public static final StructLayout UP_POLICY_KEY = structLayout(
            JAVA_INT_UNALIGNED.withName("prefixlen"),
            JAVA_INT_UNALIGNED.withName("ep_index"),
            JAVA_BYTE.withName("direction"),
            JAVA_INT_UNALIGNED.withName("identity"),
            JAVA_BYTE.withName("proto"),
            JAVA_SHORT_UNALIGNED.withName("dport")).withName("up_policy_key");

    public static final StructLayout UP_POLICY_VALUE = structLayout(
            JAVA_BYTE.withName("verdict"),
            sequenceLayout(3, JAVA_BYTE).withName("pad"),
            JAVA_INT_UNALIGNED.withName("rule_id")).withName("up_policy_value");

    public static final StructLayout UP_STATE = structLayout(
            JAVA_INT_UNALIGNED.withName("active_slot"),
            JAVA_INT_UNALIGNED.withName("revision")).withName("up_state");

    public static final StructLayout UP_CONFIG = structLayout(
            JAVA_LONG_UNALIGNED.withName("ct_tcp_established_ns"),
            JAVA_LONG_UNALIGNED.withName("ct_tcp_other_ns"),
            JAVA_LONG_UNALIGNED.withName("ct_udp_ns"),
            JAVA_LONG_UNALIGNED.withName("ct_icmp_ns"),
            JAVA_INT_UNALIGNED.withName("uplink_ifindex"),
            JAVA_INT_UNALIGNED.withName("flags")).withName("up_config");

    public static final StructLayout UP_CT_KEY = structLayout(
            JAVA_BYTE.withName("family"),
            JAVA_BYTE.withName("proto"),
            sequenceLayout(2, JAVA_BYTE).withName("pad"),
            sequenceLayout(16, JAVA_BYTE).withName("addr_a"),
            sequenceLayout(16, JAVA_BYTE).withName("addr_b"),
            JAVA_SHORT_UNALIGNED.withName("port_a"),
            JAVA_SHORT_UNALIGNED.withName("port_b")).withName("up_ct_key");

    public static final StructLayout UP_CT_ENTRY = structLayout(
            JAVA_INT_UNALIGNED.withName("revision"),
            JAVA_BYTE.withName("state"),
            JAVA_BYTE.withName("flags"),
            JAVA_SHORT_UNALIGNED.withName("pad"),
            JAVA_LONG_UNALIGNED.withName("last_seen")).withName("up_ct_entry");

    /** Drop reasons, in {@code DropReason} order. */
    public static final int DROP_REASONS = 6;

    public static final StructLayout UP_EP_STATS = structLayout(
            JAVA_LONG_UNALIGNED.withName("rx_packets"),
            JAVA_LONG_UNALIGNED.withName("rx_bytes"),
            JAVA_LONG_UNALIGNED.withName("tx_packets"),
            JAVA_LONG_UNALIGNED.withName("tx_bytes"),
            sequenceLayout(DROP_REASONS, JAVA_LONG_UNALIGNED).withName("drops")).withName("up_ep_stats");

    public static final StructLayout UP_RULE_STATS = structLayout(
            JAVA_LONG_UNALIGNED.withName("packets")).withName("up_rule_stats");

    /** Every struct of the header. */
    public static final List<StructLayout> ALL = List.of(UP_IP_KEY, UP_ENDPOINT, UP_LPM_V4_KEY, UP_LPM_V6_KEY,
            UP_ROUTE, UP_IDENTITY, UP_NH, UP_NH_GROUP, UP_POLICY_KEY, UP_POLICY_VALUE, UP_STATE, UP_CONFIG, UP_CT_KEY,
            UP_CT_ENTRY, UP_EP_STATS, UP_RULE_STATS);

    private Layouts() {
    }

}
