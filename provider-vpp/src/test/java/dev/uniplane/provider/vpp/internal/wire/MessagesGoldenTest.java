package dev.uniplane.provider.vpp.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.provider.vpp.internal.wire.Messages.AclAddReplace;
import dev.uniplane.provider.vpp.internal.wire.Messages.AclInterfaceSetAclList;
import dev.uniplane.provider.vpp.internal.wire.Messages.AclRule;
import dev.uniplane.provider.vpp.internal.wire.Messages.AfPacketCreateV3;
import dev.uniplane.provider.vpp.internal.wire.Messages.ControlPing;
import dev.uniplane.provider.vpp.internal.wire.Messages.FibPath;
import dev.uniplane.provider.vpp.internal.wire.Messages.IpRouteAddDel;
import dev.uniplane.provider.vpp.internal.wire.Messages.MemifCreateV2;
import dev.uniplane.provider.vpp.internal.wire.Messages.MemifSocketFilenameAddDelV2;
import dev.uniplane.provider.vpp.internal.wire.Messages.Prefix;
import dev.uniplane.provider.vpp.internal.wire.Messages.SwInterfaceAddDelAddress;
import dev.uniplane.provider.vpp.internal.wire.Messages.SwInterfaceDump;
import dev.uniplane.provider.vpp.internal.wire.Messages.SwInterfaceSetFlags;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every request payload byte for byte against ../shared/vpp/GOLDEN.md (the official Python client's encoding of the
 * same call, msg_id 0x1234, client_index 0x80000001, context 7).
 */
class MessagesGoldenTest {
    private static final int MSG_ID = 0x1234;
    private static final int CLIENT_INDEX = 0x80000001;
    private static final int CONTEXT = 7;

    private static String hex(Consumer<WireWriter> fields) {
        return HexFormat.of().formatHex(Messages.encode(MSG_ID, CLIENT_INDEX, CONTEXT, fields));
    }

    private static String hex(ApiRequest<?> request) {
        return hex(request::encodeFields);
    }

    private static InetAddress ip(String address) throws Exception {
        return InetAddress.getByName(address);
    }

    @Test
    void sockclntCreate() {
        byte[] payload = new WireWriter().u16(Messages.SOCKCLNT_CREATE_ID).u32(0x7b).fixedString("java", 64)
                .toByteArray();
        assertThat(HexFormat.of().formatHex(payload)).isEqualTo("000f0000007b6a617661" + "00".repeat(60));
    }

    @Test
    void controlPing() {
        assertThat(hex(new ControlPing())).isEqualTo("12348000000100000007");
    }

    @Test
    void swInterfaceDumpAll() {
        assertThat(hex(SwInterfaceDump.all()::encodeFields)).isEqualTo("12348000000100000007ffffffff0000000000");
    }

    @Test
    void swInterfaceDumpWithNameFilter() {
        assertThat(hex(new SwInterfaceDump(Optional.of("host"))::encodeFields))
                .isEqualTo("12348000000100000007ffffffff0100000004686f7374");
    }

    @Test
    void swInterfaceSetFlagsAdminUp() {
        assertThat(hex(new SwInterfaceSetFlags(2, Messages.IF_ADMIN_UP)))
                .isEqualTo("123480000001000000070000000200000001");
    }

    @Test
    void swInterfaceAddDelAddressIpv4() throws Exception {
        assertThat(hex(new SwInterfaceAddDelAddress(2, true, false, new Prefix(ip("10.77.4.1"), 24))))
                .isEqualTo("12348000000100000007000000020100000a4d040100000000000000000000000018");
    }

    @Test
    void swInterfaceAddDelAddressIpv6() throws Exception {
        assertThat(hex(new SwInterfaceAddDelAddress(2, true, false, new Prefix(ip("2001:db8:4::1"), 64))))
                .isEqualTo("123480000001000000070000000201000120010db800040000000000000000000140");
    }

    @Test
    void ipRouteAddDelOnePath() throws Exception {
        String golden = "1234800000010000000701000000000000000000000a4d05000000000000000000000000001801000000020000000000"
                + "00000001000000000000000000000000000a4d0402000000000000000000000000000000000000000000000000000000"
                + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                + "0000000000000000000000000000";
        String actual = hex(new IpRouteAddDel(true, false, 0, new Prefix(ip("10.77.5.0"), 24),
                List.of(FibPath.via(ip("10.77.4.2"), 2))));
        assertThat(actual).hasSize(206 * 2).isEqualTo(golden);
    }

    @Test
    void aclAddReplaceDenyIcmpThenPermitAny() throws Exception {
        String golden = "12348000000100000007ffffffff74000000000000000000000000000000000000000000000000000000000000000000"
                + "000000000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000"
                + "0000000000000a4d040100000000000000000000000020010000ffff0000ffff00000100000000000000000000000000"
                + "0000000000000000000000000000000000000000000000000000ffff0000ffff0000";
        String actual = hex(new AclAddReplace(Messages.ALL_ONES, "t", List.of(
                AclRule.of(Messages.ACL_DENY, Prefix.any(false), new Prefix(ip("10.77.4.1"), 32), 1),
                AclRule.of(Messages.ACL_PERMIT, Prefix.any(false), Prefix.any(false), 0))));
        assertThat(actual).hasSize(178 * 2).isEqualTo(golden);
    }

    @Test
    void aclInterfaceSetAclListOneInput() {
        assertThat(hex(new AclInterfaceSetAclList(2, List.of(0), List.of())))
                .isEqualTo("1234800000010000000700000002010100000000");
    }

    @Test
    void afPacketCreateV3Defaults() {
        String golden = "12348000000100000007000000010000000000000170652d683100000000000000000000000000000000000000000000"
                + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                + "00000000000000000000010001";
        assertThat(hex(AfPacketCreateV3.ethernet("pe-h1"))).hasSize(109 * 2).isEqualTo(golden);
    }

    @Test
    void memifSocketFilenameAddDelV2() {
        assertThat(hex(new MemifSocketFilenameAddDelV2(true, Messages.ALL_ONES, "/run/vpp/memif.sock")))
                .isEqualTo("1234800000010000000701ffffffff000000132f72756e2f7670702f6d656d69662e736f636b");
    }

    @Test
    void memifCreateV2Master() {
        assertThat(hex(new MemifCreateV2(Messages.MEMIF_ROLE_MASTER, Messages.MEMIF_MODE_ETHERNET, 1, 1, 7, 1, 1024,
                2048, false, false, null, "")))
                .isEqualTo("123480000001000000070000000000000000010100000007000000010000040008000000000000000000000000000000"
                + "000000000000000000000000000000000000");
    }
}
