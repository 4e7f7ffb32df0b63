package dev.uniplane.provider.vpp.internal.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Hand-written codecs of the VPP 26.06 API messages the provider uses, each pinned to the CRC of its definition in
 * the .api.json files (checked against VPP's message table at connect, and against the .api.json files by a test).
 * Layouts: ../shared/vpp/LAYOUTS.md; every request is byte-identical to the official Python client's encoding
 * (GOLDEN.md, checked by {@code MessagesGoldenTest}).
 */
public final class Messages {
    /** {@code ~0}: "all interfaces" in a dump, "none / resolve by next hop" in a path, "new" for an ACL index. */
    public static final int ALL_ONES = -1;
    /** {@code if_status_flags}: administratively up. */
    public static final int IF_ADMIN_UP = 1;
    /** {@code if_status_flags}: link up. */
    public static final int IF_LINK_UP = 2;

    static final MessageType SOCKCLNT_CREATE = new MessageType("sockclnt_create", "455fb9c4");
    static final MessageType SOCKCLNT_CREATE_REPLY = new MessageType("sockclnt_create_reply", "35166268");
    static final MessageType SOCKCLNT_DELETE = new MessageType("sockclnt_delete", "8ac76db6");
    static final MessageType SOCKCLNT_DELETE_REPLY = new MessageType("sockclnt_delete_reply", "8f38b1ee");
    /** {@code sockclnt_create} has a fixed id, as the client has no message table before it connects. */
    static final int SOCKCLNT_CREATE_ID = 15;
    static final MessageType CONTROL_PING_TYPE = new MessageType("control_ping", "51077d14");
    static final MessageType CONTROL_PING_REPLY = new MessageType("control_ping_reply", "f6b0b8ca");
    /** The reply of requests that only return a retval. */
    private static final String RETVAL_ONLY = "e8d4e804";
    /** The reply of requests that return a retval and an sw_if_index. */
    private static final String RETVAL_SW_IF_INDEX = "5383d31f";

    private Messages() {
    }

    /** Encodes a request: header ({@code msgId}, {@code clientIndex}, {@code context}) and fields. */
    public static byte[] encode(int msgId, int clientIndex, int context, java.util.function.Consumer<WireWriter> fields) {
        WireWriter out = new WireWriter().u16(msgId).u32(clientIndex).u32(context);
        fields.accept(out);
        return out.toByteArray();
    }

    /** An IP prefix as VPP encodes it ({@code prefix}: address + length). */
    public record Prefix(InetAddress address, int length) {
        /** Checks the length fits the family. */
        public Prefix {
            Objects.requireNonNull(address, "address");
            int max = address instanceof Inet4Address ? 32 : 128;
            if (length < 0 || length > max) {
                throw new IllegalArgumentException("prefix length " + length + " for " + address.getHostAddress());
            }
        }

        /** {@code 0.0.0.0/0}, or {@code ::/0}: any address of that family. */
        public static Prefix any(boolean ipv6) {
            try {
                return new Prefix(InetAddress.getByAddress(new byte[ipv6 ? 16 : 4]), 0);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        void encode(WireWriter out) {
            out.prefix(address, length);
        }
    }

    /** {@code control_ping}: a no-op round trip; its reply also ends every dump. */
    public record ControlPing() implements ApiRequest<Integer> {
        @Override
        public MessageType request() {
            return CONTROL_PING_TYPE;
        }

        @Override
        public MessageType reply() {
            return CONTROL_PING_REPLY;
        }

        @Override
        public void encodeFields(WireWriter out) {
        }

        /** The pid of the VPP process. */
        @Override
        public Integer decodeReply(WireReader reply) {
            return reply.at(14).u32();
        }
    }

    /** One interface of a {@code sw_interface_dump}. */
    public record InterfaceDetails(int swIfIndex, int supSwIfIndex, byte[] mac, int flags, int type, int linkMtu,
                                   int l3Mtu, String name, String devType, String tag) {
        /** Administratively up. */
        public boolean adminUp() {
            return (flags & IF_ADMIN_UP) != 0;
        }

        /** Link up. */
        public boolean linkUp() {
            return (flags & IF_LINK_UP) != 0;
        }
    }

    /** {@code sw_interface_dump}: all interfaces, or those whose name contains {@code nameFilter}. */
    public record SwInterfaceDump(Optional<String> nameFilter) implements ApiDump<InterfaceDetails> {
        /** Every interface. */
        public static SwInterfaceDump all() {
            return new SwInterfaceDump(Optional.empty());
        }

        @Override
        public MessageType request() {
            return new MessageType("sw_interface_dump", "aa610c27");
        }

        @Override
        public MessageType details() {
            return new MessageType("sw_interface_details", "6c221fc7");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(ALL_ONES).bool(nameFilter.isPresent()).variableString(nameFilter.orElse(""));
        }

        @Override
        public InterfaceDetails decodeDetails(WireReader in) {
            int swIfIndex = in.at(6).u32();
            int sup = in.u32();
            byte[] mac = in.bytes(6);
            int flags = in.u32();
            int type = in.u32();
            int linkMtu = in.at(36).u16();
            int l3Mtu = in.u32();
            String name = in.at(103).fixedString(64);
            String devType = in.fixedString(64);
            String tag = in.fixedString(64);
            return new InterfaceDetails(swIfIndex, sup, mac, flags, type, linkMtu, l3Mtu, name, devType, tag);
        }
    }

    /** A request whose reply is {@code u16 id | u32 context | i32 retval} only. */
    private interface RetvalOnly extends ApiRequest<Void> {
        @Override
        default MessageType reply() {
            return new MessageType(request().name() + "_reply", RETVAL_ONLY);
        }

        @Override
        default Void decodeReply(WireReader reply) {
            return null;
        }
    }

    /** A request whose reply is {@code retval} and a u32 at offset 10 (an sw_if_index, socket id or stats index). */
    private interface RetvalAndIndex extends ApiRequest<Integer> {
        @Override
        default Integer decodeReply(WireReader reply) {
            return reply.at(10).u32();
        }
    }

    /** {@code sw_interface_set_flags}: admin up ({@link #IF_ADMIN_UP}) or down (0). */
    public record SwInterfaceSetFlags(int swIfIndex, int flags) implements RetvalOnly {
        @Override
        public MessageType request() {
            return new MessageType("sw_interface_set_flags", "f5aec1b8");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(swIfIndex).u32(flags);
        }
    }

    /** {@code sw_interface_add_del_address}. */
    public record SwInterfaceAddDelAddress(int swIfIndex, boolean isAdd, boolean deleteAll, Prefix prefix)
            implements RetvalOnly {
        @Override
        public MessageType request() {
            return new MessageType("sw_interface_add_del_address", "5463d73b");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(swIfIndex).bool(isAdd).bool(deleteAll);
            prefix.encode(out);
        }
    }

    /** {@code want_interface_events}: (un)subscribes this client to {@link SwInterfaceEvent}s. */
    public record WantInterfaceEvents(boolean enable, int pid) implements RetvalOnly {
        @Override
        public MessageType request() {
            return new MessageType("want_interface_events", "476f5a08");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(enable ? 1 : 0).u32(pid);
        }
    }

    /**
     * {@code sw_interface_event}: unsolicited, no context ({@code u16 id | u32 client_index | u32 pid | u32
     * sw_if_index | u32 flags | u8 deleted}).
     */
    public record SwInterfaceEvent(int pid, int swIfIndex, int flags, boolean deleted) {
        /** The event message. */
        public static final MessageType TYPE = new MessageType("sw_interface_event", "2d3d95a7");

        /** Decodes one event. */
        public static SwInterfaceEvent decode(WireReader in) {
            return new SwInterfaceEvent(in.at(6).u32(), in.u32(), in.u32(), in.bool());
        }
    }

    /** {@code af_packet_mode}: Ethernet frames. */
    public static final int AF_PACKET_MODE_ETHERNET = 1;

    /**
     * {@code af_packet_create_v3}: a VPP interface named {@code host-<hostIfName>} on a Linux interface (a veth end).
     * {@code mac} null = random. Frame sizes and counts 0 = VPP's defaults. Reply: the new sw_if_index.
     */
    public record AfPacketCreateV3(int mode, byte[] mac, String hostIfName, int rxFrameSize, int txFrameSize,
                                   int rxFramesPerBlock, int txFramesPerBlock, int flags, int rxQueues,
                                   int txQueues) implements RetvalAndIndex {
        /** Ethernet mode, random MAC, VPP's default rings, one queue each way: what the CLI's create host-interface does. */
        public static AfPacketCreateV3 ethernet(String hostIfName) {
            return new AfPacketCreateV3(AF_PACKET_MODE_ETHERNET, null, hostIfName, 0, 0, 0, 0, 0, 1, 1);
        }

        @Override
        public MessageType request() {
            return new MessageType("af_packet_create_v3", "b3a809d4");
        }

        @Override
        public MessageType reply() {
            return new MessageType("af_packet_create_v3_reply", RETVAL_SW_IF_INDEX);
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(mode).mac(mac == null ? new byte[6] : mac).bool(mac == null).fixedString(hostIfName, 64)
                    .u32(rxFrameSize).u32(txFrameSize).u32(rxFramesPerBlock).u32(txFramesPerBlock).u32(flags)
                    .u16(rxQueues).u16(txQueues);
        }
    }

    /** {@code af_packet_delete}: removes the host-interface on {@code hostIfName}. */
    public record AfPacketDelete(String hostIfName) implements RetvalOnly {
        @Override
        public MessageType request() {
            return new MessageType("af_packet_delete", "863fa648");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.fixedString(hostIfName, 64);
        }
    }

    /**
     * {@code memif_socket_filename_add_del_v2}: registers (or removes) a memif control socket; {@code socketId}
     * {@link #ALL_ONES} lets VPP pick the id. Reply: the socket id.
     */
    public record MemifSocketFilenameAddDelV2(boolean isAdd, int socketId, String filename)
            implements RetvalAndIndex {
        @Override
        public MessageType request() {
            return new MessageType("memif_socket_filename_add_del_v2", "34223bdf");
        }

        @Override
        public MessageType reply() {
            return new MessageType("memif_socket_filename_add_del_v2_reply", "9f29bdb9");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.bool(isAdd).u32(socketId).variableString(filename);
        }
    }

    /** {@code memif_role}: the side that creates the shared memory and listens. */
    public static final int MEMIF_ROLE_MASTER = 0;
    /** {@code memif_role}: the side that connects. */
    public static final int MEMIF_ROLE_SLAVE = 1;
    /** {@code memif_mode}: Ethernet frames. */
    public static final int MEMIF_MODE_ETHERNET = 0;

    /**
     * {@code memif_create_v2}: a memif interface on a registered socket; {@code mac} null = random, {@code secret}
     * empty = none. Reply: the new sw_if_index.
     */
    public record MemifCreateV2(int role, int mode, int rxQueues, int txQueues, int id, int socketId, int ringSize,
                                int bufferSize, boolean noZeroCopy, boolean useDma, byte[] mac, String secret)
            implements RetvalAndIndex {
        @Override
        public MessageType request() {
            return new MessageType("memif_create_v2", "8c7de5f7");
        }

        @Override
        public MessageType reply() {
            return new MessageType("memif_create_v2_reply", RETVAL_SW_IF_INDEX);
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(role).u32(mode).u8(rxQueues).u8(txQueues).u32(id).u32(socketId).u32(ringSize).u16(bufferSize)
                    .bool(noZeroCopy).bool(useDma).mac(mac == null ? new byte[6] : mac)
                    .fixedString(secret == null ? "" : secret, 24);
        }
    }

    /** {@code memif_delete}. */
    public record MemifDelete(int swIfIndex) implements RetvalOnly {
        @Override
        public MessageType request() {
            return new MessageType("memif_delete", "f9e6675e");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(swIfIndex);
        }
    }

    /** {@code fib_path_type}: an ordinary next hop. */
    public static final int FIB_PATH_TYPE_NORMAL = 0;
    /** {@code fib_path_type}: drop. */
    public static final int FIB_PATH_TYPE_DROP = 2;

    /**
     * One {@code fib_path} (167 bytes): {@code swIfIndex} {@link #ALL_ONES} = resolve through the next hop; the next
     * hop's family sets the path's protocol. MPLS labels are not used (n_labels 0).
     */
    public record FibPath(int swIfIndex, int tableId, int weight, int preference, int type, int flags,
                          InetAddress nextHop) {
        /** A normal path of weight 1 via {@code nextHop} out of {@code swIfIndex}. */
        public static FibPath via(InetAddress nextHop, int swIfIndex) {
            return new FibPath(swIfIndex, 0, 1, 0, FIB_PATH_TYPE_NORMAL, 0, nextHop);
        }

        /** Decodes one path (167 bytes) at the reader's position. */
        static FibPath decode(WireReader in) {
            int swIfIndex = in.u32();
            int tableId = in.u32();
            in.u32(); // rpf_id
            int weight = in.u8();
            int preference = in.u8();
            int type = in.u32();
            int flags = in.u32();
            int proto = in.u32();
            byte[] union = in.bytes(16);
            in.bytes(4 + 4 + 4 + 1 + 16 * 7); // via_label, obj_id, classify_table_index, n_labels, label_stack
            try {
                InetAddress nextHop = InetAddress.getByAddress(proto == 0 ? java.util.Arrays.copyOf(union, 4) : union);
                return new FibPath(swIfIndex, tableId, weight, preference, type, flags, nextHop);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e); // unreachable: the lengths are 4 and 16
            }
        }

        void encode(WireWriter out) {
            out.u32(swIfIndex).u32(tableId).u32(0).u8(weight).u8(preference).u32(type).u32(flags)
                    .u32(nextHop instanceof Inet4Address ? 0 : 1).addressUnion(nextHop)
                    .u32(0).u32(0).u32(0) // via_label, obj_id, classify_table_index
                    .u8(0).zeros(16 * 7); // n_labels, label_stack[16] of {u8, u32, u8, u8}
        }
    }

    /**
     * {@code ip_route_add_del}: adds (or deletes) {@code prefix} in {@code tableId} with {@code paths}; several paths
     * make an ECMP route. {@code isMultipath} adds/removes these paths to/from the existing route instead of replacing
     * it. Reply: the route's stats index.
     */
    public record IpRouteAddDel(boolean isAdd, boolean isMultipath, int tableId, Prefix prefix, List<FibPath> paths)
            implements RetvalAndIndex {
        /** Copies the paths; at most 255. */
        public IpRouteAddDel {
            paths = List.copyOf(paths);
            if (paths.size() > 255) {
                throw new IllegalArgumentException("a route has at most 255 paths, not " + paths.size());
            }
        }

        @Override
        public MessageType request() {
            return new MessageType("ip_route_add_del", "b8ecfe0d");
        }

        @Override
        public MessageType reply() {
            return new MessageType("ip_route_add_del_reply", "1992deab");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.bool(isAdd).bool(isMultipath).u32(tableId).u32(0); // stats_index is output only
            prefix.encode(out);
            out.u8(paths.size());
            paths.forEach(path -> path.encode(out));
        }
    }

    /** {@code ip_neighbor_flags}: static (not aged out). */
    public static final int NEIGHBOR_FLAG_STATIC = 1;

    /** {@code ip_neighbor_add_del}: a neighbor (ARP / ND entry). Reply: its stats index. */
    public record IpNeighborAddDel(boolean isAdd, int swIfIndex, int flags, byte[] mac, InetAddress address)
            implements RetvalAndIndex {
        @Override
        public MessageType request() {
            return new MessageType("ip_neighbor_add_del", "0607c257");
        }

        @Override
        public MessageType reply() {
            return new MessageType("ip_neighbor_add_del_reply", "1992deab");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.bool(isAdd).u32(swIfIndex).u8(flags).mac(mac).address(address);
        }
    }

    /** {@code acl_action}: deny. */
    public static final int ACL_DENY = 0;
    /** {@code acl_action}: permit. */
    public static final int ACL_PERMIT = 1;
    /** {@code acl_action}: permit and let the return traffic in (stateful). */
    public static final int ACL_PERMIT_REFLECT = 2;

    /**
     * One {@code acl_rule} (48 bytes). {@code proto} 0 = any; the port ranges are ICMP type/code ranges for ICMP.
     */
    public record AclRule(int action, Prefix source, Prefix destination, int proto, int srcPortFirst,
                          int srcPortLast, int dstPortFirst, int dstPortLast, int tcpFlagsMask, int tcpFlagsValue) {
        /** Any port, any TCP flags. */
        public static AclRule of(int action, Prefix source, Prefix destination, int proto) {
            return new AclRule(action, source, destination, proto, 0, 0xffff, 0, 0xffff, 0, 0);
        }

        void encode(WireWriter out) {
            out.u8(action);
            source.encode(out);
            destination.encode(out);
            out.u8(proto).u16(srcPortFirst).u16(srcPortLast).u16(dstPortFirst).u16(dstPortLast).u8(tcpFlagsMask)
                    .u8(tcpFlagsValue);
        }
    }

    /**
     * {@code acl_add_replace}: a new ACL ({@code aclIndex} {@link #ALL_ONES}) or a replacement of an existing one.
     * Reply: the ACL's index. This reply puts acl_index BEFORE retval.
     */
    public record AclAddReplace(int aclIndex, String tag, List<AclRule> rules) implements ApiRequest<Integer> {
        /** Copies the rules. */
        public AclAddReplace {
            rules = List.copyOf(rules);
        }

        @Override
        public MessageType request() {
            return new MessageType("acl_add_replace", "ee5c2f18");
        }

        @Override
        public MessageType reply() {
            return new MessageType("acl_add_replace_reply", "ac407b0c");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(aclIndex).fixedString(tag, 64).u32(rules.size());
            rules.forEach(rule -> rule.encode(out));
        }

        @Override
        public int retval(WireReader reply) {
            return reply.at(10).u32();
        }

        @Override
        public Integer decodeReply(WireReader reply) {
            return reply.at(6).u32();
        }
    }

    /** {@code acl_interface_set_acl_list}: the interface's input ACLs, then its output ACLs, in evaluation order. */
    public record AclInterfaceSetAclList(int swIfIndex, List<Integer> input, List<Integer> output)
            implements RetvalOnly {
        /** Copies the lists; at most 255 ACLs in all. */
        public AclInterfaceSetAclList {
            input = List.copyOf(input);
            output = List.copyOf(output);
            if (input.size() + output.size() > 255) {
                throw new IllegalArgumentException("at most 255 ACLs per interface");
            }
        }

        @Override
        public MessageType request() {
            return new MessageType("acl_interface_set_acl_list", "473982bd");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(swIfIndex).u8(input.size() + output.size()).u8(input.size());
            input.forEach(out::u32);
            output.forEach(out::u32);
        }
    }

    /** {@code acl_del}. */
    public record AclDel(int aclIndex) implements RetvalOnly {
        @Override
        public MessageType request() {
            return new MessageType("acl_del", "ef34fea4");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(aclIndex);
        }
    }

    /**
     * {@code acl_stats_intf_counters_enable}: makes the ACL plugin count, per ACE, the packets that interface ACLs
     * classified (stats segment {@code /acl/<index>/matches}); off by default.
     */
    public record AclStatsIntfCountersEnable(boolean enable) implements RetvalOnly {
        @Override
        public MessageType request() {
            return new MessageType("acl_stats_intf_counters_enable", "b3e225d2");
        }

        /** VPP 26.06 answers with acl_del_reply's id (acl.c: {@code REPLY_MACRO (VL_API_ACL_DEL_REPLY)}); same layout. */
        @Override
        public MessageType reply() {
            return new MessageType("acl_del_reply", RETVAL_ONLY);
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.bool(enable);
        }
    }

    /** {@code cli_inband}: runs a debug CLI command; for diagnostics only. Reply: the command's output. */
    public record CliInband(String command) implements ApiRequest<String> {
        @Override
        public MessageType request() {
            return new MessageType("cli_inband", "f8377302");
        }

        @Override
        public MessageType reply() {
            return new MessageType("cli_inband_reply", "05879051");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.variableString(command);
        }

        @Override
        public String decodeReply(WireReader reply) {
            return reply.at(10).variableString();
        }
    }

    /** {@code create_loopback}: a loopback interface ({@code mac} null = VPP picks one). Reply: its sw_if_index. */
    public record CreateLoopback(byte[] mac) implements RetvalAndIndex {
        @Override
        public MessageType request() {
            return new MessageType("create_loopback", "42bb5d22");
        }

        @Override
        public MessageType reply() {
            return new MessageType("create_loopback_reply", RETVAL_SW_IF_INDEX);
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.mac(mac == null ? new byte[6] : mac);
        }
    }

    /** {@code delete_loopback}. */
    public record DeleteLoopback(int swIfIndex) implements RetvalOnly {
        @Override
        public MessageType request() {
            return new MessageType("delete_loopback", "f9e6675e");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(swIfIndex);
        }
    }

    /**
     * {@code sw_interface_set_unnumbered}: {@code unnumberedSwIfIndex} borrows the addresses of {@code swIfIndex}
     * (which enables IPv4 and IPv6 on it without an address of its own).
     */
    public record SwInterfaceSetUnnumbered(int swIfIndex, int unnumberedSwIfIndex, boolean isAdd)
            implements RetvalOnly {
        @Override
        public MessageType request() {
            return new MessageType("sw_interface_set_unnumbered", "154a6439");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(swIfIndex).u32(unnumberedSwIfIndex).bool(isAdd);
        }
    }

    /** {@code sw_interface_ip6_enable_disable}: IPv6 on an interface without a global address (link-local only). */
    public record SwInterfaceIp6EnableDisable(int swIfIndex, boolean enable) implements RetvalOnly {
        @Override
        public MessageType request() {
            return new MessageType("sw_interface_ip6_enable_disable", "ae6cfcfb");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(swIfIndex).bool(enable);
        }
    }

    /**
     * {@code sw_interface_ip6nd_ra_config}: with {@code suppress}, VPP sends no router advertisements on the
     * interface (the other fields 0 keep VPP's values).
     */
    public record SwInterfaceIp6ndRaConfig(int swIfIndex, boolean suppress) implements RetvalOnly {
        @Override
        public MessageType request() {
            return new MessageType("sw_interface_ip6nd_ra_config", "3eb00b1c");
        }

        @Override
        public void encodeFields(WireWriter out) {
            // suppress, managed, other, ll_option, send_unicast, cease, is_no, default_router, then the intervals
            out.u32(swIfIndex).u8(suppress ? 1 : 0).u8(0).u8(0).u8(0).u8(0).u8(0).bool(false).u8(0)
                    .u32(0).u32(0).u32(0).u32(0).u32(0);
        }
    }

    /** One route of an {@code ip_route_dump}: its prefix and paths as VPP's FIB holds them. */
    public record RouteDetails(int tableId, Prefix prefix, List<FibPath> paths) {
        /** Copies the paths. */
        public RouteDetails {
            paths = List.copyOf(paths);
        }
    }

    /** {@code ip_route_dump}: every route of one table and family (FIB entries of every source). */
    public record IpRouteDump(int tableId, boolean ipv6) implements ApiDump<RouteDetails> {
        @Override
        public MessageType request() {
            return new MessageType("ip_route_dump", "b9d2e09e");
        }

        @Override
        public MessageType details() {
            return new MessageType("ip_route_details", "bda8f315");
        }

        @Override
        public void encodeFields(WireWriter out) {
            out.u32(tableId).bool(ipv6).fixedString("", 64);
        }

        @Override
        public RouteDetails decodeDetails(WireReader in) {
            int table = in.at(6).u32();
            in.u32(); // stats_index
            InetAddress address = in.address();
            int length = in.u8();
            int count = in.u8();
            List<FibPath> paths = new java.util.ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                paths.add(FibPath.decode(in));
            }
            return new RouteDetails(table, new Prefix(address, length), paths);
        }
    }

    /**
     * Every message this client sends or receives after connecting: VPP's table must hold each one under this CRC,
     * or the client refuses the connection naming the message.
     */
    public static List<MessageType> all() {
        java.util.ArrayList<MessageType> types = new java.util.ArrayList<>(List.of(CONTROL_PING_TYPE,
                CONTROL_PING_REPLY, SOCKCLNT_DELETE, SOCKCLNT_DELETE_REPLY, SwInterfaceEvent.TYPE));
        for (ApiRequest<?> request : sampleRequests()) {
            types.add(request.request());
            types.add(request.reply());
        }
        for (ApiDump<?> dump : List.<ApiDump<?>>of(SwInterfaceDump.all(), new IpRouteDump(0, false))) {
            types.add(dump.request());
            types.add(dump.details());
        }
        return List.copyOf(new java.util.LinkedHashSet<>(types));
    }

    /** One instance of every request, with empty lists and strings (its encoding is the fixed part only). */
    static List<ApiRequest<?>> sampleRequests() {
        return List.of(new ControlPing(), new SwInterfaceSetFlags(0, 0),
                new SwInterfaceAddDelAddress(0, true, false, Prefix.any(false)), new WantInterfaceEvents(true, 0),
                AfPacketCreateV3.ethernet(""), new AfPacketDelete(""),
                new MemifSocketFilenameAddDelV2(true, 0, ""),
                new MemifCreateV2(0, 0, 1, 1, 0, 0, 0, 0, false, false, null, ""), new MemifDelete(0),
                new IpRouteAddDel(true, false, 0, Prefix.any(false), List.of()),
                new IpNeighborAddDel(true, 0, 0, new byte[6], Prefix.any(false).address()),
                new AclAddReplace(ALL_ONES, "", List.of()), new AclInterfaceSetAclList(0, List.of(), List.of()),
                new AclDel(0), new AclStatsIntfCountersEnable(true), new CliInband(""), new CreateLoopback(null),
                new DeleteLoopback(0), new SwInterfaceSetUnnumbered(0, 0, true), new SwInterfaceIp6EnableDisable(0, true),
                new SwInterfaceIp6ndRaConfig(0, true));
    }
}
