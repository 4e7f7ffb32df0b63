package dev.uniplane.linux.internal.netlink;

import dev.uniplane.linux.Errno;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.Privileged;
import dev.uniplane.linux.RouteOperation;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.VfSetting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The raw socket against the real kernel, in a private netns. */
class NetlinkSocketTest {
    private static String name;
    private static NetNs ns;
    private static RtNetlink rt;
    private static LinkInfo veth;

    @BeforeAll
    static void setUp() {
        Privileged.requireRoot();
        name = Privileged.name("k");
        ns = NetNs.create(name);
        rt = RtNetlink.open(ns);
        veth = rt.createVethPair(name + "a", name + "b", null);
        rt.setUp(veth.index(), true);
    }

    @AfterAll
    static void tearDown() {
        if (rt != null) {
            rt.close();
        }
        if (ns != null) {
            ns.close();
            NetNs.delete(name);
        }
    }

    @Test
    void socketIsCloseOnExec() throws Exception {
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE)) {
            String flags = Files.readAllLines(Path.of("/proc/self/fdinfo/" + s.fd())).stream()
                    .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow().split("\\s+")[1];
            assertThat(Integer.parseInt(flags, 8) & 02000000).isNotZero();
        }
    }

    @Test
    void smallReceiveBufferGrowsForBigDumpDatagrams() {
        List<RouteSpec> routes = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            routes.add(RouteSpec.to(IpPrefix.parse("10.210." + (i / 250) + "." + (i % 250) + "/32")).table(300)
                    .dev(veth.index()).build());
        }
        rt.programRoutes(RouteOperation.ADD, routes);
        try (NetlinkSocket s = ns.run(() -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE, 256))) {
            int seq = s.nextSeq();
            NlBuilder b = new NlBuilder();
            b.begin(RtnlCodec.RTM_GETROUTE, RtnlCodec.NLM_F_REQUEST | RtnlCodec.NLM_F_DUMP, seq).u8(2).zeros(11).end();
            List<NlMessage> msgs = s.dump(b, seq, "dump routes", "");
            long inTable = msgs.stream().map(RtnlCodec::decodeRoute).filter(r -> r.table() == 300).count();
            assertThat(inTable).isEqualTo(2000);
            assertThat(s.receiveBufferSize()).as("grown after MSG_PEEK|MSG_TRUNC").isGreaterThan(1024);
        } finally {
            rt.programRoutes(RouteOperation.DELETE, routes);
        }
    }

    private static int setLink(NetlinkSocket s, Consumer<NlBuilder> vfList) {
        int seq = s.nextSeq();
        NlBuilder b = new NlBuilder();
        b.begin(RtnlCodec.RTM_SETLINK, RtnlCodec.NLM_F_REQUEST | RtnlCodec.NLM_F_ACK, seq);
        RtnlCodec.ifinfomsg(b, 0, veth.index(), 0, 0);
        vfList.accept(b);
        b.end();
        try {
            s.request(b, seq, "set vf", "veth");
            return 0;
        } catch (LinuxException e) {
            return e.errno();
        }
    }

    @Test
    void kernelPolicyRejectsShortVfStructsButAcceptsOursUpToTheMissingNdo() {
        try (NetlinkSocket s = ns.run(() -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE))) {
            int shortMac = setLink(s, b -> b.nest(VfCodec.IFLA_VFINFO_LIST, false).nest(VfCodec.IFLA_VF_INFO, false)
                    .nest(VfCodec.IFLA_VF_MAC, false).u32(0).u32(0).endNest().endNest().endNest());
            assertThat(shortMac).as("8-byte IFLA_VF_MAC").isEqualTo(Errno.ERANGE);
            int shortSpoofChk = setLink(s, b -> b.nest(VfCodec.IFLA_VFINFO_LIST, false)
                    .nest(VfCodec.IFLA_VF_INFO, false).nest(VfCodec.IFLA_VF_SPOOFCHK, false).u32(0).endNest()
                    .endNest().endNest());
            assertThat(shortSpoofChk).as("4-byte IFLA_VF_SPOOFCHK").isEqualTo(Errno.ERANGE);
            // A 12-byte VLAN_INFO would be EINVAL, but only after the ndo check: on a veth it is EOPNOTSUPP already.
            int ours = setLink(s, b -> VfCodec.encode(b, new VfSetting.Vlan(0, 10, 0, 0x8100)));
            assertThat(ours).isEqualTo(Errno.EOPNOTSUPP);
        }
    }

    @Test
    void errorsCarryTheRequestSeqAndAreNotConfusedWithOtherReplies() {
        try (NetlinkSocket s = ns.run(() -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE))) {
            int first = s.nextSeq();
            int second = s.nextSeq();
            NlBuilder b = new NlBuilder();
            b.begin(RtnlCodec.RTM_DELLINK, RtnlCodec.NLM_F_REQUEST, first);
            RtnlCodec.ifinfomsg(b, 0, 999_999, 0, 0);
            b.end();
            b.begin(RtnlCodec.RTM_GETLINK, RtnlCodec.NLM_F_REQUEST, second);
            RtnlCodec.ifinfomsg(b, 0, veth.index(), 0, 0);
            b.end();
            List<NlMessage> replies = s.dump(b, second, "get link", "veth");
            assertThat(RtnlCodec.decodeLink(replies.getFirst()).index()).isEqualTo(veth.index());
            assertThatThrownBy(() -> {
                NlBuilder c = new NlBuilder();
                int seq = s.nextSeq();
                c.begin(RtnlCodec.RTM_DELLINK, RtnlCodec.NLM_F_REQUEST | RtnlCodec.NLM_F_ACK, seq);
                RtnlCodec.ifinfomsg(c, 0, 999_999, 0, 0);
                c.end();
                s.request(c, seq, "delete link", "#999999");
            }).isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errnoName()).isEqualTo("ENODEV"));
        }
    }
}
