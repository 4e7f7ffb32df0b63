package dev.uniplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorAndMatchTest {
    private final Labels web = Labels.of("app", "web", "tier", "front");
    private final Labels bare = Labels.of();

    @Test
    void emptySelectorSelectsEverything() {
        assertThat(LabelSelector.all().matches(web)).isTrue();
        assertThat(LabelSelector.all().matches(bare)).isTrue();
        assertThat(LabelSelector.all().isEmpty()).isTrue();
    }

    @Test
    void operatorsFollowKubernetes() {
        assertThat(LabelRequirement.in("app", "web", "db").matches(web)).isTrue();
        assertThat(LabelRequirement.in("app", "db").matches(web)).isFalse();
        assertThat(LabelRequirement.notIn("app", "db").matches(web)).isTrue();
        assertThat(LabelRequirement.notIn("app", "web").matches(web)).isFalse();
        assertThat(LabelRequirement.notIn("app", "web").matches(bare)).as("NotIn matches an absent key").isTrue();
        assertThat(LabelRequirement.exists("tier").matches(web)).isTrue();
        assertThat(LabelRequirement.doesNotExist("tier").matches(web)).isFalse();
        assertThat(LabelRequirement.doesNotExist("tier").matches(bare)).isTrue();
    }

    @Test
    void matchLabelsAndExpressionsMustAllHold() {
        LabelSelector s = LabelSelector.of(Map.of("app", "web"), LabelRequirement.exists("tier"));
        assertThat(s.matches(web)).isTrue();
        assertThat(s.matches(Labels.of("app", "web"))).isFalse();
    }

    @Test
    void anyProtocolWithPortsMeansTcpUdpSctp() {
        PortMatch any80 = PortMatch.of(Protocol.ANY, 80, 80);
        assertThat(any80.matches(6, 80)).isTrue();
        assertThat(any80.matches(17, 80)).isTrue();
        assertThat(any80.matches(132, 80)).isTrue();
        assertThat(any80.matches(1, 0)).isFalse();
        assertThat(any80.matches(6, 81)).isFalse();
        assertThat(PortMatch.any(Protocol.ANY).matches(1, 0)).isTrue();
        assertThat(PortMatch.any(Protocol.ICMP).matches(1, 0)).isTrue();
        assertThat(PortMatch.any(Protocol.ICMP).matches(58, 0)).isFalse();
    }

    @Test
    void cidrExceptCarvesOut() {
        Peer.Cidr c = (Peer.Cidr) Peer.cidr("10.0.0.0/8", "10.1.0.0/16");
        assertThat(c.matches(IpAddress.parse("10.2.0.1"))).isTrue();
        assertThat(c.matches(IpAddress.parse("10.1.0.1"))).isFalse();
        assertThat(c.matches(IpAddress.parse("11.0.0.1"))).isFalse();
    }

    @Test
    void ruleWithoutPortsMatchesEveryProtocol() {
        assertThat(Rule.allowAll().matchesPort(1, 0)).isTrue();
        assertThat(Rule.allow(java.util.List.of(), java.util.List.of(PortMatch.tcp(443))).matchesPort(6, 443)).isTrue();
        assertThat(Rule.allow(java.util.List.of(), java.util.List.of(PortMatch.tcp(443))).matchesPort(17, 443)).isFalse();
    }
}
