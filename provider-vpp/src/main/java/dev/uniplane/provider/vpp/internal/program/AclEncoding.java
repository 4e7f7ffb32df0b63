package dev.uniplane.provider.vpp.internal.program;

import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.Protocol;
import dev.uniplane.provider.vpp.internal.wire.Messages;
import dev.uniplane.provider.vpp.internal.wire.Messages.AclRule;
import dev.uniplane.provider.vpp.internal.wire.Messages.Prefix;
import dev.uniplane.spi.policy.EndpointRules;
import dev.uniplane.spi.policy.ResolvedPolicy;
import dev.uniplane.spi.policy.ResolvedPort;
import dev.uniplane.spi.policy.ResolvedRule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Encodes the resolved policy at one endpoint as two VPP ACLs (no I/O), as Contiv-VPP did:
 * <ul>
 * <li>the interface's <b>input</b> ACL sees the packets the workload sends: its egress rules, then its egress default,
 * then the anti-spoofing deny; the <b>output</b> ACL sees the packets delivered to it: its ingress rules, then its
 * ingress default;</li>
 * <li>the ACL plugin takes the first matching ACE, so the resolver's order (DENY rules first, then ALLOW rules, each by
 * RuleRef) is kept ACE for ACE: deny overrides allow;</li>
 * <li>ALLOW is permit+reflect ({@code is_permit=2}): the plugin opens a session on the interface, whose packets (the
 * replies included) then pass both directions of that interface unevaluated; so an open direction ends in a
 * permit+reflect of everything (not in "no ACL"), or the replies of a flow the workload opened would meet its ingress
 * default deny;</li>
 * <li>peers: the resolver's prefixes (a CIDR minus its excepts is already split into disjoint prefixes), ports: the
 * destination port range is native in an ACE (source ports any); ICMP and ICMPv6 match their type/code any;</li>
 * <li>anti-spoofing: every egress ACE carries one of the endpoint's own source prefixes (its addresses as host
 * prefixes, and the prefixes routed to it), so a packet from any other source falls through to the final deny of
 * each family; ARP is not IP and never reaches an ACL; IPv6 neighbour and multicast listener discovery (ICMPv6
 * 130-137 and 143, sent from link-local addresses) are permitted first in both directions.</li>
 * </ul>
 * Limits of the ACL plugin, by choice fail-closed: it reads no ports of SCTP (its 5-tuple carries ports for TCP and UDP
 * only), so an SCTP entry with a port range can never match: in an ALLOW rule it is left out (SCTP stays denied), in a
 * DENY rule it becomes "SCTP, any port". ICMP errors related to a flow are not matched to the flow's session by the
 * plugin (only echo, timestamp, information and address-mask replies are), so they meet the policy like new packets.
 */
public final class AclEncoding {
    /** The most ACEs one ACL may have here (an acl_add_replace of this size is ~1 MB). */
    public static final int MAX_ACES = 20_000;
    private static final int ICMPV6 = 58;
    private static final int MLD_QUERY = 130; // 130-132: MLD query, report, done; 133-137: ND
    private static final int ND_LAST = 137; // redirect
    private static final int MLD2_REPORT = 143;

    /** One ACE and what it stands for. */
    public record Ace(AclRule rule, AceRole role) {
    }

    /** The two ACLs of one endpoint, each as its ordered ACEs. */
    public record EndpointAcls(List<Ace> input, List<Ace> output) {
        /** Copies the lists. */
        public EndpointAcls {
            input = List.copyOf(input);
            output = List.copyOf(output);
        }

        /** The ACEs of one interface direction ({@code true}: input). */
        public List<Ace> aces(boolean input) {
            return input ? this.input : output;
        }
    }

    private AclEncoding() {
    }

    /** The ACLs of the endpoint with index {@code index} in {@code policy}. */
    public static EndpointAcls encode(ResolvedPolicy policy, int index, AclEndpoint endpoint) {
        List<Ace> input = new ArrayList<>();
        List<Ace> output = new ArrayList<>();
        input.addAll(neighborDiscovery());
        output.addAll(neighborDiscovery());

        // Input: packets from the workload, its egress policy; every ACE restricted to an own source.
        Set<IpPrefix> sources = new LinkedHashSet<>();
        endpoint.addresses().forEach(a -> sources.add(IpPrefix.host(a)));
        sources.addAll(endpoint.routedPrefixes());
        EndpointRules egress = policy.at(index, Direction.EGRESS);
        for (ResolvedRule rule : egress.rules()) {
            for (IpPrefix source : sources) {
                for (Prefix peer : peers(rule, source.family())) {
                    addRule(input, rule, prefix(source), peer);
                }
            }
        }
        for (IpPrefix source : sources) {
            Prefix any = Prefix.any(source.family() == IpFamily.IPV6);
            input.add(egress.isolated()
                    ? new Ace(AclRule.of(Messages.ACL_DENY, prefix(source), any, 0), new AceRole.DefaultDeny())
                    : new Ace(AclRule.of(Messages.ACL_PERMIT_REFLECT, prefix(source), any, 0), new AceRole.Open()));
        }
        for (boolean v6 : new boolean[] {false, true}) {
            input.add(new Ace(AclRule.of(Messages.ACL_DENY, Prefix.any(v6), Prefix.any(v6), 0), new AceRole.AntiSpoof()));
        }

        // Output: packets to the workload (to its addresses or a prefix routed to it), its ingress policy.
        EndpointRules ingress = policy.at(index, Direction.INGRESS);
        for (ResolvedRule rule : ingress.rules()) {
            for (IpFamily family : IpFamily.values()) {
                for (Prefix peer : peers(rule, family)) {
                    addRule(output, rule, peer, Prefix.any(family == IpFamily.IPV6));
                }
            }
        }
        for (boolean v6 : new boolean[] {false, true}) {
            output.add(ingress.isolated()
                    ? new Ace(AclRule.of(Messages.ACL_DENY, Prefix.any(v6), Prefix.any(v6), 0), new AceRole.DefaultDeny())
                    : new Ace(AclRule.of(Messages.ACL_PERMIT_REFLECT, Prefix.any(v6), Prefix.any(v6), 0), new AceRole.Open()));
        }
        for (List<Ace> acl : List.of(input, output)) {
            if (acl.size() > MAX_ACES) {
                throw new InvalidSpecException("policies", acl.size() + " VPP ACL rules at endpoint " + endpoint.id(),
                        "more than the " + MAX_ACES + " one VPP ACL may hold here");
            }
        }
        return new EndpointAcls(input, output);
    }

    /** The rule's peers of one family as prefixes; "any" as the family's /0. */
    private static List<Prefix> peers(ResolvedRule rule, IpFamily family) {
        if (rule.peers().isAny()) {
            return List.of(Prefix.any(family == IpFamily.IPV6));
        }
        return rule.peers().prefixes().stream().filter(p -> p.family() == family).map(AclEncoding::prefix).toList();
    }

    /** One ACE per port entry of {@code rule} that fits the family (one for an empty port list). */
    private static void addRule(List<Ace> acl, ResolvedRule rule, Prefix source, Prefix destination) {
        boolean v6 = !(source.address() instanceof java.net.Inet4Address);
        boolean deny = rule.action() == Action.DENY;
        int action = deny ? Messages.ACL_DENY : Messages.ACL_PERMIT_REFLECT;
        AceRole role = new AceRole.Rule(rule.ref(), rule.action());
        if (rule.ports().isEmpty()) {
            acl.add(new Ace(AclRule.of(action, source, destination, 0), role));
            return;
        }
        for (ResolvedPort port : rule.ports()) {
            Protocol protocol = port.protocol();
            if (protocol == Protocol.ICMP && v6 || protocol == Protocol.ICMPV6 && !v6) {
                continue; // ICMP is IPv4's, ICMPv6 IPv6's
            }
            if (protocol == Protocol.ANY) {
                acl.add(new Ace(AclRule.of(action, source, destination, 0), role));
            } else if (port.range() == null || protocol == Protocol.SCTP) {
                if (protocol == Protocol.SCTP && port.range() != null && !deny) {
                    continue; // the plugin sees no SCTP ports: an allowed SCTP range can never match (fail-closed)
                }
                acl.add(new Ace(AclRule.of(action, source, destination, protocol.number()), role));
            } else {
                acl.add(new Ace(new AclRule(action, source, destination, protocol.number(), 0, 0xffff,
                        port.range().from(), port.range().to(), 0, 0), role));
            }
        }
    }

    /**
     * Permits IPv6 neighbour discovery and multicast listener discovery (ICMPv6 types 130-137 and 143, any code; the
     * type/code go in the port fields), which VPP and the workload send from link-local addresses.
     */
    private static List<Ace> neighborDiscovery() {
        List<Ace> out = new ArrayList<>();
        for (int[] types : new int[][] {{MLD_QUERY, ND_LAST}, {MLD2_REPORT, MLD2_REPORT}}) {
            out.add(new Ace(new AclRule(Messages.ACL_PERMIT, Prefix.any(true), Prefix.any(true), ICMPV6, types[0],
                    types[1], 0, 0xffff, 0, 0), new AceRole.NeighborDiscovery()));
        }
        return out;
    }

    static Prefix prefix(IpPrefix prefix) {
        return new Prefix(prefix.address().toInetAddress(), prefix.length());
    }

    static Prefix prefix(IpAddress address) {
        return prefix(IpPrefix.host(address));
    }
}
