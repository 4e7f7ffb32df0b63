package dev.uniplane.linux.internal.netlink;

import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.VfInfo;
import dev.uniplane.linux.VfLinkState;
import dev.uniplane.linux.VfSetting;
import dev.uniplane.linux.VfStats;
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

/** IFLA_VFINFO_LIST codec; layouts from NOTES 5.4 (UAPI sizes) and the tails iproute2 sends. */
class VfCodecTest {
    private static String tail(VfSetting s) {
        NlBuilder b = new NlBuilder();
        VfCodec.encode(b, s);
        return HexFormat.of().formatHex(b.toArray());
    }

    private static NlAttrs attrs(String hex) {
        return NlAttrs.parse(ByteBuffer.wrap(HexFormat.of().parseHex(hex)).order(ByteOrder.LITTLE_ENDIAN), 0);
    }

    @Test
    void trustAndRateMatchIproute2Bytes() {
        assertThat(tail(new VfSetting.Trust(1, true))).isEqualTo("14001600" + "10000100" + "0c000900" + "01000000" + "01000000");
        assertThat(tail(new VfSetting.Rate(1, 0, 50)))
                .isEqualTo("18001600" + "14000100" + "10000600" + "01000000" + "00000000" + "32000000");
    }

    @Test
    void structSizesFollowTheUapi() {
        // nest overhead 8 (list + info) + 4 (attr header) + struct size
        assertThat(tail(new VfSetting.Mac(0, MacAddress.parse("02:00:00:00:00:01"))).length() / 2).isEqualTo(8 + 4 + 36);
        assertThat(tail(new VfSetting.SpoofCheck(0, true)).length() / 2).isEqualTo(8 + 4 + 8);
        assertThat(tail(new VfSetting.LinkState(0, VfLinkState.DISABLE)).length() / 2).isEqualTo(8 + 4 + 8);
        String vlan = tail(new VfSetting.Vlan(3, 200, 5, VfSetting.Vlan.PROTO_8021AD));
        // list(4) info(4) vlan_list(4) vlan_info(4) + 16-byte ifla_vf_vlan_info with big-endian proto at offset 12
        assertThat(vlan.length() / 2).isEqualTo(16 + 16);
        assertThat(vlan.substring(16 * 2)).isEqualTo("03000000" + "c8000000" + "05000000" + "88a80000");
    }

    @Test
    void statsDecoderSkipsPadAndKeepsDroppedCountersApart() {
        // RX_PACKETS=1, TX_PACKETS=2, RX_BYTES=3, TX_BYTES=4, BROADCAST=5, MULTICAST=6, PAD(6, empty), RX_DROPPED=7, TX_DROPPED=8
        StringBuilder hex = new StringBuilder();
        for (int t = 0; t <= 5; t++) {
            hex.append(u64Attr(t, t + 1));
        }
        hex.append("04000600");
        hex.append(u64Attr(7, 70)).append(u64Attr(8, 80));
        VfStats s = VfCodec.decodeStats(attrs(hex.toString()));
        assertThat(s).isEqualTo(new VfStats(1, 2, 3, 4, 5, 6, 70, 80));
    }

    @Test
    void statsWithPaddingAttributeCarryingBytesAreSkippedToo() {
        String hex = u64Attr(6, 999) + u64Attr(7, 1) + u64Attr(8, 2);
        VfStats s = VfCodec.decodeStats(attrs(hex));
        assertThat(s.rxDropped()).isEqualTo(1);
        assertThat(s.txDropped()).isEqualTo(2);
        assertThat(s.rxPackets()).isZero();
    }

    @Test
    void fullVfInfoDecodesInKernelOrder() {
        NlBuilder b = new NlBuilder();
        b.nest(VfCodec.IFLA_VFINFO_LIST, false).nest(VfCodec.IFLA_VF_INFO, false);
        byte[] mac = new byte[32];
        mac[0] = 2;
        mac[5] = 9;
        b.nest(VfCodec.IFLA_VF_MAC, false).u32(4).bytes(mac).endNest();
        b.nest(VfCodec.IFLA_VF_BROADCAST, false).bytes(new byte[32]).endNest();
        b.nest(VfCodec.IFLA_VF_VLAN, false).u32(4).u32(200).u32(5).endNest();
        b.nest(VfCodec.IFLA_VF_RATE, false).u32(4).u32(10).u32(50).endNest();
        b.nest(VfCodec.IFLA_VF_TX_RATE, false).u32(4).u32(50).endNest();
        b.nest(VfCodec.IFLA_VF_SPOOFCHK, false).u32(4).u32(1).endNest();
        b.nest(VfCodec.IFLA_VF_LINK_STATE, false).u32(4).u32(2).endNest();
        b.nest(VfCodec.IFLA_VF_RSS_QUERY_EN, false).u32(4).u32(-1).endNest();
        b.nest(VfCodec.IFLA_VF_TRUST, false).u32(4).u32(-1).endNest();
        b.nest(VfCodec.IFLA_VF_VLAN_LIST, false).nest(VfCodec.IFLA_VF_VLAN_INFO, false).u32(4).u32(200).u32(5)
                .u8(0x81).u8(0x00).zeros(2).endNest().endNest();
        b.nest(VfCodec.IFLA_VF_STATS).attrU64(0, 11).attrU64(1, 12).attrU64(6, 0).attrU64(7, 17).attrU64(8, 18)
                .endNest();
        b.endNest().endNest();
        NlAttrs list = NlAttrs.parse(ByteBuffer.wrap(b.toArray()).order(ByteOrder.nativeOrder()), 0)
                .nested(VfCodec.IFLA_VFINFO_LIST);
        List<VfInfo> vfs = VfCodec.decodeList(list);
        assertThat(vfs).containsExactly(new VfInfo(4, MacAddress.ofBytes(new byte[] {2, 0, 0, 0, 0, 9}), 200, 5, 0x8100,
                10, 50, true, null, VfLinkState.DISABLE, new VfStats(11, 12, 0, 0, 0, 0, 17, 18)));
    }

    @Property(tries = 200)
    void everySettingRoundTripsThroughTheDecoder(@ForAll("settings") VfSetting s) {
        NlBuilder b = new NlBuilder();
        VfCodec.encode(b, s);
        NlAttrs list = NlAttrs.parse(ByteBuffer.wrap(b.toArray()).order(ByteOrder.nativeOrder()), 0)
                .nested(VfCodec.IFLA_VFINFO_LIST);
        assertThat(list.all()).hasSize(1);
        VfInfo info = VfCodec.decodeList(list).getFirst();
        switch (s) {
            case VfSetting.Mac m -> assertThat(info.mac()).isEqualTo(m.mac());
            case VfSetting.Vlan v -> assertThat(List.of(info.vlan(), info.qos(), info.vlanProto()))
                    .containsExactly(v.vlan(), v.qos(), v.proto());
            case VfSetting.Rate r -> assertThat(List.of(info.minRate(), info.maxRate()))
                    .containsExactly(r.minMbps(), r.maxMbps());
            case VfSetting.SpoofCheck sc -> assertThat(info.spoofChk()).isEqualTo(sc.enabled());
            case VfSetting.Trust t -> assertThat(info.trust()).isEqualTo(t.trusted());
            case VfSetting.LinkState l -> assertThat(info.linkState()).isEqualTo(l.state());
        }
        if (!(s instanceof VfSetting.SpoofCheck || s instanceof VfSetting.Trust || s instanceof VfSetting.LinkState)) {
            assertThat(info.vf()).isEqualTo(s.vf());
        }
    }

    @Provide
    Arbitrary<VfSetting> settings() {
        Arbitrary<Integer> vf = Arbitraries.integers().between(0, 255);
        return Arbitraries.oneOf(
                Combinators.combine(vf, Arbitraries.bytes().array(byte[].class).ofSize(6))
                        .as((v, m) -> new VfSetting.Mac(v, MacAddress.ofBytes(m))),
                Combinators.combine(vf, Arbitraries.integers().between(0, 4094), Arbitraries.integers().between(0, 7),
                        Arbitraries.of(0x8100, 0x88a8)).as(VfSetting.Vlan::new),
                Combinators.combine(vf, Arbitraries.integers().between(0, 100000),
                        Arbitraries.integers().between(0, 100000)).as(VfSetting.Rate::new),
                Combinators.combine(vf, Arbitraries.of(true, false)).as(VfSetting.SpoofCheck::new),
                Combinators.combine(vf, Arbitraries.of(true, false)).as(VfSetting.Trust::new),
                Combinators.combine(vf, Arbitraries.of(VfLinkState.values())).as(VfSetting.LinkState::new));
    }

    private static String u64Attr(int type, long value) {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 12).putShort((short) type).putLong(value);
        return HexFormat.of().formatHex(b.array());
    }
}
