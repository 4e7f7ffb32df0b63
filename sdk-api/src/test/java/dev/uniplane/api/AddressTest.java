package dev.uniplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class AddressTest {

    @Test
    void parsesAndFormatsIpv4() {
        IpAddress a = IpAddress.parse("10.1.2.3");
        assertThat(a.family()).isEqualTo(IpFamily.IPV4);
        assertThat(a.v4Value()).isEqualTo(0x0a010203);
        assertThat(a).hasToString("10.1.2.3");
    }

    @Test
    void formatsIpv6Canonically() {
        assertThat(IpAddress.parse("2001:DB8:0:0:0:0:0:1")).hasToString("2001:db8::1");
        assertThat(IpAddress.parse("2001:db8:0:0:1:0:0:1")).hasToString("2001:db8::1:0:0:1");
        assertThat(IpAddress.parse("::")).hasToString("::");
        assertThat(IpAddress.parse("fe80::1")).hasToString("fe80::1");
        assertThat(IpAddress.parse("1:0:2:3:4:5:6:7")).hasToString("1:0:2:3:4:5:6:7");
    }

    @Test
    void keepsIpv4MappedAddressesAsIpv6() {
        IpAddress a = IpAddress.parse("::ffff:10.0.0.1");
        assertThat(a.family()).isEqualTo(IpFamily.IPV6);
        assertThat(a.low()).isEqualTo(0xffff_0a00_0001L);
    }

    @Test
    void rejectsNamesAndBadLiterals() {
        assertThatThrownBy(() -> IpAddress.parse("localhost")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("address=\"localhost\"");
        assertThatThrownBy(() -> IpAddress.parse("10.0.0.256")).hasMessageContaining("octet 256 exceeds 255");
        assertThatThrownBy(() -> IpAddress.parse("1:2:3")).isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void prefixIsCanonicalisedAndContains() {
        IpPrefix p = IpPrefix.parse("10.1.2.3/8");
        assertThat(p).hasToString("10.0.0.0/8").isEqualTo(IpPrefix.parse("10.0.0.0/8"));
        assertThat(p.contains(IpAddress.parse("10.255.0.1"))).isTrue();
        assertThat(p.contains(IpAddress.parse("11.0.0.1"))).isFalse();
        assertThat(p.contains(IpPrefix.parse("10.2.0.0/16"))).isTrue();
        assertThat(IpPrefix.parse("10.2.0.0/16").contains(p)).isFalse();
        assertThat(IpPrefix.parse("2001:db8::/32").contains(IpAddress.parse("2001:db8:ffff::1"))).isTrue();
        assertThat(IpPrefix.parse("0.0.0.0/0").contains(IpAddress.parse("2001:db8::1"))).isFalse();
        assertThat(IpPrefix.parse("10.0.0.1")).isEqualTo(IpPrefix.parse("10.0.0.1/32"));
    }

    @Test
    void rejectsBadPrefixesNamingTheValue() {
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/33"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("prefix=\"10.0.0.0/33\": prefix length 33 exceeds 32");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/x")).hasMessageContaining("prefix length must be a number");
        assertThatThrownBy(() -> IpPrefix.parse("2001:db8::/129")).hasMessageContaining("exceeds 128");
        assertThatThrownBy(() -> IpPrefix.parseStrict("10.0.0.1/24")).hasMessageContaining("did you mean 10.0.0.0/24");
    }

    @Test
    void macParsesAndFormats() {
        MacAddress m = MacAddress.parse("02:AA:bb:cc:dd:0e");
        assertThat(m).hasToString("02:aa:bb:cc:dd:0e");
        assertThat(MacAddress.ofBytes(m.toBytes())).isEqualTo(m);
        assertThat(MacAddress.parse("01:00:5e:00:00:01").isMulticast()).isTrue();
        assertThat(MacAddress.locallyAdministered(-1).isMulticast()).isFalse();
        assertThatThrownBy(() -> MacAddress.parse("02:aa:bb")).hasMessageContaining("mac=\"02:aa:bb\"");
    }

    @Property(tries = 300)
    void ipv6BytesRoundTrip(@ForAll long high, @ForAll long low) {
        IpAddress a = IpAddress.ofV6(high, low);
        assertThat(IpAddress.ofBytes(a.toBytes())).isEqualTo(a);
        assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
        assertThat(a.toInetAddress().getAddress()).isEqualTo(a.toBytes());
    }

    @Property(tries = 300)
    void ipv4TextRoundTrip(@ForAll int value) {
        IpAddress a = IpAddress.ofV4(value);
        assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
    }

    @Property(tries = 300)
    void prefixContainsItsMembers(@ForAll int value, @ForAll("lengths") int length) {
        IpPrefix p = new IpPrefix(IpAddress.ofV4(value), length);
        assertThat(p.contains(IpAddress.ofV4(value))).isTrue();
        assertThat(p.contains(p)).isTrue();
        if (length > 0) {
            assertThat(p.contains(new IpPrefix(IpAddress.ofV4(value), length - 1))).isFalse();
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Integer> lengths() {
        return net.jqwik.api.Arbitraries.integers().between(0, 32);
    }
}
