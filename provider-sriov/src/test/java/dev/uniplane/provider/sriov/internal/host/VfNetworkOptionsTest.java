package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.InterfaceAddress;
import dev.uniplane.linux.VfLinkState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VfNetworkOptionsTest {
    private static VfNetworkOptions parse(String... keyValues) {
        DataplaneConfig.Builder b = DataplaneConfig.builder();
        for (int i = 0; i < keyValues.length; i += 2) {
            b.option(keyValues[i], keyValues[i + 1]);
        }
        DataplaneConfig config = b.build();
        SriovOptions.parse(config, "sriov"); // every key here is a known option of the provider
        return VfNetworkOptions.parse(config);
    }

    @Test
    void withoutOptionsNothingIsSetThroughThePfAndWorkloadsUseTheLinkLocalGateway() {
        VfNetworkOptions o = parse();

        assertThat(o.vf()).isEqualTo(VfConfig.NONE);
        assertThat(o.mtu()).isNull();
        WorkloadNetdev w = o.workload("/run/netns/x", "net1", null, List.of(IpAddress.parse("192.0.2.5"), IpAddress.parse("2001:db8::5")));
        assertThat(w.addresses()).containsExactly(InterfaceAddress.parse("192.0.2.5/24"), InterfaceAddress.parse("2001:db8::5/64"));
        assertThat(w.gateways()).containsExactly(IpAddress.parse("169.254.1.1"), IpAddress.parse("fe80::1"));
    }

    @Test
    void parsesEveryVfSettingAndTheAddressing() {
        VfNetworkOptions o = parse("sriov.vlan", "200", "sriov.qos", "5", "sriov.spoofchk", "off", "sriov.trust", "on",
                "sriov.minTxRate", "10", "sriov.maxTxRate", "50", "sriov.linkState", "disable", "sriov.mtu", "1400",
                "sriov.ipv4.prefixLength", "16", "sriov.ipv4.gateway", "10.1.0.1", "sriov.ipv6.prefixLength", "112",
                "sriov.ipv6.gateway", "2001:db8::1");
        MacAddress mac = MacAddress.parse("02:00:00:00:00:01");

        assertThat(o.vfConfig(mac)).isEqualTo(new VfConfig(mac, 200, 5, null, 10, 50, false, true, VfLinkState.DISABLE));
        WorkloadNetdev w = o.workload("/run/netns/x", "net1", mac, List.of(IpAddress.parse("10.1.2.3")));
        assertThat(w.mtu()).isEqualTo(1400);
        assertThat(w.mac()).isEqualTo(mac);
        assertThat(w.addresses()).containsExactly(InterfaceAddress.parse("10.1.2.3/16"));
        assertThat(w.gateways()).containsExactly(IpAddress.parse("10.1.0.1"));
        assertThat(o.prefixLength6()).isEqualTo(112);
        assertThat(o.gateway6()).isEqualTo(IpAddress.parse("2001:db8::1"));
    }

    @Test
    void rejectsMalformedValuesNamingTheOption() {
        assertThatThrownBy(() -> parse("sriov.linkState", "up")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("sriov.linkState");
        assertThatThrownBy(() -> parse("sriov.ipv4.gateway", "2001:db8::1")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("sriov.ipv4.gateway");
        assertThatThrownBy(() -> parse("sriov.ipv4.prefixLength", "33")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("sriov.ipv4.prefixLength");
        assertThatThrownBy(() -> parse("sriov.vlan", "5000")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("vlan");
        assertThatThrownBy(() -> parse("sriov.spoofchk", "maybe")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("sriov.spoofchk");
    }
}
