package dev.uniplane.provider.vpp.internal.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.provider.vpp.internal.program.AclEncoding.Ace;
import dev.uniplane.provider.vpp.internal.program.AclEncoding.EndpointAcls;
import dev.uniplane.provider.vpp.internal.wire.Messages;
import dev.uniplane.provider.vpp.internal.wire.Messages.AclRule;
import dev.uniplane.provider.vpp.internal.wire.Messages.Prefix;
import dev.uniplane.spi.policy.PolicyEndpoint;
import dev.uniplane.spi.policy.PolicyResolver;
import dev.uniplane.spi.policy.ResolvedPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ResolvedPolicy to ACE lists, without VPP: order, actions, prefixes, ports, anti-spoofing, defaults. */
class AclEncodingTest {
    private static final IpAddress CLIENT = IpAddress.parse("10.100.0.1");
    private static final IpAddress CLIENT6 = IpAddress.parse("fd00:100::1");
    private static final IpAddress SERVER = IpAddress.parse("10.100.0.2");
    private static final AclEndpoint CLIENT_EP = new AclEndpoint(EndpointId.of("c"), 1, List.of(CLIENT, CLIENT6));
    private static final AclEndpoint SERVER_EP = new AclEndpoint(EndpointId.of("s"), 2, List.of(SERVER));

    private static ResolvedPolicy resolve(PolicySet set) {
        return PolicyResolver.resolve(set, List.of(
                new PolicyEndpoint(0, Labels.of("app", "client"), CLIENT_EP.addresses()),
                new PolicyEndpoint(1, Labels.of("app", "db"), SERVER_EP.addresses())), List.of());
    }

    private static Prefix p(String cidr) {
        return AclEncoding.prefix(IpPrefix.parse(cidr));
    }

    private static List<String> describe(List<Ace> aces) {
        List<String> out = new ArrayList<>();
        for (Ace ace : aces) {
            AclRule r = ace.rule();
            String action = switch (r.action()) {
                case Messages.ACL_DENY -> "deny";
                case Messages.ACL_PERMIT -> "permit";
                default -> "reflect";
            };
            String role = switch (ace.role()) {
                case AceRole.Rule rule -> rule.ref().toString();
                case AceRole.DefaultDeny d -> "default-deny";
                case AceRole.Open o -> "open";
                case AceRole.AntiSpoof s -> "anti-spoof";
                case AceRole.NeighborDiscovery n -> "nd";
            };
            out.add(action + " " + IpAddress.of(r.source().address()) + "/" + r.source().length() + " > "
                    + IpAddress.of(r.destination().address()) + "/" + r.destination().length() + " proto " + r.proto()
                    + " sport " + r.srcPortFirst() + "-" + r.srcPortLast() + " dport " + r.dstPortFirst() + "-"
                    + r.dstPortLast() + " : " + role);
        }
        return out;
    }

    @Test
    void noPolicyStillAntiSpoofsAndOpensBothDirectionsStatefully() {
        EndpointAcls acls = AclEncoding.encode(resolve(PolicySet.empty()), 0, CLIENT_EP);

        assertThat(describe(acls.input())).containsExactly(
                "permit ::/0 > ::/0 proto 58 sport 130-137 dport 0-65535 : nd",
                "permit ::/0 > ::/0 proto 58 sport 143-143 dport 0-65535 : nd",
                "reflect 10.100.0.1/32 > 0.0.0.0/0 proto 0 sport 0-65535 dport 0-65535 : open",
                "reflect fd00:100::1/128 > ::/0 proto 0 sport 0-65535 dport 0-65535 : open",
                "deny 0.0.0.0/0 > 0.0.0.0/0 proto 0 sport 0-65535 dport 0-65535 : anti-spoof",
                "deny ::/0 > ::/0 proto 0 sport 0-65535 dport 0-65535 : anti-spoof");
        assertThat(describe(acls.output())).containsExactly(
                "permit ::/0 > ::/0 proto 58 sport 130-137 dport 0-65535 : nd",
                "permit ::/0 > ::/0 proto 58 sport 143-143 dport 0-65535 : nd",
                "reflect 0.0.0.0/0 > 0.0.0.0/0 proto 0 sport 0-65535 dport 0-65535 : open",
                "reflect ::/0 > ::/0 proto 0 sport 0-65535 dport 0-65535 : open");
    }

    @Test
    void ingressRulesGoToTheOutputAclDeniesFirstAllowsReflectAndIsolationEndsInADeny() {
        ResolvedPolicy policy = resolve(PolicySet.of(
                Policy.builder("allow-first").selectLabels("app", "db")
                        .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7200),
                                PortMatch.of(Protocol.UDP, 7000, 7099)))).build(),
                Policy.builder("deny-second").selectLabels("app", "db")
                        .ingress(Rule.deny(List.of(Peer.cidr("10.100.0.0/16", "10.100.0.2/32")), List.of())).build()));

        EndpointAcls acls = AclEncoding.encode(policy, 1, SERVER_EP);

        List<String> output = describe(acls.output());
        assertThat(output).hasSize(2 + 16 + 4 + 2).startsWith(
                "permit ::/0 > ::/0 proto 58 sport 130-137 dport 0-65535 : nd",
                "permit ::/0 > ::/0 proto 58 sport 143-143 dport 0-65535 : nd",
                // the except carved out of the CIDR: disjoint prefixes, each an ACE, denies before allows
                "deny 10.100.0.0/31 > 0.0.0.0/0 proto 0 sport 0-65535 dport 0-65535 : deny-second/ingress[0]",
                "deny 10.100.0.3/32 > 0.0.0.0/0 proto 0 sport 0-65535 dport 0-65535 : deny-second/ingress[0]",
                "deny 10.100.0.4/30 > 0.0.0.0/0 proto 0 sport 0-65535 dport 0-65535 : deny-second/ingress[0]");
        assertThat(output.subList(18, output.size())).containsExactly(
                "reflect 10.100.0.1/32 > 0.0.0.0/0 proto 6 sport 0-65535 dport 7200-7200 : allow-first/ingress[0]",
                "reflect 10.100.0.1/32 > 0.0.0.0/0 proto 17 sport 0-65535 dport 7000-7099 : allow-first/ingress[0]",
                "reflect fd00:100::1/128 > ::/0 proto 6 sport 0-65535 dport 7200-7200 : allow-first/ingress[0]",
                "reflect fd00:100::1/128 > ::/0 proto 17 sport 0-65535 dport 7000-7099 : allow-first/ingress[0]",
                "deny 0.0.0.0/0 > 0.0.0.0/0 proto 0 sport 0-65535 dport 0-65535 : default-deny",
                "deny ::/0 > ::/0 proto 0 sport 0-65535 dport 0-65535 : default-deny");
        assertThat(output.get(17)).isEqualTo(
                "deny 10.100.128.0/17 > 0.0.0.0/0 proto 0 sport 0-65535 dport 0-65535 : deny-second/ingress[0]");
        // The server's egress is open; only its own source passes.
        assertThat(describe(acls.input())).containsExactly(
                "permit ::/0 > ::/0 proto 58 sport 130-137 dport 0-65535 : nd",
                "permit ::/0 > ::/0 proto 58 sport 143-143 dport 0-65535 : nd",
                "reflect 10.100.0.2/32 > 0.0.0.0/0 proto 0 sport 0-65535 dport 0-65535 : open",
                "deny 0.0.0.0/0 > 0.0.0.0/0 proto 0 sport 0-65535 dport 0-65535 : anti-spoof",
                "deny ::/0 > ::/0 proto 0 sport 0-65535 dport 0-65535 : anti-spoof");
        // The client is selected by no policy: both directions open.
        assertThat(describe(AclEncoding.encode(policy, 0, CLIENT_EP).output()))
                .allMatch(s -> !s.startsWith("deny"));
    }

    @Test
    void egressRulesCarryEveryOwnSourceOfTheirFamilyAndIcmpOnlyItsFamily() {
        ResolvedPolicy policy = resolve(PolicySet.of(Policy.builder("client-out").selectLabels("app", "client")
                .egress(Rule.allow(List.of(), List.of(PortMatch.any(Protocol.ICMP), PortMatch.any(Protocol.ICMPV6))),
                        Rule.allow(List.of(Peer.labels("app", "db")), List.of(PortMatch.of(Protocol.ANY, 7260, 7269))))
                .build()));
        AclEndpoint routed = new AclEndpoint(CLIENT_EP.id(), 1, CLIENT_EP.addresses(),
                List.of(IpPrefix.parse("10.98.0.0/24")));

        EndpointAcls acls = AclEncoding.encode(policy, 0, routed);

        assertThat(describe(acls.input())).containsExactly(
                "permit ::/0 > ::/0 proto 58 sport 130-137 dport 0-65535 : nd",
                "permit ::/0 > ::/0 proto 58 sport 143-143 dport 0-65535 : nd",
                "reflect 10.100.0.1/32 > 0.0.0.0/0 proto 1 sport 0-65535 dport 0-65535 : client-out/egress[0]",
                "reflect fd00:100::1/128 > ::/0 proto 58 sport 0-65535 dport 0-65535 : client-out/egress[0]",
                "reflect 10.98.0.0/24 > 0.0.0.0/0 proto 1 sport 0-65535 dport 0-65535 : client-out/egress[0]",
                // ANY with a range: TCP, UDP, and SCTP, whose ports the plugin does not see: left out of an ALLOW
                "reflect 10.100.0.1/32 > 10.100.0.2/32 proto 6 sport 0-65535 dport 7260-7269 : client-out/egress[1]",
                "reflect 10.100.0.1/32 > 10.100.0.2/32 proto 17 sport 0-65535 dport 7260-7269 : client-out/egress[1]",
                "reflect 10.98.0.0/24 > 10.100.0.2/32 proto 6 sport 0-65535 dport 7260-7269 : client-out/egress[1]",
                "reflect 10.98.0.0/24 > 10.100.0.2/32 proto 17 sport 0-65535 dport 7260-7269 : client-out/egress[1]",
                "deny 10.100.0.1/32 > 0.0.0.0/0 proto 0 sport 0-65535 dport 0-65535 : default-deny",
                "deny fd00:100::1/128 > ::/0 proto 0 sport 0-65535 dport 0-65535 : default-deny",
                "deny 10.98.0.0/24 > 0.0.0.0/0 proto 0 sport 0-65535 dport 0-65535 : default-deny",
                "deny 0.0.0.0/0 > 0.0.0.0/0 proto 0 sport 0-65535 dport 0-65535 : anti-spoof",
                "deny ::/0 > ::/0 proto 0 sport 0-65535 dport 0-65535 : anti-spoof");
    }

    @Test
    void anSctpRangeInADenyRuleDeniesAllSctpFailClosed() {
        ResolvedPolicy policy = resolve(PolicySet.of(Policy.builder("p").selectLabels("app", "db")
                .ingress(Rule.deny(List.of(), List.of(PortMatch.of(Protocol.SCTP, 7341, 7341)))).build()));

        assertThat(describe(AclEncoding.encode(policy, 1, SERVER_EP).output())).contains(
                "deny 0.0.0.0/0 > 0.0.0.0/0 proto 132 sport 0-65535 dport 0-65535 : p/ingress[0]");
    }

    @Test
    void aPeerSelectorThatMatchesNothingAddsNoAceButStillIsolates() {
        ResolvedPolicy policy = resolve(PolicySet.of(Policy.builder("deny-only").selectLabels("app", "db")
                .ingress(Rule.deny(List.of(Peer.labels("app", "nobody")), List.of())).build()));

        List<Ace> output = AclEncoding.encode(policy, 1, SERVER_EP).output();

        assertThat(output).noneMatch(a -> a.role() instanceof AceRole.Rule);
        assertThat(output).filteredOn(a -> a.role() instanceof AceRole.DefaultDeny).hasSize(2);
        assertThat(policy.rule(new RuleRef("deny-only", Direction.INGRESS, 0)).orElseThrow().action())
                .isEqualTo(Action.DENY);
    }

    @Test
    void aSetTooLargeForOneAclIsRefusedAsInvalidBeforeAnythingIsTouched() {
        List<PortMatch> ports = new ArrayList<>();
        for (int p = 1; p <= 30_000; p += 2) {
            ports.add(PortMatch.tcp(p));
        }
        ResolvedPolicy policy = resolve(PolicySet.of(Policy.builder("huge").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.cidr("10.0.0.0/8"), Peer.cidr("11.0.0.0/8")), ports)).build()));

        assertThatThrownBy(() -> AclEncoding.encode(policy, 1, SERVER_EP)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("VPP ACL rules");
    }
}
