package dev.uniplane.linux.internal.netlink;

import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.VfInfo;
import dev.uniplane.linux.VfLinkState;
import dev.uniplane.linux.VfSetting;
import dev.uniplane.linux.VfStats;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VF codec against an independent implementation: python3-pyroute2 (0.7.2, which NOTES 1.3 lists as decoding VF
 * attributes correctly), run in a subprocess. Each VF set message as {@code RtNetlink.setVf} builds it (RTM_SETLINK,
 * REQUEST|ACK, ifinfomsg of the PF, one IFLA_VFINFO_LIST{IFLA_VF_INFO{attr}}) must equal pyroute2's encoding byte for
 * byte and decode in pyroute2 to the same fields; and a GETLINK reply encoded by pyroute2 with every VF attribute in
 * the kernel's order must decode here to the same records.
 */
class VfCodecPyroute2Test {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final int PF_INDEX = 7;
    private static final int SEQ = 42;

    private static final String SCRIPT = """
            import sys, json
            from pyroute2.netlink.rtnl.ifinfmsg import ifinfmsg
            def vf_message(attr):
                m = ifinfmsg()
                m['header']['type'] = 19
                m['header']['flags'] = 5
                m['header']['sequence_number'] = %d
                m['family'] = 0
                m['index'] = %d
                m['attrs'] = [('IFLA_VFINFO_LIST', {'attrs': [('IFLA_VF_INFO', {'attrs': [attr]})]})]
                m.encode()
                return bytes(m.data).hex()
            def plain(value):
                if isinstance(value, (int, str)):
                    return value
                if 'attrs' in value and value['attrs']:
                    return [[n, plain(v)] for n, v in value['attrs']]
                return {k: v for k, v in value.items() if k not in ('header', 'attrs')}
            mode = sys.argv[1]
            for line in sys.stdin:
                line = line.strip()
                if not line:
                    continue
                if mode == 'encode':
                    name, value = json.loads(line)
                    print(vf_message((name, value)))
                elif mode == 'decode':
                    m = ifinfmsg(bytes.fromhex(line))
                    m.decode()
                    info = m.get_attr('IFLA_VFINFO_LIST').get_attrs('IFLA_VF_INFO')[0]
                    head = {'type': m['header']['type'], 'flags': m['header']['flags'], 'index': m['index']}
                    print(json.dumps([head] + [[n, plain(v)] for n, v in info['attrs']], sort_keys=True))
                elif mode == 'reply':
                    vfs = json.loads(line)
                    m = ifinfmsg()
                    m['header']['type'] = 16
                    m['index'] = %d
                    m['attrs'] = [('IFLA_IFNAME', 'pf0'), ('IFLA_MTU', 1500), ('IFLA_NUM_VF', len(vfs)),
                                  ('IFLA_VFINFO_LIST', {'attrs': [('IFLA_VF_INFO', {'attrs': vf}) for vf in vfs]})]
                    m.encode()
                    print(bytes(m.data).hex())
            """.formatted(SEQ, PF_INDEX, PF_INDEX);

    @BeforeAll
    static void pyroute2IsThere() throws Exception {
        boolean present = Files.isExecutable(PYTHON)
                && new ProcessBuilder(PYTHON.toString(), "-c", "import pyroute2").start().waitFor() == 0;
        if (!present && "1".equals(System.getenv("UNIPLANE_REQUIRE_ALL"))) {
            Assertions.fail("python3-pyroute2 is missing and UNIPLANE_REQUIRE_ALL=1 forbids skipping");
        }
        Assumptions.assumeTrue(present, "needs /usr/bin/python3 with python3-pyroute2 (apt-get install python3-pyroute2)");
    }

    private static List<String> python(String mode, List<String> lines) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT, mode).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var in = p.getOutputStream()) {
            in.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(p.waitFor()).as("pyroute2 subprocess exit status").isZero();
        return out;
    }

    /** The message RtNetlink.setVf sends. */
    private static String ours(VfSetting setting) {
        NlBuilder b = new NlBuilder();
        b.begin(RtnlCodec.RTM_SETLINK, RtnlCodec.NLM_F_REQUEST | RtnlCodec.NLM_F_ACK, SEQ);
        RtnlCodec.ifinfomsg(b, 0, PF_INDEX, 0, 0);
        VfCodec.encode(b, setting);
        b.end();
        return HexFormat.of().formatHex(b.toArray());
    }

    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:05");
    private static final List<VfSetting> SETTINGS = List.of(
            new VfSetting.Mac(1, MAC),
            new VfSetting.Rate(1, 0, 50),
            new VfSetting.Rate(2, 10, 1000),
            new VfSetting.SpoofCheck(3, true),
            new VfSetting.SpoofCheck(3, false),
            new VfSetting.Trust(1, true),
            new VfSetting.LinkState(4, VfLinkState.DISABLE),
            new VfSetting.LinkState(4, VfLinkState.ENABLE));
    private static final List<String> PYROUTE2_ATTRS = List.of(
            "[\"IFLA_VF_MAC\", {\"vf\": 1, \"mac\": \"02:00:00:00:00:05\"}]",
            "[\"IFLA_VF_RATE\", {\"vf\": 1, \"min_tx_rate\": 0, \"max_tx_rate\": 50}]",
            "[\"IFLA_VF_RATE\", {\"vf\": 2, \"min_tx_rate\": 10, \"max_tx_rate\": 1000}]",
            "[\"IFLA_VF_SPOOFCHK\", {\"vf\": 3, \"spoofchk\": 1}]",
            "[\"IFLA_VF_SPOOFCHK\", {\"vf\": 3, \"spoofchk\": 0}]",
            "[\"IFLA_VF_TRUST\", {\"vf\": 1, \"trust\": 1}]",
            "[\"IFLA_VF_LINK_STATE\", {\"vf\": 4, \"link_state\": 2}]",
            "[\"IFLA_VF_LINK_STATE\", {\"vf\": 4, \"link_state\": 1}]");

    @Test
    void setMessagesEqualPyroute2sByteForByte() throws Exception {
        List<String> theirs = python("encode", PYROUTE2_ATTRS);

        for (int i = 0; i < SETTINGS.size(); i++) {
            assertThat(ours(SETTINGS.get(i))).as("%s", SETTINGS.get(i)).isEqualTo(theirs.get(i));
        }
        // and the tails NOTES 5.4 took from iproute2 (trust on VF 1, max rate 50 on VF 1)
        assertThat(theirs.get(5)).endsWith("14001600" + "10000100" + "0c000900" + "01000000" + "01000000");
        assertThat(theirs.get(1)).endsWith("18001600" + "14000100" + "10000600" + "01000000" + "00000000" + "32000000");
    }

    /**
     * pyroute2 0.7.2 declares ifla_vf_vlan_info without its two trailing pad bytes (14 bytes, nla_len 18), which the
     * kernel refuses (it wants sizeof = 16). Everything else of its encoding, padding included, must equal ours.
     */
    @Test
    void vlanMessagesDifferFromPyroute2sOnlyInTheUapiLengthOfVlanInfo() throws Exception {
        List<String> theirs = python("encode", List.of(
                "[\"IFLA_VF_VLAN_LIST\", {\"attrs\": [[\"IFLA_VF_VLAN_INFO\", {\"vf\": 3, \"vlan\": 200, \"qos\": 5, \"proto\": 34984}]]}]",
                "[\"IFLA_VF_VLAN_LIST\", {\"attrs\": [[\"IFLA_VF_VLAN_INFO\", {\"vf\": 0, \"vlan\": 4094, \"qos\": 0, \"proto\": 33024}]]}]"));
        List<String> ours = List.of(ours(new VfSetting.Vlan(3, 200, 5, VfSetting.Vlan.PROTO_8021AD)),
                ours(new VfSetting.Vlan(0, 4094, 0, VfSetting.Vlan.PROTO_8021Q)));

        for (int i = 0; i < ours.size(); i++) {
            // the VLAN_INFO header: nlmsghdr 16 + ifinfomsg 16 + three nest headers of 4 = byte 44
            String vlanInfoHeader = ours.get(i).substring(2 * 44, 2 * 48);
            assertThat(vlanInfoHeader).isEqualTo("14000100");
            assertThat(theirs.get(i).substring(2 * 44, 2 * 48)).isEqualTo("12000100");
            assertThat(theirs.get(i).substring(0, 2 * 44) + "14000100" + theirs.get(i).substring(2 * 48)).isEqualTo(ours.get(i));
        }
    }

    @Test
    void pyroute2DecodesOurMessagesToTheSameFields() throws Exception {
        List<VfSetting> all = new java.util.ArrayList<>(SETTINGS);
        all.add(new VfSetting.Vlan(3, 200, 5, VfSetting.Vlan.PROTO_8021AD));
        List<String> decoded = python("decode", all.stream().map(VfCodecPyroute2Test::ours).toList());

        String head = "{\"flags\": 5, \"index\": 7, \"type\": 19}";
        assertThat(decoded).containsExactly(
                "[" + head + ", [\"IFLA_VF_MAC\", {\"mac\": \"02:00:00:00:00:05\", \"vf\": 1}]]",
                "[" + head + ", [\"IFLA_VF_RATE\", {\"max_tx_rate\": 50, \"min_tx_rate\": 0, \"vf\": 1}]]",
                "[" + head + ", [\"IFLA_VF_RATE\", {\"max_tx_rate\": 1000, \"min_tx_rate\": 10, \"vf\": 2}]]",
                "[" + head + ", [\"IFLA_VF_SPOOFCHK\", {\"spoofchk\": 1, \"vf\": 3}]]",
                "[" + head + ", [\"IFLA_VF_SPOOFCHK\", {\"spoofchk\": 0, \"vf\": 3}]]",
                "[" + head + ", [\"IFLA_VF_TRUST\", {\"trust\": 1, \"vf\": 1}]]",
                "[" + head + ", [\"IFLA_VF_LINK_STATE\", {\"link_state\": 2, \"vf\": 4}]]",
                "[" + head + ", [\"IFLA_VF_LINK_STATE\", {\"link_state\": 1, \"vf\": 4}]]",
                "[" + head + ", [\"IFLA_VF_VLAN_LIST\", [[\"IFLA_VF_VLAN_INFO\", {\"proto\": 34984, \"qos\": 5, \"vf\": 3, \"vlan\": 200}]]]]");
    }

    @Test
    void aGetlinkReplyEncodedByPyroute2DecodesToTheSameVfRecords() throws Exception {
        // per VF in the kernel's order (NOTES 5.4): MAC, VLAN, RATE, TX_RATE, SPOOFCHK, LINK_STATE, RSS_QUERY_EN, TRUST,
        // VLAN_LIST, STATS (with the PAD attribute some arches emit); spoofchk/trust/rss 0xffffffff = unreported
        String vf0 = """
                [["IFLA_VF_MAC", {"vf": 0, "mac": "02:00:00:00:00:05"}], ["IFLA_VF_VLAN", {"vf": 0, "vlan": 200, "qos": 5}],
                 ["IFLA_VF_RATE", {"vf": 0, "min_tx_rate": 0, "max_tx_rate": 50}], ["IFLA_VF_TX_RATE", {"vf": 0, "tx_rate": 50}],
                 ["IFLA_VF_SPOOFCHK", {"vf": 0, "spoofchk": 0}], ["IFLA_VF_LINK_STATE", {"vf": 0, "link_state": 0}],
                 ["IFLA_VF_RSS_QUERY_EN", {"vf": 0, "rss_query_en": 4294967295}], ["IFLA_VF_TRUST", {"vf": 0, "trust": 1}],
                 ["IFLA_VF_VLAN_LIST", {"attrs": [["IFLA_VF_VLAN_INFO", {"vf": 0, "vlan": 200, "qos": 5, "proto": 33024}]]}],
                 ["IFLA_VF_STATS", {"attrs": [["IFLA_VF_STATS_RX_PACKETS", 1], ["IFLA_VF_STATS_TX_PACKETS", 2],
                   ["IFLA_VF_STATS_RX_BYTES", 3], ["IFLA_VF_STATS_TX_BYTES", 4], ["IFLA_VF_STATS_BROADCAST", 5],
                   ["IFLA_VF_STATS_MULTICAST", 6], ["IFLA_VF_STATS_PAD", 0], ["IFLA_VF_STATS_RX_DROPPED", 70],
                   ["IFLA_VF_STATS_TX_DROPPED", 80]]}]]""".replace("\n", " ");
        String vf1 = """
                [["IFLA_VF_MAC", {"vf": 1, "mac": "00:00:00:00:00:00"}], ["IFLA_VF_VLAN", {"vf": 1, "vlan": 0, "qos": 0}],
                 ["IFLA_VF_RATE", {"vf": 1, "min_tx_rate": 0, "max_tx_rate": 0}], ["IFLA_VF_TX_RATE", {"vf": 1, "tx_rate": 0}],
                 ["IFLA_VF_SPOOFCHK", {"vf": 1, "spoofchk": 4294967295}], ["IFLA_VF_LINK_STATE", {"vf": 1, "link_state": 2}],
                 ["IFLA_VF_TRUST", {"vf": 1, "trust": 4294967295}]]""".replace("\n", " ");
        String reply = python("reply", List.of("[" + vf0 + ", " + vf1 + "]")).getFirst();

        List<NlMessage> messages = NlMessage.parseAll(ByteBuffer.wrap(HexFormat.of().parseHex(reply)).order(ByteOrder.nativeOrder()));
        LinkInfo pf = RtnlCodec.decodeLink(messages.getFirst());

        assertThat(pf.name()).isEqualTo("pf0");
        assertThat(pf.vfs()).containsExactly(
                new VfInfo(0, MAC, 200, 5, 0x8100, 0, 50, false, true, VfLinkState.AUTO, new VfStats(1, 2, 3, 4, 5, 6, 70, 80)),
                new VfInfo(1, new MacAddress(0), 0, 0, null, 0, 0, null, null, VfLinkState.DISABLE, null));
    }
}
