package dev.uniplane.linux.internal.netlink;

import dev.uniplane.linux.AddressInfo;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.linux.InterfaceAddress;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.NeighbourInfo;
import dev.uniplane.linux.FibNextHop;
import dev.uniplane.linux.RouteInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoders against datagrams captured from the real 6.18 kernel (see netlink-captures.txt). */
class CapturedDecodeTest {
    @Test
    void ecmpRouteFromDumpDecodesWithWeights() {
        List<NlMessage> msgs = Captures.messages("routes");
        assertThat(msgs.getLast().type()).isEqualTo(NlMessage.NLMSG_DONE);
        assertThat(NlError.decodeDone(msgs.getLast()).error()).isZero();
        List<RouteInfo> routes = msgs.stream().filter(m -> m.type() == RtnlCodec.RTM_NEWROUTE)
                .map(RtnlCodec::decodeRoute).toList();
        RouteInfo ecmp = routes.stream().filter(r -> r.table() == 100).findFirst().orElseThrow();
        assertThat(ecmp.destination()).isEqualTo(IpPrefix.parse("10.99.0.0/24"));
        assertThat(ecmp.priority()).isEqualTo(7);
        assertThat(ecmp.protocol()).isEqualTo(4);
        assertThat(ecmp.gateway()).isNull();
        assertThat(ecmp.nextHops()).extracting(FibNextHop::gateway, FibNextHop::weight).containsExactly(
                org.assertj.core.groups.Tuple.tuple(IpAddress.parse("10.66.0.2"), 1),
                org.assertj.core.groups.Tuple.tuple(IpAddress.parse("10.66.0.3"), 3));
        assertThat(ecmp.nextHops()).allSatisfy(h -> assertThat(h.ifIndex()).isEqualTo(3));
        assertThat(routes).anySatisfy(r -> {
            assertThat(r.destination()).isEqualTo(IpPrefix.parse("10.66.0.0/24"));
            assertThat(r.table()).isEqualTo(254);
            assertThat(r.scope()).isEqualTo(253);
            assertThat(r.preferredSource()).isEqualTo(IpAddress.parse("10.66.0.1"));
        });
    }

    @Test
    void ipv6AddressesDecodeWithNodadFlag() {
        List<AddressInfo> addrs = Captures.messages("addr6").stream().filter(m -> m.type() == RtnlCodec.RTM_NEWADDR)
                .map(RtnlCodec::decodeAddress).toList();
        assertThat(addrs).anySatisfy(a -> {
            assertThat(a.prefix()).isEqualTo(InterfaceAddress.parse("fd00:66::1/64"));
            assertThat(a.flags() & AddressInfo.IFA_F_NODAD).isNotZero();
            assertThat(a.flags() & AddressInfo.IFA_F_PERMANENT).isNotZero();
            assertThat(a.index()).isEqualTo(3);
        });
        assertThat(addrs).anySatisfy(a -> assertThat(a.prefix().address().toInetAddress().isLinkLocalAddress()).isTrue());
    }

    @Test
    void permanentNeighbourDecodes() {
        List<NeighbourInfo> n = Captures.messages("neigh").stream().filter(m -> m.type() == RtnlCodec.RTM_NEWNEIGH)
                .map(RtnlCodec::decodeNeighbour).toList();
        assertThat(n).anySatisfy(e -> {
            assertThat(e.address()).isEqualTo(IpAddress.parse("10.66.0.2"));
            assertThat(e.mac()).isEqualTo(MacAddress.parse("02:00:00:00:00:0b"));
            assertThat(e.state()).isEqualTo(NeighbourInfo.NUD_PERMANENT);
            assertThat(e.proxy()).isFalse();
        });
    }

    @Test
    void vethLinkDecodes() {
        List<NlMessage> msgs = Captures.messages("link");
        assertThat(msgs).hasSize(1);
        assertThat(msgs.getFirst().flags() & NetlinkSocket.NLM_F_MULTI).isZero();
        LinkInfo l = RtnlCodec.decodeLink(msgs.getFirst());
        assertThat(l.name()).isEqualTo("uph1c0");
        assertThat(l.index()).isEqualTo(3);
        assertThat(l.kind()).isEqualTo("veth");
        assertThat(l.mac()).isEqualTo(MacAddress.parse("02:00:00:00:00:0a"));
        assertThat(l.mtu()).isEqualTo(1500);
        assertThat(l.up()).isTrue();
        assertThat(l.linkIndex()).isEqualTo(2);
        assertThat(l.vfs()).isEmpty();
    }

    @Test
    void cappedErrorWithExtendedAckDecodes() {
        List<NlMessage> msgs = Captures.messages("error");
        assertThat(msgs).hasSize(1);
        NlMessage m = msgs.getFirst();
        assertThat(m.type()).isEqualTo(NlMessage.NLMSG_ERROR);
        assertThat(m.flags() & NlError.NLM_F_CAPPED).isNotZero();
        NlError e = NlError.decodeError(m);
        assertThat(e.error()).isEqualTo(-22);
        assertThat(e.requestType()).isEqualTo(RtnlCodec.RTM_NEWADDR);
        assertThat(e.requestSeq()).isEqualTo(5);
        assertThat(e.extAck()).isEqualTo("ipv4: Invalid prefix length");
    }
}
