package dev.uniplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Values a hostile or careless caller passes: each is refused where it is built, naming the field and the value. */
class HostileValuesTest {

    private static AttachSpec.Builder spec() {
        return AttachSpec.builder("w1").netns("/run/netns/w1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "0.1.2.3", "255.255.255.255", "127.0.0.1", "127.8.9.10", "224.0.0.1", "239.255.255.250",
            "169.254.1.1", "169.254.7.7", "::", "::1", "fe80::1", "fe80::abcd", "ff02::1", "ff05::2", "::ffff:10.77.1.2"})
    void specialAddressesAreNotEndpointAddresses(String address) {
        assertThatThrownBy(() -> spec().address(address).build()).isInstanceOf(InvalidSpecException.class)
                .satisfies(e -> assertThat(((InvalidSpecException) e).field()).isEqualTo("addresses[0]"))
                .hasMessageContaining(IpAddress.parse(address).toString());
        assertThatThrownBy(() -> RemoteEndpoint.of("r1", address)).isInstanceOf(InvalidSpecException.class)
                .satisfies(e -> assertThat(((InvalidSpecException) e).field()).isEqualTo("addresses[0]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.77.1.2", "192.0.2.1", "223.255.255.254", "2001:db8::1", "fd00::2", "fec0::1"})
    void ordinaryUnicastAddressesAreEndpointAddresses(String address) {
        assertThat(spec().address(address).build().addresses()).containsExactly(IpAddress.parse(address));
        assertThat(RemoteEndpoint.of("r1", address).addresses()).containsExactly(IpAddress.parse(address));
    }

    @Test
    void leadingZerosAreRefusedBecauseInetAtonReadsThemAsOctal() {
        assertThatThrownBy(() -> IpAddress.parse("10.77.3.042")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("\"10.77.3.042\"").hasMessageContaining("leading zero");
        assertThatThrownBy(() -> IpPrefix.parse("010.0.0.0/8")).hasMessageContaining("leading zero");
        assertThat(IpAddress.parse("10.0.0.0")).hasToString("10.0.0.0");
    }

    @Test
    void aRoutePrefixWithHostBitsIsRefusedAsIpRouteDoes() {
        assertThatThrownBy(() -> Route.of("10.9.0.1/24", NextHop.drop())).isInstanceOf(InvalidSpecException.class)
                .satisfies(e -> assertThat(((InvalidSpecException) e).field()).isEqualTo("prefix"))
                .hasMessageContaining("10.9.0.1/24").hasMessageContaining("did you mean 10.9.0.0/24");
        assertThat(Route.of("10.9.0.0/24", NextHop.drop()).prefix()).isEqualTo(IpPrefix.parse("10.9.0.0/24"));
        assertThat(IpPrefix.parse("10.9.0.1/24")).as("parse stays lenient (documented)").isEqualTo(IpPrefix.parse("10.9.0.0/24"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"eth\0x", "", ".", "..", "a/b", "a:b", "a b", "tab\tx", "sixteen-chars-xx", "ééééééééé", "new\nline"})
    void invalidLinuxInterfaceNamesAreRefused(String name) {
        assertThatThrownBy(() -> spec().address("10.77.1.2").interfaceName(name).build()).isInstanceOf(InvalidSpecException.class)
                .satisfies(e -> assertThat(((InvalidSpecException) e).field()).isEqualTo("interfaceName"));
        assertThatThrownBy(() -> DataplaneConfig.builder().uplink(name).build()).isInstanceOf(InvalidSpecException.class)
                .satisfies(e -> assertThat(((InvalidSpecException) e).field()).isEqualTo("uplink"));
    }

    @Test
    void validInterfaceNamesPass() {
        for (String name : List.of("eth0", "fifteen-chars-x", "veth.1", "wl_0-a")) {
            assertThat(spec().address("10.77.1.2").interfaceName(name).build().interfaceName()).isEqualTo(name);
        }
    }

    @Test
    void remoteIdsFollowTheEndpointIdRule() {
        assertThatThrownBy(() -> RemoteEndpoint.of("../x\"\n}", "10.77.9.2")).isInstanceOf(InvalidSpecException.class)
                .satisfies(e -> assertThat(((InvalidSpecException) e).field()).isEqualTo("id"));
        String huge = "r".repeat(10_000);
        assertThatThrownBy(() -> RemoteEndpoint.of(huge, "10.77.9.2")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("10000 characters");
        assertThatThrownBy(() -> new RemoteEndpoint("r1", List.of(IpAddress.parse("10.77.9.2"), IpAddress.parse("10.77.9.2")),
                Labels.of())).isInstanceOf(InvalidSpecException.class).hasMessageContaining("addresses[1]");
    }

    @Test
    void typedOptionsRefuseNonPositiveAndNonNumericValues() {
        DataplaneConfig config = DataplaneConfig.builder().option("maps.policy-entries", "-5").option("zero", "0")
                .option("text", "lots").option("ok", "64").build();
        assertThatThrownBy(() -> config.positiveIntOption("maps.policy-entries", 0)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("options.maps.policy-entries=\"-5\"");
        assertThatThrownBy(() -> config.positiveIntOption("zero", 0)).hasMessageContaining("options.zero");
        assertThatThrownBy(() -> config.positiveIntOption("text", 0)).hasMessageContaining("options.text");
        assertThat(config.positiveIntOption("ok", 0)).isEqualTo(64);
        assertThat(config.positiveIntOption("absent", 0)).isZero();
    }

    @Test
    void aDesiredStateHasOneOwnerPerAddress() {
        AttachSpec w1 = spec().address("10.77.1.2").build();
        assertThatThrownBy(() -> DesiredState.empty().withEndpoints(List.of(w1)).withRemotes(List.of(RemoteEndpoint.of("r1", "10.77.1.2"))))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("remotes[0].addresses").hasMessageContaining("endpoint w1");
        assertThatThrownBy(() -> DesiredState.empty().withRemotes(List.of(RemoteEndpoint.of("r1", "10.77.9.2"),
                RemoteEndpoint.of("r2", "10.77.9.2")))).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("remotes[1].addresses").hasMessageContaining("remote endpoint r1");
    }

    @Test
    void planAgainstNullIsInvalid() {
        assertThatThrownBy(() -> Plan.between(DesiredState.empty(), null)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("desired");
    }
}
