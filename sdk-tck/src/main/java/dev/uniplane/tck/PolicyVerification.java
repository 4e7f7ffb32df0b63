package dev.uniplane.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.Action;
import dev.uniplane.api.Capability;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.Direction;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Host;
import dev.uniplane.tck.harness.KitTimeouts;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.ProbeResult;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import dev.uniplane.tck.model.Origin;
import dev.uniplane.tck.model.Packet;
import dev.uniplane.tck.model.ReferenceModel;
import dev.uniplane.tck.model.Verdict;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SEMANTICS "Policy": deny overrides allow, isolation, CIDR/except, ports, stateful replies, atomic apply, no
 * grandfathering, remote endpoints. Every probe is checked against the reference model's verdict for the same flow,
 * and the provider's drop reasons and rule counters against the traffic sent.
 */
public abstract class PolicyVerification extends DataplaneVerification {

    /** Every test here applies policies. */
    @org.junit.jupiter.api.BeforeEach
    final void requirePolicy() {
        requireCapability(Capability.POLICY);
    }

    /** Sends a probe, asserts the model agrees with {@code expectDelivered}, and that the backend does the same. */
    protected final ProbeResult probe(Host from, IpAddress source, IpAddress to, Protocol protocol, int port, boolean expectDelivered) {
        Verdict model = Oracle.newFlow(dataplane(), from, source, to, protocol, port);
        assertThat(model.delivered()).as("reference model verdict for %s %s -> %s:%d: %s", protocol, from.name(), to, port, model)
                .isEqualTo(expectDelivered);
        ProbeResult result = switch (protocol) {
            case TCP -> Traffic.tcp(from, source, to, port, Traffic.TIMEOUT);
            case UDP -> Traffic.udp(from, source, to, port, 0, Traffic.TIMEOUT);
            case SCTP -> Traffic.sctp(from, source, to, port, Traffic.TIMEOUT);
            default -> Traffic.ping(from, to);
        };
        assertThat(result.outcome()).as("%s (model: %s)", result, model)
                .isEqualTo(expectDelivered ? Outcome.DELIVERED : Outcome.TIMED_OUT);
        return result;
    }

    protected final ProbeResult probe(Workload from, Workload to, Protocol protocol, int port, boolean expectDelivered) {
        return probe(from, from.ipv4(), to.ipv4(), protocol, port, expectDelivered);
    }

    @Test
    public void required_S3_verdict_allowedPortPassesAndOtherPortsAreDefaultDenied() {
        Workload client = attachWorkload("pol-a1", "app", "client");
        Workload server = attachWorkload("pol-a2", "app", "db");
        dataplane().applyPolicies(PolicySet.of(Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7200)))).build()));
        try (EchoServer s = Traffic.serve(server, 7200); EchoServer s2 = Traffic.serve(server, 7201)) {
            StatsSnapshot before = dataplane().stats();
            probe(client, server, Protocol.TCP, 7200, true);
            probe(client, server, Protocol.TCP, 7201, false);
            probe(client, server, Protocol.UDP, 7200, false);
            StatsSnapshot delta = dataplane().stats().delta(before);
            if (dataplane().capabilities().has(Capability.DROP_REASONS)) {
                assertThat(delta.endpoint(EndpointId.of("pol-a1")).drops(DropReason.POLICY_DEFAULT_DENY)
                        + delta.endpoint(EndpointId.of("pol-a2")).drops(DropReason.POLICY_DEFAULT_DENY))
                        .as("default-deny drops for the two refused flows").isGreaterThanOrEqualTo(2);
            }
            if (dataplane().capabilities().has(Capability.RULE_STATS)) {
                assertThat(delta.rule(new RuleRef("db-in", Direction.INGRESS, 0), Action.ALLOW).packets())
                        .as("new-flow packets decided by db-in ingress[0]").isGreaterThanOrEqualTo(1);
            }
        }
    }

    @Test
    public void required_S4_perRule_ruleCountersAndDropReasonsMatchTheTrafficSent() {
        requireCapability(Capability.RULE_STATS);
        requireCapability(Capability.DROP_REASONS);
        Workload client = attachWorkload("pol-k1", "app", "client");
        Workload server = attachWorkload("pol-k2", "app", "db");
        List<Peer> fromClient = List.of(Peer.labels("app", "client"));
        dataplane().applyPolicies(PolicySet.of(Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(fromClient, List.of(PortMatch.udp(7310))), Rule.deny(fromClient, List.of(PortMatch.udp(7311))))
                .build()));
        try (EchoServer s = Traffic.serve(server, 7310); EchoServer s2 = Traffic.serve(server, 7311)) {
            StatsSnapshot before = dataplane().stats();
            // UDP: one packet per probe, each from a fresh source port, so every probe is exactly one new flow.
            for (int i = 0; i < 3; i++) {
                probe(client, server, Protocol.UDP, 7310, true);
            }
            for (int i = 0; i < 2; i++) {
                probe(client, server, Protocol.UDP, 7311, false);
            }
            probe(client, server, Protocol.UDP, 7312, false);
            StatsSnapshot delta = dataplane().stats().delta(before);
            assertThat(delta.rule(new RuleRef("db-in", Direction.INGRESS, 0), Action.ALLOW).packets()).as("allow rule").isEqualTo(3);
            assertThat(delta.rule(new RuleRef("db-in", Direction.INGRESS, 1), Action.DENY).packets()).as("deny rule").isEqualTo(2);
            var srv = delta.endpoint(EndpointId.of("pol-k2"));
            assertThat(srv.drops(DropReason.POLICY_DENIED)).as("denied at the server").isEqualTo(2);
            assertThat(srv.drops(DropReason.POLICY_DEFAULT_DENY)).as("default-denied at the server").isEqualTo(1);
            assertThat(srv.rxPackets()).as("delivered to the server").isEqualTo(3);
            assertThat(delta.endpoint(EndpointId.of("pol-k1")).txPackets()).as("sent by the client").isEqualTo(6);
            assertThat(delta.endpoint(EndpointId.of("pol-k1")).rxPackets()).as("echoes received").isEqualTo(3);
        }
    }

    @Test
    public void required_S3_verdict_denyOverridesAllowWhateverTheOrder() {
        Workload client = attachWorkload("pol-b1", "app", "client");
        Workload server = attachWorkload("pol-b2", "app", "db");
        Rule allowAll = Rule.allowAll();
        Rule deny7210 = Rule.deny(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7210)));
        dataplane().applyPolicies(PolicySet.of(
                Policy.builder("allow-first").selectLabels("app", "db").ingress(allowAll).build(),
                Policy.builder("deny-second").selectLabels("app", "db").ingress(deny7210).build()));
        try (EchoServer s = Traffic.serve(server, 7210); EchoServer s2 = Traffic.serve(server, 7211)) {
            StatsSnapshot before = dataplane().stats();
            probe(client, server, Protocol.TCP, 7210, false);
            probe(client, server, Protocol.TCP, 7211, true);
            StatsSnapshot delta = dataplane().stats().delta(before);
            if (dataplane().capabilities().has(Capability.DROP_REASONS)) {
                assertThat(delta.endpoint(EndpointId.of("pol-b2")).drops(DropReason.POLICY_DENIED)
                        + delta.endpoint(EndpointId.of("pol-b1")).drops(DropReason.POLICY_DENIED)).isGreaterThanOrEqualTo(1);
            }
            if (dataplane().capabilities().has(Capability.RULE_STATS)) {
                assertThat(delta.rule(new RuleRef("deny-second", Direction.INGRESS, 0), Action.DENY).packets()).isGreaterThanOrEqualTo(1);
            }
            // The same rules in the other order decide the same way.
            dataplane().applyPolicies(PolicySet.of(
                    Policy.builder("deny-first").selectLabels("app", "db").ingress(deny7210).build(),
                    Policy.builder("allow-second").selectLabels("app", "db").ingress(allowAll).build()));
            probe(client, server, Protocol.TCP, 7210, false);
            probe(client, server, Protocol.TCP, 7211, true);
        }
    }

    @Test
    public void required_S3_policyShape_anEmptyRuleListIsolatesAndADenyOnlyListToo() {
        Workload client = attachWorkload("pol-c1", "app", "client");
        Workload server = attachWorkload("pol-c2", "app", "db");
        try (EchoServer s = Traffic.serve(server, 7220)) {
            probe(client, server, Protocol.TCP, 7220, true);
            dataplane().applyPolicies(PolicySet.of(Policy.builder("isolate").selectLabels("app", "db").ingress().build()));
            probe(client, server, Protocol.TCP, 7220, false);
            dataplane().applyPolicies(PolicySet.of(Policy.builder("deny-only").selectLabels("app", "db")
                    .ingress(Rule.deny(List.of(Peer.labels("app", "nobody")), List.of())).build()));
            probe(client, server, Protocol.TCP, 7220, false);
            dataplane().applyPolicies(PolicySet.empty());
            probe(client, server, Protocol.TCP, 7220, true);
        }
    }

    @Test
    public void required_S3_verdict_egressIsolationAppliesAtTheSender() {
        Workload client = attachWorkload("pol-d1", "app", "client");
        Workload server = attachWorkload("pol-d2", "app", "db");
        dataplane().applyPolicies(PolicySet.of(Policy.builder("client-out").selectLabels("app", "client")
                .egress(Rule.allow(List.of(Peer.labels("app", "db")), List.of(PortMatch.udp(7230)))).build()));
        try (EchoServer s = Traffic.serve(server, 7230); EchoServer c = Traffic.serve(client, 7231)) {
            probe(client, server, Protocol.UDP, 7230, true);
            probe(client, server, Protocol.TCP, 7230, false);
            // The server is not isolated and the client's ingress is open: a new flow server -> client passes.
            probe(server, client, Protocol.TCP, 7231, true);
        }
    }

    @Test
    public void required_S3_stateful_repliesOfAnAllowedFlowPassWithoutReevaluation() {
        requireCapability(Capability.STATEFUL_POLICY);
        Workload client = attachWorkload("pol-e1", "app", "client");
        Workload server = attachWorkload("pol-e2", "app", "db");
        // Client ingress is isolated (deny all new flows in), yet replies of its own flows must come back.
        dataplane().applyPolicies(PolicySet.of(Policy.builder("client-closed").selectLabels("app", "client").ingress().build()));
        try (EchoServer s = Traffic.serve(server, 7240); EchoServer c = Traffic.serve(client, 7241)) {
            probe(client, server, Protocol.TCP, 7240, true);
            probe(client, server, Protocol.UDP, 7240, true);
            probe(client, server, Protocol.ICMP, 0, true);
            probe(server, client, Protocol.TCP, 7241, false);
        }
    }

    @Test
    public void optional_S3_rules_ipv6FlowsFollowTheSamePolicy() {
        requireCapability(Capability.IPV6);
        Workload client = attachWorkload("pol-l1", "app", "client");
        Workload server = attachWorkload("pol-l2", "app", "db");
        dataplane().applyPolicies(PolicySet.of(Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7320))),
                        Rule.allow(List.of(Peer.cidr("fd00:100::/64", client.ipv6() + "/128")), List.of(PortMatch.udp(7321))))
                .build()));
        try (EchoServer s = Traffic.serve(server, 7320); EchoServer s2 = Traffic.serve(server, 7321)) {
            probe(client, client.ipv6(), server.ipv6(), Protocol.TCP, 7320, true);
            probe(client, client.ipv6(), server.ipv6(), Protocol.TCP, 7321, false);
            probe(client, client.ipv6(), server.ipv6(), Protocol.UDP, 7321, false);
            probe(client, client.ipv6(), server.ipv6(), Protocol.ICMPV6, 0, false);
        }
    }

    @Test
    public void optional_S3_verdict_aRoutedPrefixIsPolicedAtTheEndpointThatReceivesIt() {
        requireCapability(Capability.ROUTE_TO_ENDPOINT);
        Workload client = attachWorkload("pol-m1", "app", "client");
        Workload vnf = attachWorkload("pol-m2", "app", "vnf");
        try (var nl = dev.uniplane.linux.RtNetlink.open(vnf.netns())) {
            nl.addAddress(nl.index("lo"), dev.uniplane.linux.InterfaceAddress.parse("10.98.0.1/32"));
        }
        dataplane().addRoute(Route.of("10.98.0.0/24", NextHop.endpoint("pol-m2")));
        dataplane().applyPolicies(PolicySet.of(
                Policy.builder("vnf-in").selectLabels("app", "vnf")
                        .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7330)))).build(),
                Policy.builder("vnf-out").selectLabels("app", "vnf")
                        .egress(Rule.deny(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7332)))).build()));
        IpAddress vip = IpAddress.parse("10.98.0.1");
        try (EchoServer s = Traffic.serve(vnf, 7330); EchoServer s2 = Traffic.serve(vnf, 7331);
             EchoServer c = Traffic.serve(client, 7332)) {
            probe(client, client.ipv4(), vip, Protocol.TCP, 7330, true);
            probe(client, client.ipv4(), vip, Protocol.TCP, 7331, false);
            // The VNF sends from the routed prefix: its own egress policy still applies.
            probe(vnf, vip, client.ipv4(), Protocol.TCP, 7332, false);
        }
    }

    @Test
    public void optional_S3_rules_sctpPortRulesAllowOnePortAndDenyTheOthers() {
        requireCapability(Capability.POLICY_SCTP);
        Workload client = attachWorkload("pol-n1", "app", "client");
        Workload server = attachWorkload("pol-n2", "app", "db");
        List<Peer> fromClient = List.of(Peer.labels("app", "client"));
        List<Policy> policies = new java.util.ArrayList<>(List.of(Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(fromClient, List.of(PortMatch.of(Protocol.SCTP, 7340, 7340))),
                        Rule.deny(fromClient, List.of(PortMatch.of(Protocol.SCTP, 7341, 7341))))
                .build()));
        if (dataplane().capabilities().has(Capability.STATEFUL_POLICY)) {
            // The client takes no new flows in: each INIT ACK must come back as the reply of the client's own flow.
            policies.add(Policy.builder("client-closed").selectLabels("app", "client").ingress().build());
        }
        dataplane().applyPolicies(PolicySet.of(policies.toArray(Policy[]::new)));
        try (var s = Traffic.serveSctp(server, 7340); var s2 = Traffic.serveSctp(server, 7341); var s3 = Traffic.serveSctp(server, 7342);
             EchoServer tcp = Traffic.serve(server, 7340)) {
            StatsSnapshot before = dataplane().stats();
            // One INIT per probe, each from a fresh source port: every probe is exactly one new flow.
            for (int i = 0; i < 3; i++) {
                probe(client, server, Protocol.SCTP, 7340, true);
            }
            for (int i = 0; i < 2; i++) {
                probe(client, server, Protocol.SCTP, 7341, false);
            }
            probe(client, server, Protocol.SCTP, 7342, false);
            StatsSnapshot delta = dataplane().stats().delta(before);
            assertThat(s.peers()).as("INITs answered on the allowed port").hasSize(3);
            assertThat(s2.peers()).as("INITs that reached the denied port").isEmpty();
            assertThat(s3.peers()).as("INITs that reached the default-denied port").isEmpty();
            if (dataplane().capabilities().has(Capability.RULE_STATS)) {
                assertThat(delta.rule(new RuleRef("db-in", Direction.INGRESS, 0), Action.ALLOW).packets()).as("sctp allow rule").isEqualTo(3);
                assertThat(delta.rule(new RuleRef("db-in", Direction.INGRESS, 1), Action.DENY).packets()).as("sctp deny rule").isEqualTo(2);
            }
            if (dataplane().capabilities().has(Capability.DROP_REASONS)) {
                var srv = delta.endpoint(EndpointId.of("pol-n2"));
                assertThat(srv.drops(DropReason.POLICY_DENIED)).as("denied at the server").isEqualTo(2);
                assertThat(srv.drops(DropReason.POLICY_DEFAULT_DENY)).as("default-denied at the server").isEqualTo(1);
            }
            if (dataplane().capabilities().has(Capability.ENDPOINT_STATS)) {
                assertThat(delta.endpoint(EndpointId.of("pol-n2")).rxPackets()).as("INITs delivered to the server").isEqualTo(3);
                assertThat(delta.endpoint(EndpointId.of("pol-n1")).rxPackets()).as("INIT ACKs back at the client").isEqualTo(3);
            }
            // A TCP rule is not an SCTP rule, and the reverse: tcp/7340 is not allowed.
            probe(client, server, Protocol.TCP, 7340, false);
            if (dataplane().capabilities().has(Capability.IPV6)) {
                probe(client, client.ipv6(), server.ipv6(), Protocol.SCTP, 7340, true);
                probe(client, client.ipv6(), server.ipv6(), Protocol.SCTP, 7342, false);
            }
        }
    }

    @Test
    public void optional_S3_stateful_sctpRepliesAreMatchedByPortsNotJustAddresses() {
        requireCapability(Capability.POLICY_SCTP);
        requireCapability(Capability.STATEFUL_POLICY);
        Workload client = attachWorkload("pol-s1", "app", "client");
        Workload server = attachWorkload("pol-s2", "app", "db");
        dataplane().applyPolicies(PolicySet.of(Policy.builder("db-in").selectLabels("app", "db")
                        .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.of(Protocol.SCTP, 7340, 7340)))).build(),
                Policy.builder("client-closed").selectLabels("app", "client").ingress().build()));
        int unusedClientPort = 7343; // the client's probes use ports 49152..65535
        // The model: an INIT from the server's 7340 to another port of the client belongs to no flow of the client's.
        ReferenceModel model = ReferenceModel.of(dataplane().currentState());
        Origin atClient = new Origin.FromEndpoint(EndpointId.of("pol-s1"));
        Origin atServer = new Origin.FromEndpoint(EndpointId.of("pol-s2"));
        String c = client.ipv4().toString();
        String srv = server.ipv4().toString();
        assertThat(model.evaluate(Packet.sctp(atClient, c, 50000, srv, 7340)).delivered()).as("model: client's INIT to 7340").isTrue();
        assertThat(model.evaluate(Packet.sctp(atServer, srv, 7340, c, 50000)).delivered()).as("model: the server's reply").isTrue();
        Verdict stray = model.evaluate(Packet.sctp(atServer, srv, 7340, c, unusedClientPort));
        assertThat(stray.delivered()).as("model: server's INIT from 7340 to another client port: %s", stray).isFalse();
        try (var s = Traffic.serveSctp(server, 7340); var atUnused = Traffic.serveSctp(client, unusedClientPort)) {
            probe(client, server, Protocol.SCTP, 7340, true); // an association from the client to server:7340 exists now
            ProbeResult result = Traffic.sctp(server, server.ipv4(), 7340, client.ipv4(), unusedClientPort, Traffic.TIMEOUT);
            assertThat(result.outcome()).as("%s: same addresses and server port as the client's association, other client port (model: %s)",
                    result, stray).isEqualTo(Outcome.TIMED_OUT);
            assertThat(atUnused.peers()).as("INITs that reached the client's unused port").isEmpty();
            // Still a working association: the next INIT from the client gets its answer.
            probe(client, server, Protocol.SCTP, 7340, true);
            // Packets of one flow count its rule once: three INITs from one client port are one flow.
            StatsSnapshot before = dataplane().stats();
            for (int i = 0; i < 3; i++) {
                ProbeResult again = Traffic.sctp(client, client.ipv4(), 50001, server.ipv4(), 7340, Traffic.TIMEOUT);
                assertThat(again.outcome()).as("%s", again).isEqualTo(Outcome.DELIVERED);
            }
            if (dataplane().capabilities().has(Capability.RULE_STATS)) {
                assertThat(dataplane().stats().delta(before).rule(new RuleRef("db-in", Direction.INGRESS, 0), Action.ALLOW).packets())
                        .as("sctp allow rule for one flow of three packets").isEqualTo(1);
            }
        }
    }

    @Test
    public void optional_S3_rules_cidrPeersWithExceptCarveOutAddresses() {
        requireCapability(Capability.POLICY_CIDR_EXCEPT);
        Workload a = attachWorkload("pol-f1", "app", "client");
        Workload b = attachWorkload("pol-f2", "app", "client");
        Workload server = attachWorkload("pol-f3", "app", "db");
        dataplane().applyPolicies(PolicySet.of(Policy.builder("cidr-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.cidr("10.100.0.0/16", b.ipv4() + "/32")), List.of())).build()));
        try (EchoServer s = Traffic.serve(server, 7250)) {
            probe(a, server, Protocol.TCP, 7250, true);
            probe(b, server, Protocol.TCP, 7250, false);
        }
    }

    @Test
    public void optional_S3_rules_portRangesMatchEveryPortInside() {
        requireCapability(Capability.POLICY_PORT_RANGES);
        Workload client = attachWorkload("pol-g1", "app", "client");
        Workload server = attachWorkload("pol-g2", "app", "db");
        dataplane().applyPolicies(PolicySet.of(Policy.builder("range-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(), List.of(PortMatch.of(Protocol.ANY, 7260, 7269)))).build()));
        try (EchoServer s1 = Traffic.serve(server, 7260); EchoServer s2 = Traffic.serve(server, 7269);
             EchoServer s3 = Traffic.serve(server, 7270)) {
            probe(client, server, Protocol.TCP, 7260, true);
            probe(client, server, Protocol.UDP, 7269, true);
            probe(client, server, Protocol.TCP, 7270, false);
            probe(client, server, Protocol.ICMP, 0, false);
        }
    }

    @Test
    public void required_S3_atomicReplacement_aFailedApplyLeavesTheOldPolicyInForce() {
        Workload client = attachWorkload("pol-h1", "app", "client");
        Workload server = attachWorkload("pol-h2", "app", "db");
        PolicySet good = PolicySet.of(Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7280)))).build());
        dataplane().applyPolicies(good);
        PolicySet unsupportedOrHuge = hugeOrUnsupportedSet();
        assertThatThrownBy(() -> dataplane().applyPolicies(unsupportedOrHuge)).isInstanceOf(DataplaneException.class);
        assertThat(dataplane().policies()).isEqualTo(good);
        try (EchoServer s = Traffic.serve(server, 7280); EchoServer s2 = Traffic.serve(server, 7281)) {
            probe(client, server, Protocol.TCP, 7280, true);
            probe(client, server, Protocol.TCP, 7281, false);
        }
    }

    /**
     * A set every provider must refuse: one that names an undeclared feature if there is one, otherwise one whose
     * compiled size exceeds any reasonable table (200k single-port rules).
     */
    protected PolicySet hugeOrUnsupportedSet() {
        if (!dataplane().capabilities().has(Capability.POLICY_SCTP)) {
            return PolicySet.of(Policy.builder("sctp").ingress(Rule.allow(List.of(), List.of(PortMatch.of(Protocol.SCTP, 1, 1)))).build());
        }
        List<PortMatch> ports = new java.util.ArrayList<>();
        for (int p = 1; p <= 65535; p += 2) {
            ports.add(PortMatch.tcp(p));
        }
        List<Peer> peers = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
            peers.add(Peer.cidr("10." + i + ".0.0/16"));
        }
        return PolicySet.of(Policy.builder("huge").ingress(Rule.allow(peers, ports)).build());
    }

    @Test
    public void required_S3_noGrandfathering_flowsDeniedByANewSetStopWithinOneSecond() throws Exception {
        Workload client = attachWorkload("pol-i1", "app", "client");
        Workload server = attachWorkload("pol-i2", "app", "db");
        try (EchoServer s = Traffic.serve(server, 7290);
             SocketChannel ch = client.netns().run(() -> SocketChannel.open(new java.net.InetSocketAddress(server.ipv4().toInetAddress(), 7290)))) {
            ch.socket().setSoTimeout(300);
            assertThat(echo(ch)).as("established before the new set").isTrue();
            dataplane().applyPolicies(PolicySet.of(Policy.builder("cut").selectLabels("app", "db")
                    .ingress(Rule.deny(List.of(Peer.labels("app", "client")), List.of())).build()));
            // A readiness check instead of a fixed 1 s sleep: poll the established flow until an echo no longer comes
            // back, for at most the 1 s the semantics allow; from then on it must stay stopped.
            boolean stopped = KitTimeouts.await(Duration.ofSeconds(1), () -> !echoWithin(ch, KitTimeouts.scaled(Duration.ofMillis(200))));
            assertThat(stopped).as("the established flow stops passing within 1 s of the apply").isTrue();
            assertThat(echoWithin(ch, KitTimeouts.scaled(Duration.ofMillis(800)))).as("the established flow stays stopped").isFalse();
        }
    }

    private static boolean echo(SocketChannel ch) {
        return echoWithin(ch, KitTimeouts.scaled(Duration.ofMillis(1500)));
    }

    private static boolean echoWithin(SocketChannel ch, Duration timeout) {
        try {
            return echoOrTimeout(ch, timeout);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean echoOrTimeout(SocketChannel ch, Duration timeout) throws java.io.IOException {
        ch.write(ByteBuffer.wrap("ping\n".getBytes()));
        ByteBuffer in = ByteBuffer.allocate(5);
        var stream = ch.socket().getInputStream();
        ch.socket().setSoTimeout((int) timeout.toMillis());
        try {
            int n = 0;
            while (n < 5) {
                int r = stream.read();
                if (r < 0) {
                    return false;
                }
                in.put((byte) r);
                n++;
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }

    @Test
    public void optional_S3_remoteEndpoints_registeredRemoteEndpointsMatchPeerSelectors() {
        requireCapability(Capability.REMOTE_ENDPOINTS);
        Workload server = attachWorkload("pol-j1", "app", "db");
        IpAddress remoteAddress = topology().outside().hosts().getFirst();
        IpAddress unregistered = topology().outside().hosts().get(1);
        dataplane().addRoute(new Route(dev.uniplane.tck.harness.Topology.OUTSIDE_V4,
                List.of(new NextHop.Gateway(topology().outside().gateways().getFirst(), 1))));
        dataplane().registerRemote(new RemoteEndpoint("remote-client", List.of(remoteAddress), dev.uniplane.api.Labels.of("app", "client")));
        dataplane().applyPolicies(PolicySet.of(Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7300)))).build()));
        try (EchoServer s = Traffic.serve(server, 7300)) {
            probe(topology().outside(), remoteAddress, server.ipv4(), Protocol.TCP, 7300, true);
            probe(topology().outside(), unregistered, server.ipv4(), Protocol.TCP, 7300, false);
        }
    }
}
