package dev.uniplane.linux.internal.netlink;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.linux.FibNextHop;
import dev.uniplane.linux.RouteInfo;
import dev.uniplane.linux.RouteOperation;
import dev.uniplane.linux.RouteSpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NlBuilderTest {
    private static ByteBuffer wrap(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    @Test
    void getLinkRequestMatchesTheDocumentedBytes() {
        NlBuilder b = new NlBuilder();
        b.begin(RtnlCodec.RTM_GETLINK, 5, 1);
        RtnlCodec.ifinfomsg(b, 0, 7, 0, 0);
        b.attrU32(RtnlCodec.IFLA_EXT_MASK, 1);
        assertThat(b.end()).isEqualTo(40);
        assertThat(HexFormat.of().formatHex(b.toArray())).isEqualTo(
                "28000000120005000100000000000000" + "00000000070000000000000000000000" + "08001d0001000000");
    }

    @Test
    void attributesArePaddedToFourBytesAndNestsCarryTheirLength() {
        NlBuilder b = new NlBuilder();
        b.begin(16, 1, 9).attrString(3, "ab").nest(18).attrU8(1, 7).attrFlag(2).endNest();
        int len = b.end();
        byte[] bytes = b.toArray();
        assertThat(len).isEqualTo(16 + 8 + 4 + 8 + 4);
        assertThat(bytes.length % 4).isZero();
        NlMessage m = NlMessage.parseAll(wrap(bytes)).getFirst();
        assertThat(m.seq()).isEqualTo(9);
        NlAttrs a = m.attrs(0);
        assertThat(a.string(3)).isEqualTo("ab");
        assertThat(a.get(18).value().limit()).isEqualTo(12);
        NlAttrs n = a.nested(18);
        assertThat(n.get(1).u8()).isEqualTo(7);
        assertThat(n.has(2)).isTrue();
        assertThat(HexFormat.of().formatHex(bytes, 24, 28)).isEqualTo("10001280");
    }

    @Test
    void severalMessagesShareOneBuffer() {
        NlBuilder b = new NlBuilder(16);
        for (int i = 0; i < 100; i++) {
            b.begin(24, 1, i).attrU32(15, i).end();
        }
        List<NlMessage> msgs = NlMessage.parseAll(wrap(b.toArray()));
        assertThat(msgs).hasSize(100).extracting(NlMessage::seq).startsWith(0, 1, 2).endsWith(99);
        assertThat(b.messageCount()).isEqualTo(100);
    }

    @Test
    void flagsCanBeOredIntoAnEarlierMessage() {
        NlBuilder b = new NlBuilder();
        b.begin(24, 1, 1).end();
        int second = b.size();
        b.begin(24, 1, 2).attrU32(15, 7).end();
        b.orFlags(second, RtnlCodec.NLM_F_ACK);
        List<NlMessage> msgs = NlMessage.parseAll(wrap(b.toArray()));
        assertThat(msgs).extracting(NlMessage::flags).containsExactly(1, 5);
    }

    @Test
    void malformedLengthIsRejected() {
        byte[] bad = HexFormat.of().parseHex("ff00000018000200010000000000000000000000");
        assertThatThrownBy(() -> NlMessage.parseAll(wrap(bad))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad nlmsg_len");
    }

    @Test
    void truncatedTrailingAttributeIsIgnored() {
        byte[] attrs = HexFormat.of().parseHex("0800010001000000" + "20000200");
        assertThat(NlAttrs.parse(wrap(attrs), 0).all()).hasSize(1);
    }

    @Test
    void ecmpRouteRequestLayout() {
        NlBuilder b = new NlBuilder();
        RouteSpec spec = RouteSpec.to("10.1.0.0/16").table(1000).nextHop("10.0.0.2", 3, 1).nextHop("10.0.0.3", 4, 256)
                .metric(RouteSpec.RTAX_MTU, 1400).build();
        RtnlCodec.encodeRoute(b, RouteOperation.REPLACE, spec, 42, RtnlCodec.NLM_F_ACK);
        NlMessage m = NlMessage.parseAll(wrap(b.toArray())).getFirst();
        assertThat(m.type()).isEqualTo(RtnlCodec.RTM_NEWROUTE);
        assertThat(m.flags()).isEqualTo(1 | 4 | 0x400 | 0x100);
        assertThat(m.payload().get(4)).as("rtm_table for ids > 255").isZero();
        RouteInfo r = RtnlCodec.decodeRoute(m);
        assertThat(r.table()).isEqualTo(1000);
        assertThat(r.scope()).isZero();
        assertThat(r.metrics()).containsEntry(RouteSpec.RTAX_MTU, 1400);
        assertThat(r.nextHops()).containsExactly(new FibNextHop(IpAddress.parse("10.0.0.2"), 3, 1),
                new FibNextHop(IpAddress.parse("10.0.0.3"), 4, 256));
    }

    @Property(tries = 300)
    void routeEncodeDecodeRoundTrip(@ForAll("routes") RouteSpec spec) {
        NlBuilder b = new NlBuilder();
        RtnlCodec.encodeRoute(b, RouteOperation.ADD, spec, 1, 0);
        RouteInfo r = RtnlCodec.decodeRoute(NlMessage.parseAll(wrap(b.toArray())).getFirst());
        assertThat(r.toSpec()).isEqualTo(spec);
    }

    @Provide
    Arbitrary<RouteSpec> routes() {
        Arbitrary<Boolean> v6 = Arbitraries.of(true, false);
        return v6.flatMap(six -> {
            int bytes = six ? 16 : 4;
            Arbitrary<IpAddress> addr = Arbitraries.bytes().array(byte[].class).ofSize(bytes).map(IpAddress::ofBytes);
            Arbitrary<List<FibNextHop>> hops = Combinators.combine(addr, Arbitraries.integers().between(1, 50),
                    Arbitraries.integers().between(1, 256)).as(FibNextHop::new).list().ofMaxSize(4);
            return Combinators.combine(addr, Arbitraries.integers().between(1, bytes * 8),
                    Arbitraries.integers().between(1, 100000), hops, Arbitraries.integers().between(-1, 5000),
                    Arbitraries.integers().between(0, 1500)).as((a, len, table, h, prio, mtu) -> {
                        RouteSpec.Builder rb = RouteSpec.to(new IpPrefix(a, len)).table(table).priority(prio);
                        if (h.isEmpty()) {
                            rb.dev(len);
                        }
                        h.forEach(x -> rb.nextHop(x.gateway(), x.ifIndex(), x.weight()));
                        if (mtu > 0) {
                            rb.metric(RouteSpec.RTAX_MTU, mtu);
                        }
                        return rb.build();
                    });
        });
    }
}
