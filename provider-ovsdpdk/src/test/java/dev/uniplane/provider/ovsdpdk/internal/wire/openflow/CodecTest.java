package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Instruction.ApplyActions;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Instruction.GotoTable;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.BundleAdd;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.BundleControl;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.BundleControlType;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FeaturesReply;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowStatsReply;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowStatsRequest;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.GroupMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.GroupModCommand;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.GroupType;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.Hello;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.PortStatsReply;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.PortStatsRequest;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {
    private static byte[] captured(String name) throws Exception {
        try (InputStream in = CodecTest.class.getResourceAsStream("/captured/" + name)) {
            return in.readAllBytes();
        }
    }

    private static Inet4Address v4(String a) throws Exception {
        return (Inet4Address) InetAddress.getByName(a);
    }

    @Test
    void vswitchdsHelloHasVersion6AndNoBitmap() throws Exception {
        assertThat(Codec.decode(captured("of-hello.bin"))).isEqualTo(new Hello(6, 6, 0));
    }

    @Test
    void ourHelloCarriesTheVersionBitmap() {
        assertThat(HexFormat.of().formatHex(Codec.encode(new Hello(1, 4, 1L << 4)))).isEqualTo("04000010000000010001000800000010");
    }

    @Test
    void capturedFeaturesReplyDecodes() throws Exception {
        FeaturesReply f = (FeaturesReply) Codec.decode(captured("of-features.bin"));

        assertThat(f.xid()).isEqualTo(2);
        assertThat(f.datapathId()).isEqualTo(0x00009e42ced07949L);
        assertThat(f.nTables()).isEqualTo(254);
        assertThat(f.capabilities()).isEqualTo(0x4f);
        assertThat(Codec.encode(f)).isEqualTo(captured("of-features.bin"));
    }

    @Test
    void capturedErrorNamesTypeCodeAndTheOffendingFlowMod() throws Exception {
        OfMessage.Error e = (OfMessage.Error) Codec.decode(captured("of-error.bin"));

        assertThat(e.xid()).isEqualTo(3);
        assertThat(e.name()).isEqualTo("BAD_MATCH/BAD_PREREQ");
        assertThat(e.offendingType()).isEqualTo(14);
        FlowMod offending = (FlowMod) Codec.decode(e.data());
        assertThat(offending.match()).isEqualTo(Match.of(new Oxm.Ipv4Dst(v4("10.0.0.1"), 32)));
        assertThat(new OpenFlowException("rule x", e).getMessage())
                .isEqualTo("openflow rule x failed: BAD_MATCH/BAD_PREREQ (switch rejected FLOW_MOD xid 3)");
    }

    @Test
    void capturedFlowStatsDecodeMatchesAndInstructions() throws Exception {
        FlowStatsReply reply = (FlowStatsReply) Codec.decode(captured("of-flowstats.bin"));

        assertThat(reply.more()).isFalse();
        assertThat(reply.flows()).hasSize(2);
        FlowStats added = reply.flows().getFirst();
        assertThat(added.cookie()).isEqualTo(0x55);
        assertThat(added.priority()).isEqualTo(10);
        assertThat(added.match()).isEqualTo(Match.of(new Oxm.EthType(0x0800), new Oxm.Ipv4Dst(v4("10.0.0.0"), 8)));
        assertThat(added.instructions()).containsExactly(ApplyActions.of(new Action.DecNwTtl(), new Action.Output(1, 0)));
        FlowStats normal = reply.flows().get(1);
        assertThat(normal.priority()).isZero();
        assertThat(normal.match()).isEqualTo(Match.any());
        assertThat(normal.instructions()).containsExactly(ApplyActions.of(new Action.Output(Action.PORT_NORMAL, 0)));
    }

    @Test
    void capturedPortStatsDecodeTheLocalPort() throws Exception {
        PortStatsReply reply = (PortStatsReply) Codec.decode(captured("of-portstats.bin"));

        assertThat(reply.ports()).singleElement().satisfies(p -> {
            assertThat(p.portNo()).isEqualTo(Action.PORT_LOCAL);
            assertThat(p.rxPackets()).isZero();
            assertThat(p.durationSec()).isEqualTo(0x12);
        });
    }

    @Test
    void flowModRoundTripsWithEveryFieldAndAction() throws Exception {
        FlowMod mod = new FlowMod(9, 0x1122334455667788L, -1L, 3, OfMessage.FlowModCommand.ADD, 10, 20, 4000, Action.PORT_ANY,
                Action.PORT_ANY, FlowMod.CHECK_OVERLAP,
                Match.of(new Oxm.InPort(5), new Oxm.EthSrc(0x0a0b0c0d0e0fL), new Oxm.EthDst(0x020000000001L),
                        new Oxm.EthType(0x0800), new Oxm.Ipv4Src(v4("10.1.0.0"), 16), new Oxm.Ipv4Dst(v4("10.2.3.4"), 32),
                        new Oxm.IpProto(17), new Oxm.UdpSrc(53), new Oxm.UdpDst(5353)),
                List.of(ApplyActions.of(new Action.DecNwTtl(), new Action.SetField(new Oxm.EthDst(0x020000000002L)),
                        new Action.SetField(new Oxm.EthSrc(0x020000000003L)), new Action.Group(7), Action.Output.to(2)),
                        new GotoTable(4)));

        byte[] bytes = Codec.encode(mod);

        assertThat(bytes.length % 8).isZero();
        assertThat(Codec.decode(bytes)).isEqualTo(mod);
    }

    @Test
    void ipv6AndTcpFieldsRoundTrip() throws Exception {
        FlowMod mod = FlowMod.add(1, 0, 10, 0, Match.of(new Oxm.EthType(0x86dd),
                new Oxm.Ipv6Src((Inet6Address) InetAddress.getByName("fd00:1::"), 48),
                new Oxm.Ipv6Dst((Inet6Address) InetAddress.getByName("2001:db8::1"), 128), new Oxm.IpProto(6),
                new Oxm.TcpSrc(1234), new Oxm.TcpDst(443)), List.of());

        assertThat(Codec.decode(Codec.encode(mod))).isEqualTo(mod);
    }

    @Test
    void aMaskedPrefixIsSentWithItsHostBitsCleared() throws Exception {
        FlowMod mod = FlowMod.add(1, 0, 10, 0, Match.of(new Oxm.EthType(0x0800), new Oxm.Ipv4Dst(v4("10.9.8.7"), 24)), List.of());

        FlowMod decoded = (FlowMod) Codec.decode(Codec.encode(mod));

        assertThat(decoded.match().fields().get(1)).isEqualTo(new Oxm.Ipv4Dst(v4("10.9.8.0"), 24));
    }

    @Test
    void flowModSizesMatchTheSpecLayout() throws Exception {
        Match ipv4Prefix = Match.of(new Oxm.EthType(0x0800), new Oxm.Ipv4Dst(v4("10.9.8.0"), 24));
        FlowMod drop = FlowMod.add(1, 0, 10, 0, Match.of(new Oxm.InPort(1), new Oxm.EthType(0x0800),
                new Oxm.Ipv4Dst(v4("10.9.8.0"), 24)), List.of());
        FlowMod route = FlowMod.add(1, 0, 10, 0, ipv4Prefix, List.of(ApplyActions.of(new Action.DecNwTtl(),
                new Action.SetField(new Oxm.EthSrc(1)), new Action.SetField(new Oxm.EthDst(2)), Action.Output.to(3))));

        // 48 B fixed part + match (4 + TLVs, padded to 8) + instructions.
        assertThat(Codec.encode(FlowMod.add(1, 0, 10, 0, ipv4Prefix, List.of()))).hasSize(48 + 24);
        assertThat(Codec.encode(drop)).hasSize(80);
        assertThat(Codec.encode(route)).hasSize(72 + 8 + 8 + 16 + 16 + 16);
    }

    @Test
    void selectGroupRoundTrips() {
        GroupMod group = new GroupMod(4, GroupModCommand.ADD, GroupType.SELECT, 42, List.of(
                Bucket.weighted(50, new Action.DecNwTtl(), Action.Output.to(1)),
                Bucket.weighted(50, new Action.SetField(new Oxm.EthDst(0x020000000009L)), Action.Output.to(2))));

        assertThat(Codec.decode(Codec.encode(group))).isEqualTo(group);
    }

    @Test
    void multipartRequestsRoundTrip() throws Exception {
        FlowStatsRequest flows = new FlowStatsRequest(5, 0xff, Action.PORT_ANY, Action.PORT_ANY, 0x55, -1,
                Match.of(new Oxm.EthType(0x0800)));

        assertThat(Codec.decode(Codec.encode(flows))).isEqualTo(flows);
        assertThat(Codec.decode(Codec.encode(new PortStatsRequest(6, Action.PORT_ANY)))).isEqualTo(new PortStatsRequest(6, Action.PORT_ANY));
        assertThat(Codec.encode(FlowStatsRequest.all(1))).hasSize(8 + 8 + 32 + 8);
    }

    @Test
    void bundleMessagesUseTheOnfExtensionAndRoundTrip() throws Exception {
        BundleControl open = new BundleControl(3, 7, BundleControlType.OPEN_REQUEST, OfMessage.BUNDLE_ATOMIC);
        // The exact bytes vswitchd accepted (and answered with OPEN_REPLY) on a 1.3 connection.
        assertThat(HexFormat.of().formatHex(Codec.encode(open))).isEqualTo("04040018000000034f4e4600000008fc0000000700000001");
        assertThat(Codec.decode(Codec.encode(open))).isEqualTo(open);

        FlowMod inner = FlowMod.add(11, 0, 1, 0, Match.of(new Oxm.InPort(1)), List.of(ApplyActions.of(Action.Output.to(2))));
        BundleAdd add = new BundleAdd(11, 7, 3, inner);
        assertThat(Codec.decode(Codec.encode(add))).isEqualTo(add);
    }

    @Test
    void errorNamesCoverBundleErrorsOfTheOnfExtension() {
        assertThat(ErrorNames.describe(0xffff, 2313, ErrorNames.ONF_EXPERIMENTER)).isEqualTo("BUNDLE_FAILED/MSG_FAILED");
        assertThat(ErrorNames.describe(6, 8, 0)).isEqualTo("GROUP_MOD_FAILED/UNKNOWN_GROUP");
        assertThat(ErrorNames.describe(1, 1, 0)).isEqualTo("BAD_REQUEST/BAD_TYPE");
        assertThat(ErrorNames.describe(99, 1, 0)).isEqualTo("TYPE_99/CODE_1");
    }

    @Test
    void truncatedInputIsACodecError() throws Exception {
        byte[] features = captured("of-features.bin");

        assertThatThrownBy(() -> Codec.decode(java.util.Arrays.copyOf(features, 12))).isInstanceOf(OpenFlowCodecException.class);
    }

    // --- Nicira ct / resubmit / ct_state (issue #6) -------------------------------------------------------------

    private static String actionHex(Action a) {
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(64);
        Action.write(a, out);
        return HexFormat.of().formatHex(java.util.Arrays.copyOf(out.array(), out.position()));
    }

    private static String oxmHex(Oxm o) {
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(64);
        Oxm.write(o, out);
        return HexFormat.of().formatHex(java.util.Arrays.copyOf(out.array(), out.position()));
    }

    @Test
    void ctActionIsNxActionConntrack() {
        // type 0xffff, len 24, NX vendor, subtype 35, flags, zone_src 0 (immediate), zone, recirc_table, pad, alg 0
        assertThat(actionHex(Action.Conntrack.track(0x1234, 1)))
                .isEqualTo("ffff0018" + "00002320" + "0023" + "0000" + "00000000" + "1234" + "01" + "000000" + "0000");
        assertThat(actionHex(Action.Conntrack.commit(7)))
                .isEqualTo("ffff0018" + "00002320" + "0023" + "0001" + "00000000" + "0007" + "ff" + "000000" + "0000");
    }

    @Test
    void resubmitIsNxActionResubmitTableWithInPortKept() {
        assertThat(actionHex(new Action.Resubmit(6))).isEqualTo("ffff0010" + "00002320" + "000e" + "fff8" + "06" + "000000");
    }

    @Test
    void niciraActionsRoundTripAndUnknownOnesStayOther() {
        List<Action> actions = List.of(Action.Conntrack.track(9, 1), Action.Conntrack.commit(9), new Action.Resubmit(6),
                new Action.Other(0xffff, "00002320000a000000000000000000000000000000000000"));
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(256);
        actions.forEach(a -> Action.write(a, out));
        int length = out.position();
        out.flip();
        assertThat(Action.readList(out, length)).isEqualTo(actions);
    }

    @Test
    void ctStateZoneMarkAndRegistersAreNxmTlvs() {
        // NXM_NX class 0x0001, field << 1 | hasmask, length
        assertThat(oxmHex(Nxm.ctState(Nxm.CS_TRACKED | Nxm.CS_ESTABLISHED, Nxm.CS_TRACKED | Nxm.CS_ESTABLISHED)))
                .isEqualTo("0001" + "d3" + "08" + "00000022" + "00000022");
        assertThat(oxmHex(Nxm.ctZone(5))).isEqualTo("0001" + "d4" + "02" + "0005");
        assertThat(oxmHex(Nxm.ctMark(1, 0xff))).isEqualTo("0001" + "d7" + "08" + "00000001" + "000000ff");
        assertThat(oxmHex(Nxm.reg(2, 7))).isEqualTo("0001" + "04" + "04" + "00000007");
        assertThat(oxmHex(Nxm.portDst(Nxm.OFB_TCP_DST, 7260, 0xfffc))).isEqualTo("8000" + "1d" + "04" + "1c5c" + "fffc");
        assertThat(Nxm.portDst(Nxm.OFB_UDP_DST, 53, 0xffff)).isEqualTo(new Oxm.UdpDst(53));
    }

    @Test
    void maskedPortsDecodeAsMaskedNotAsExactPorts() {
        Oxm masked = Nxm.portDst(Nxm.OFB_TCP_DST, 7264, 0xfffc);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(16);
        Oxm.write(masked, out);
        out.flip();
        assertThat(Oxm.read(out)).isEqualTo(masked);
    }

    // --- conjunctive matches ------------------------------------------------------------------------------------

    @Test
    void conjunctionIsNxActionConjunctionWithAZeroBasedClause() {
        // type 0xffff, len 16, NX vendor, subtype 34, clause k-1, n_clauses, id
        assertThat(actionHex(new Action.Conjunction(0x1234, 1, 3)))
                .isEqualTo("ffff0010" + "00002320" + "0022" + "00" + "03" + "00001234");
        assertThat(actionHex(new Action.Conjunction(0xfffffffeL, 64, 64)))
                .isEqualTo("ffff0010" + "00002320" + "0022" + "3f" + "40" + "fffffffe");
    }

    @Test
    void conjIdIsTheNxmTlv37() {
        // NXM_NX class 0x0001, field 37 << 1 = 0x4a, length 4
        assertThat(oxmHex(Nxm.conjId(0x10203))).isEqualTo("0001" + "4a" + "04" + "00010203");
        assertThat(oxmHex(Nxm.conjId(0xffffffffL))).isEqualTo("0001" + "4a" + "04" + "ffffffff");
    }

    @Test
    void severalConjunctionsInOneFlowRoundTrip() throws Exception {
        FlowMod dimension = FlowMod.add(3, 2, 35000, 0x55, Match.of(new Oxm.InPort(4)),
                List.of(ApplyActions.of(new Action.Conjunction(7, 1, 3), new Action.Conjunction(9, 2, 2))));
        FlowMod conj = FlowMod.add(4, 2, 35000, 0x55, Match.of(Nxm.conjId(7), new Oxm.InPort(4)), List.of(new GotoTable(3)));

        assertThat(Codec.decode(Codec.encode(dimension))).isEqualTo(dimension);
        assertThat(Codec.decode(Codec.encode(conj))).isEqualTo(conj);
    }

    @Test
    void conjunctionRejectsWhatOvsRejects() {
        assertThatThrownBy(() -> new Action.Conjunction(1, 1, 1)).hasMessageContaining("nClauses 1");
        assertThatThrownBy(() -> new Action.Conjunction(1, 3, 2)).hasMessageContaining("clause 3");
        assertThatThrownBy(() -> new Action.Conjunction(-1, 1, 2)).hasMessageContaining("id -1");
    }

    @Test
    void learnEncodesAsNxActionLearnWithItsFlowModSpecsPaddedTo8AndDecodesBack() {
        Action.Learn learn = new Action.Learn(13, 100, 60, 0, 0x1122334455667788L, 0, List.of(
                new LearnSpec.MatchValue(0x0800, Nxm.ETH_TYPE_HEADER, 16),
                new LearnSpec.MatchField(Nxm.IPV4_DST_HEADER, Nxm.IPV4_SRC_HEADER, 32),
                new LearnSpec.LoadValue(1, Nxm.regHeader(4), 32)));
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(128);
        Action.write(learn, out);

        String expected = "ffff0048" + "00002320" + "0010" + "003c" + "0000" + "0064" + "1122334455667788" + "0000" + "0d00" + "00000000"
                + "2010" + "0800" + "00000602" + "0000"             // eth_type=0x800 (immediate -> match)
                + "0020" + "00001004" + "0000" + "00000e04" + "0000" // NXM_OF_IP_SRC[]=NXM_OF_IP_DST[]
                + "2820" + "00000001" + "00010804" + "0000"         // load:1->NXM_NX_REG4[]
                + "00000000";                                       // padding to 72
        assertThat(HexFormat.of().formatHex(out.array(), 0, out.position())).isEqualTo(expected);
        out.flip();
        assertThat(Action.readList(out, out.limit())).containsExactly(learn);
    }

    @Test
    void aLearnWithSpecsThisCodecDoesNotModelStaysOtherAndRoundTrips() {
        // an output spec (dst type 2): kept as raw bytes, re-encoded unchanged
        String hex = "ffff0030" + "00002320" + "0010" + "0000000000000000000000000000" + "00000000" + "00000000"
                + "1010" + "00000002" + "0000" + "0000000000000000";
        byte[] raw = HexFormat.of().parseHex(hex);
        List<Action> read = Action.readList(java.nio.ByteBuffer.wrap(raw), raw.length);
        assertThat(read).singleElement().isInstanceOf(Action.Other.class);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(64);
        Action.write(read.getFirst(), out);
        assertThat(HexFormat.of().formatHex(out.array(), 0, out.position())).isEqualTo(hex);
    }
}
