package dev.uniplane.spi.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.PortRange;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyResolverTest {
    private static final PolicyEndpoint WEB = new PolicyEndpoint(1, Labels.of("app", "web"),
            List.of(IpAddress.parse("10.0.0.1"), IpAddress.parse("fd00::1")));
    private static final PolicyEndpoint DB = new PolicyEndpoint(2, Labels.of("app", "db"), List.of(IpAddress.parse("10.0.0.2")));
    private static final RemoteEndpoint CACHE = RemoteEndpoint.of("r-1", "10.1.0.1", "app", "cache");
    private static final RemoteEndpoint WEB_REMOTE = RemoteEndpoint.of("r-2", "10.1.0.2", "app", "web");

    private static ResolvedPolicy resolve(PolicySet set) {
        return PolicyResolver.resolve(set, List.of(WEB, DB), List.of(CACHE, WEB_REMOTE));
    }

    private static RuleRef ref(String policy, Direction d, int i) {
        return new RuleRef(policy, d, i);
    }

    @Test
    void rulesAreNumberedInRuleRefOrderWhateverTheSetOrder() {
        PolicySet set = PolicySet.of(
                Policy.builder("zeta").egress(Rule.allowAll()).ingress(Rule.allowAll(), Rule.denyAll()).build(),
                Policy.builder("alpha").ingress(Rule.denyAll()).build());
        ResolvedPolicy r = resolve(set);
        assertThat(r.rules()).extracting(ResolvedRule::ref).containsExactly(ref("alpha", Direction.INGRESS, 0),
                ref("zeta", Direction.INGRESS, 0), ref("zeta", Direction.INGRESS, 1), ref("zeta", Direction.EGRESS, 0));
        assertThat(r.rules()).extracting(ResolvedRule::id).containsExactly(0, 1, 2, 3);
        assertThat(r.rule(ref("zeta", Direction.INGRESS, 1))).hasValueSatisfying(x -> assertThat(x.id()).isEqualTo(2));
        assertThat(r.rule(ref("zeta", Direction.EGRESS, 5))).isEmpty();
    }

    @Test
    void endpointRulesAreDenyFirstThenAllowEachByRuleRefAndIsolationFollowsTheSelectingPolicies() {
        PolicySet set = PolicySet.of(
                Policy.builder("b").selectLabels("app", "db").ingress(Rule.allowAll(), Rule.denyAll()).build(),
                Policy.builder("a").selectLabels("app", "db").ingress(Rule.allowAll(), Rule.deny(List.of(Peer.labels("app", "web")), List.of())).build(),
                Policy.builder("c").selectLabels("app", "web").egress().build());
        ResolvedPolicy r = resolve(set);
        EndpointRules db = r.at(2, Direction.INGRESS);
        assertThat(db.isolated()).isTrue();
        assertThat(db.rules()).extracting(ResolvedRule::ref).containsExactly(ref("a", Direction.INGRESS, 1),
                ref("b", Direction.INGRESS, 1), ref("a", Direction.INGRESS, 0), ref("b", Direction.INGRESS, 0));
        assertThat(r.at(2, Direction.EGRESS)).isEqualTo(new EndpointRules(false, List.of()));
        // an empty rule list isolates (deny all) without rules
        assertThat(r.at(1, Direction.EGRESS)).isEqualTo(new EndpointRules(true, List.of()));
        assertThat(r.at(1, Direction.INGRESS).isolated()).isFalse();
        assertThat(r.at(99, Direction.INGRESS).isolated()).isFalse();
        assertThat(r.endpoints()).extracting(e -> e.endpoint().index()).containsExactly(1, 2);
        assertThat(r.selectedBy(r.rules().getFirst())).containsExactly(DB);
    }

    @Test
    void decidingRuleIsTheFirstMatchDenyOverridingAllow() {
        PolicySet set = PolicySet.of(Policy.builder("p").selectLabels("app", "db").ingress(
                Rule.allow(List.of(Peer.labels("app", "web")), List.of()),
                Rule.deny(List.of(Peer.labels("app", "web")), List.of(PortMatch.tcp(22))),
                Rule.allowAll()).build());
        EndpointRules db = resolve(set).at(2, Direction.INGRESS);
        IpAddress web = IpAddress.parse("10.0.0.1");
        assertThat(db.deciding(web, 6, 22)).hasValueSatisfying(x -> assertThat(x.ref()).isEqualTo(ref("p", Direction.INGRESS, 1)));
        assertThat(db.deciding(web, 6, 80)).hasValueSatisfying(x -> assertThat(x.ref()).isEqualTo(ref("p", Direction.INGRESS, 0)));
        assertThat(db.deciding(IpAddress.parse("192.0.2.1"), 6, 80)).hasValueSatisfying(x -> assertThat(x.action()).isEqualTo(Action.ALLOW))
                .hasValueSatisfying(x -> assertThat(x.ref().index()).isEqualTo(2));
        assertThat(ResolvedRule.deciding(db.rules().reversed())).contains(db.rules().getFirst());
    }

    @Test
    void selectorsResolveToHostPrefixesOfLocalThenRemoteEndpointsAndNeverToUnknownAddresses() {
        PolicySet set = PolicySet.of(Policy.builder("p").ingress(
                Rule.allow(List.of(Peer.labels("app", "web")), List.of()),
                Rule.allow(List.of(Peer.selector(dev.uniplane.api.LabelSelector.all())), List.of()),
                Rule.allow(List.of(Peer.labels("app", "none")), List.of()),
                Rule.allowAll()).build());
        List<ResolvedRule> rules = resolve(set).rules();
        PeerSet web = rules.get(0).peers();
        assertThat(web.isAny()).isFalse();
        assertThat(web.prefixes()).containsExactly(IpPrefix.parse("10.0.0.1/32"), IpPrefix.parse("fd00::1/128"), IpPrefix.parse("10.1.0.2/32"));
        assertThat(web.contains(IpAddress.parse("10.1.0.2"))).isTrue();
        assertThat(web.contains(IpAddress.parse("10.0.0.2"))).isFalse();
        PeerSet all = rules.get(1).peers();
        assertThat(all.prefixes()).hasSize(5);
        assertThat(all.contains(IpAddress.parse("10.1.0.9"))).isFalse();
        assertThat(rules.get(2).peers().prefixes()).isEmpty();
        assertThat(rules.get(2).peers().contains(IpAddress.parse("10.0.0.1"))).isFalse();
        PeerSet any = rules.get(3).peers();
        assertThat(any.isAny()).isTrue();
        assertThat(any.prefixes()).isEmpty();
        assertThat(any.contains(IpAddress.parse("203.0.113.9"))).isTrue();
    }

    @Test
    void cidrsResolveToTheirPrefixMinusExceptsAndDistinctPrefixesInPeerOrder() {
        PolicySet set = PolicySet.of(Policy.builder("p").ingress(Rule.allow(List.of(
                Peer.labels("app", "db"), Peer.cidr("10.0.0.0/30", "10.0.0.2/32"), Peer.labels("app", "db"), Peer.cidr("fd00::/64")), List.of())).build());
        PeerSet peers = resolve(set).rules().getFirst().peers();
        assertThat(peers.prefixes()).containsExactly(IpPrefix.parse("10.0.0.2/32"), IpPrefix.parse("10.0.0.0/31"),
                IpPrefix.parse("10.0.0.3/32"), IpPrefix.parse("fd00::/64"));
        // 10.0.0.2 is excepted from the CIDR but matched by the selector
        assertThat(peers.contains(IpAddress.parse("10.0.0.2"))).isTrue();
        assertThat(peers.contains(IpAddress.parse("10.0.0.1"))).isTrue();
        assertThat(peers.contains(IpAddress.parse("10.0.0.4"))).isFalse();
        assertThat(peers.contains(IpAddress.parse("fd00::ffff"))).isTrue();
    }

    @Test
    void theRegionTestCountsCidrPeersOnly() {
        PolicySet set = PolicySet.of(Policy.builder("p").ingress(Rule.allow(List.of(
                Peer.cidr("10.0.0.0/8", "10.1.0.0/16"), Peer.labels("app", "web")), List.of()), Rule.allowAll()).build());
        List<ResolvedRule> rules = resolve(set).rules();
        PeerSet peers = rules.getFirst().peers();
        assertThat(peers.containsRegion(IpPrefix.parse("10.0.0.0/8"))).isTrue();
        assertThat(peers.containsRegion(IpPrefix.parse("10.2.0.0/16"))).isTrue();
        assertThat(peers.containsRegion(IpPrefix.parse("10.1.0.0/16"))).isFalse();
        assertThat(peers.containsRegion(IpPrefix.parse("10.1.2.0/24"))).isFalse();
        assertThat(peers.containsRegion(IpPrefix.parse("0.0.0.0/0"))).isFalse();
        // a selector's host prefix is no CIDR region
        assertThat(peers.containsRegion(IpPrefix.parse("fd00::1/128"))).isFalse();
        assertThat(rules.get(1).peers().containsRegion(IpPrefix.parse("0.0.0.0/0"))).isTrue();
    }

    @Test
    void anyWithARangeResolvesToTcpUdpAndSctpAndPortsMatchAsTheApiSays() {
        PolicySet set = PolicySet.of(Policy.builder("p").ingress(Rule.allow(List.of(), List.of(
                PortMatch.of(Protocol.ANY, 53, 54), PortMatch.any(Protocol.ICMP), PortMatch.tcp(80)))).build());
        ResolvedRule rule = resolve(set).rules().getFirst();
        assertThat(rule.ports()).containsExactly(new ResolvedPort(Protocol.TCP, PortRange.of(53, 54)),
                new ResolvedPort(Protocol.UDP, PortRange.of(53, 54)), new ResolvedPort(Protocol.SCTP, PortRange.of(53, 54)),
                new ResolvedPort(Protocol.ICMP, null), new ResolvedPort(Protocol.TCP, PortRange.single(80)));
        assertThat(rule.ports().getFirst().prefixes()).containsExactly(new PortPrefix(53, 16), new PortPrefix(54, 16));
        for (int protocol : new int[] {6, 17, 132, 1, 58, 47}) {
            for (int port : new int[] {0, 52, 53, 54, 80}) {
                assertThat(rule.matchesPort(protocol, port)).as("%d:%d", protocol, port)
                        .isEqualTo(rule.rule().matchesPort(protocol, port));
            }
        }
        PolicySet anyProtocol = PolicySet.of(Policy.builder("p").ingress(Rule.allow(List.of(), List.of(PortMatch.any(Protocol.ANY)))).build());
        ResolvedRule all = resolve(anyProtocol).rules().getFirst();
        assertThat(all.ports()).containsExactly(new ResolvedPort(Protocol.ANY, null));
        assertThat(all.matchesPort(47, 0)).isTrue();
        assertThat(all.ports().getFirst().prefixes()).isEmpty();
    }

    @Test
    void localEndpointIndexesMustBeDistinct() {
        PolicyEndpoint twin = new PolicyEndpoint(1, Labels.of(), List.of());
        assertThatThrownBy(() -> PolicyResolver.resolve(PolicySet.empty(), List.of(WEB, twin), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 1");
        assertThatThrownBy(() -> new ResolvedPort(Protocol.ICMP, PortRange.single(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResolvedPort(Protocol.ANY, PortRange.single(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
