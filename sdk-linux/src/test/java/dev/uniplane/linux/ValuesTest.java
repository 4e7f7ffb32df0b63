package dev.uniplane.linux;

import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Value types, exception text and the module descriptor. */
class ValuesTest {
    @Test
    void exceptionNamesOperationObjectErrnoAndExtAck() {
        LinuxException e = new LinuxException("add route", "10.0.0.0/33", -22, null, "Invalid prefix length");
        assertThat(e.getMessage()).isEqualTo("add route 10.0.0.0/33: EINVAL (22) [kernel: Invalid prefix length]");
        assertThat(e.errno()).isEqualTo(22);
        assertThat(e.extAck()).isEqualTo("Invalid prefix length");
        LinuxException plain = new LinuxException("delete link", "uph1x", Errno.ENODEV, "");
        assertThat(plain.getMessage()).isEqualTo("delete link uph1x: ENODEV (19)");
        assertThat(plain.extAck()).isNull();
        assertThat(Errno.name(250)).isEqualTo("errno 250");
        assertThat(Errno.name(-95)).isEqualTo("EOPNOTSUPP");
    }

    @Test
    void prefixesParseLiteralsOnly() {
        IpPrefix p = IpPrefix.parse("10.1.2.3/24");
        assertThat(p.length()).isEqualTo(24);
        assertThat(p.family()).isEqualTo(2);
        assertThat(p.network()).hasToString("10.1.2.0/24");
        assertThat(IpPrefix.parse("fd00::1").length()).isEqualTo(128);
        assertThat(IpPrefix.parse("fd00:1:2:3::1/52").network()).hasToString("fd00:1:2:0:0:0:0:0/52");
        assertThatThrownBy(() -> IpPrefix.parse("example.com/24")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void macAddressesCompareByContent() {
        MacAddress m = MacAddress.parse("02:AA:bb:00:00:01");
        assertThat(m).hasToString("02:aa:bb:00:00:01").isEqualTo(new MacAddress(m.bytes()));
        assertThat(m.hashCode()).isEqualTo(MacAddress.parse("02:aa:bb:00:00:01").hashCode());
    }

    @Test
    void routeSpecDefaultsFollowIproute2() {
        assertThat(RouteSpec.to("10.0.0.0/24").dev(3).build().scope()).isEqualTo(RouteSpec.SCOPE_LINK);
        assertThat(RouteSpec.to("10.0.0.0/24").via("10.1.0.1").build().scope()).isEqualTo(RouteSpec.SCOPE_UNIVERSE);
        assertThat(RouteSpec.to("fd00::/64").dev(3).build().scope()).isEqualTo(RouteSpec.SCOPE_UNIVERSE);
        RouteSpec r = RouteSpec.to("0.0.0.0/0").via("10.1.0.1").build();
        assertThat(r.table()).isEqualTo(RouteSpec.TABLE_MAIN);
        assertThat(r.protocol()).isEqualTo(RouteSpec.PROTO_STATIC);
        assertThatThrownBy(() -> new NextHop(null, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VfSetting.Vlan(0, 4095, 0, 0x8100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void moduleExportsOnlyThePublicPackage() throws Exception {
        Path info = Path.of("target/classes/module-info.class");
        ModuleDescriptor d;
        try (var in = Files.newInputStream(info)) {
            d = ModuleDescriptor.read(in);
        }
        assertThat(d.name()).isEqualTo("dev.uniplane.linux");
        assertThat(d.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("dev.uniplane.linux");
        assertThat(d.requires()).extracting(ModuleDescriptor.Requires::name).contains("org.slf4j");
    }
}
