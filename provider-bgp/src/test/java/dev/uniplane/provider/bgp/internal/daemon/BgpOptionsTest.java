package dev.uniplane.provider.bgp.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.provider.bgp.internal.wire.BgpPeerConfig;
import dev.uniplane.provider.bgp.internal.wire.BgpRoute;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BgpOptionsTest {
    private static BgpOptions parse(String... keyValues) {
        DataplaneConfig.Builder b = DataplaneConfig.builder().name("t");
        for (int i = 0; i < keyValues.length; i += 2) {
            b.option(keyValues[i], keyValues[i + 1]);
        }
        return BgpOptions.parse(b.build(), "bgp");
    }

    @Test
    void defaults() {
        BgpOptions o = parse();

        assertThat(o.localAs()).isEqualTo(BgpOptions.DEFAULT_AS);
        assertThat(o.routerId()).isEmpty();
        assertThat(o.listenPort()).isEqualTo(179);
        assertThat(o.peers()).isEmpty();
        assertThat(o.families()).containsExactlyInAnyOrder(IpFamily.IPV4, IpFamily.IPV6);
        assertThat(o.gracefulRestart()).isEmpty();
        assertThat(o.multipath()).isTrue();
        assertThat(o.announceEndpoints()).isFalse();
        assertThat(o.grpc()).isEmpty();
        assertThat(o.daemonGoGc()).isEqualTo(BgpOptions.DEFAULT_DAEMON_GOGC);
    }

    @Test
    void everyOption() {
        BgpOptions o = parse("bgp.local-as", "4200000001", "bgp.router-id", "10.0.0.1", "bgp.listen-port", "1179",
                "bgp.peers", "10.0.0.2,as=65001,ttl=2,md5=s3cret,rr-client; fd00::2,as=65002,passive,port=1790,families=ipv4+ipv6",
                "bgp.graceful-restart", "true", "bgp.restart-time", "90s", "bgp.multipath", "false",
                "bgp.communities", "65000:100, 65000:200", "bgp.pod-cidr", "10.244.1.0/24,fd00:244:1::/64",
                "bgp.announce-endpoints", "true", "bgp.grpc", "127.0.0.1:50051", "bgp.daemon-gogc", "400");

        assertThat(o.localAs()).isEqualTo(4200000001L);
        assertThat(o.routerId()).contains(IpAddress.parse("10.0.0.1"));
        assertThat(o.listenPort()).isEqualTo(1179);
        assertThat(o.gracefulRestart()).contains(Duration.ofSeconds(90));
        assertThat(o.multipath()).isFalse();
        assertThat(o.communities()).containsExactly(BgpRoute.community(65000, 100), BgpRoute.community(65000, 200));
        assertThat(o.podCidrs()).containsExactly(IpPrefix.parse("10.244.1.0/24"), IpPrefix.parse("fd00:244:1::/64"));
        assertThat(o.daemonGoGc()).isEqualTo(400);
        assertThat(o.announceEndpoints()).isTrue();
        assertThat(o.grpc()).contains(new InetSocketAddress("127.0.0.1", 50051));
        BgpPeerConfig first = o.peers().get(0);
        assertThat(first).isEqualTo(new BgpPeerConfig(IpAddress.parse("10.0.0.2"), 65001, 2, Optional.of("s3cret"), false, true,
                Set.of(IpFamily.IPV4), Optional.of(Duration.ofSeconds(90)), 0));
        BgpPeerConfig second = o.peers().get(1);
        assertThat(second).isEqualTo(new BgpPeerConfig(IpAddress.parse("fd00::2"), 65002, 0, Optional.empty(), true, false,
                Set.of(IpFamily.IPV4, IpFamily.IPV6), Optional.of(Duration.ofSeconds(90)), 1790));
    }

    @Test
    void ipv6OffLeavesPeersTheirIpv4Family() {
        BgpOptions o = parse("bgp.ipv6", "false", "bgp.peers", "10.0.0.2,as=1,families=ipv4+ipv6");

        assertThat(o.peers().getFirst().families()).containsExactly(IpFamily.IPV4);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "bgp.local-as|0",
            "bgp.local-as|4294967296",
            "bgp.local-as|sixty",
            "bgp.router-id|fd00::1",
            "bgp.router-id|10.0.0",
            "bgp.listen-port|0",
            "bgp.listen-port|65536",
            "bgp.peers|10.0.0.2",
            "bgp.peers|nowhere,as=1",
            "bgp.peers|10.0.0.2,as=0",
            "bgp.peers|10.0.0.2,as=1,ttl=300",
            "bgp.peers|10.0.0.2,as=1,md5=",
            "bgp.peers|10.0.0.2,as=1,colour=blue",
            "bgp.peers|10.0.0.2,as=1;10.0.0.2,as=2",
            "bgp.peers|10.0.0.2,as=1,families=ipx",
            "bgp.ipv4|maybe",
            "bgp.restart-time|0s",
            "bgp.restart-time|2h",
            "bgp.graceful-restart|yes please",
            "bgp.multipath|2",
            "bgp.communities|65000",
            "bgp.daemon-gogc|5",
            "bgp.daemon-gogc|off",
            "bgp.communities|70000:1",
            "bgp.pod-cidr|10.244.1.1/24",
            "bgp.pod-cidr|10.244.1.0/33",
            "bgp.announce-endpoints|sometimes",
            "bgp.grpc|localhost",
            "bgp.grpc|127.0.0.1:0",
            "bgp.unknown|1",
    })
    void invalidOptionsAreRefusedNamingOptionAndValue(String key, String value) {
        assertThatThrownBy(() -> parse(key, value))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.getMessage()).contains("options." + key)
                        .contains(value));
    }

    @Test
    void bothFamiliesOffIsRefused() {
        assertThatThrownBy(() -> parse("bgp.ipv4", "false", "bgp.ipv6", "false")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("options.bgp.ipv6");
    }

    @Test
    void routerIdCanBeFilledIn() {
        assertThat(parse().withRouterId(IpAddress.parse("10.1.1.1")).routerId()).contains(IpAddress.parse("10.1.1.1"));
        assertThat(List.of()).isEmpty();
    }
}
