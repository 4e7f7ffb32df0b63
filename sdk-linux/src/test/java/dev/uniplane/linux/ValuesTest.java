package dev.uniplane.linux;

import dev.uniplane.api.InvalidSpecException;
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
    void interfaceAddressesKeepHostBitsAndParseLiteralsOnly() {
        InterfaceAddress a = InterfaceAddress.parse("10.1.2.3/24");
        assertThat(a.prefixLength()).isEqualTo(24);
        assertThat(a.family()).isEqualTo(2);
        assertThat(a).hasToString("10.1.2.3/24");
        assertThat(InterfaceAddress.parse("fd00::1").prefixLength()).isEqualTo(128);
        assertThat(InterfaceAddress.parse("fd00::1").family()).isEqualTo(10);
        assertThatThrownBy(() -> InterfaceAddress.parse("example.com/24")).isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void routeSpecDefaultsFollowIproute2() {
        assertThat(RouteSpec.to("10.0.0.0/24").dev(3).build().scope()).isEqualTo(RouteSpec.SCOPE_LINK);
        assertThat(RouteSpec.to("10.0.0.0/24").via("10.1.0.1").build().scope()).isEqualTo(RouteSpec.SCOPE_UNIVERSE);
        assertThat(RouteSpec.to("fd00::/64").dev(3).build().scope()).isEqualTo(RouteSpec.SCOPE_UNIVERSE);
        RouteSpec r = RouteSpec.to("0.0.0.0/0").via("10.1.0.1").build();
        assertThat(r.table()).isEqualTo(RouteSpec.TABLE_MAIN);
        assertThat(r.protocol()).isEqualTo(RouteSpec.PROTO_STATIC);
        assertThatThrownBy(() -> RouteSpec.to("10.0.0.1/24")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("10.0.0.1/24");
        assertThatThrownBy(() -> new FibNextHop(null, 1, 0)).isInstanceOf(IllegalArgumentException.class);
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
