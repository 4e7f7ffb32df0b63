package dev.uniplane.provider.bgp.internal.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.Direction;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.provider.bgp.internal.ffm.LibNftables;
import dev.uniplane.provider.bgp.internal.ffm.NftException;
import dev.uniplane.spi.BackendFailure;
import dev.uniplane.spi.policy.PolicyResolver;
import dev.uniplane.spi.policy.ResolvedPolicy;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Traffic;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link NftPolicyProgram} with real packets: a node namespace routing between three workload namespaces (veths,
 * link-local gateway), the policy enforced by nftables in the node namespace. Needs root and libnftables1.
 */
class NftPolicyProgramTest {
    private static final Duration SHORT = Duration.ofMillis(700);
    private static NftTestbed bed;
    private static NftTestbed.Workload a;
    private static NftTestbed.Workload b;
    private static NftTestbed.Workload c;
    private static NftPolicyProgram program;

    @BeforeAll
    static void topology() {
        RequireAll.prerequisite("root".equals(System.getProperty("user.name")), "root (network namespaces, nftables)");
        RequireAll.prerequisite(LibNftables.loadFailure().isEmpty(), LibNftables.loadFailure().orElse("") + " (apt-get install libnftables1)");
        bed = new NftTestbed();
        a = bed.workload(1, "app", "client");
        b = bed.workload(2, "app", "db");
        c = bed.workload(3, "app", "cache");
        program = NftPolicyProgram.create(bed.node, "ubnpolicy");
    }

    @AfterAll
    static void cleanUp() {
        if (program != null) {
            program.destroy();
            program.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    private static ResolvedPolicy resolve(PolicySet set) {
        return PolicyResolver.resolve(set, bed.policyEndpoints(), List.<RemoteEndpoint>of());
    }

    private static void apply(Policy... policies) {
        program.apply(resolve(PolicySet.of(policies)), bed.endpoints());
    }

    private static Outcome udp(NftTestbed.Workload from, IpAddress to, int port) {
        return Traffic.udp(from, null, to, port, 0, SHORT).outcome();
    }

    private static Outcome tcp(NftTestbed.Workload from, IpAddress to, int port) {
        return Traffic.tcp(from, null, to, port, SHORT).outcome();
    }

    @Test
    void withoutPoliciesEverythingRoutesInBothFamilies() {
        apply();
        try (EchoServer s = Traffic.serve(b, 7100)) {
            assertThat(tcp(a, b.v4(), 7100)).isEqualTo(Outcome.DELIVERED);
            assertThat(tcp(a, b.v6(), 7100)).isEqualTo(Outcome.DELIVERED);
            assertThat(udp(c, b.v4(), 7100)).isEqualTo(Outcome.DELIVERED);
        }
    }

    @Test
    void allowedPortPassesDeniedPortIsDeniedOthersAreDefaultDeniedAndCountersSayWhich() {
        apply(Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.udp(7310))),
                        Rule.deny(List.of(Peer.labels("app", "client")), List.of(PortMatch.udp(7311))))
                .build());
        try (EchoServer s = Traffic.serve(b, 7310); EchoServer s2 = Traffic.serve(b, 7311)) {
            NftCounters before = program.counters();
            for (int i = 0; i < 3; i++) {
                assertThat(udp(a, b.v4(), 7310)).isEqualTo(Outcome.DELIVERED);
            }
            for (int i = 0; i < 2; i++) {
                assertThat(udp(a, b.v4(), 7311)).isEqualTo(Outcome.TIMED_OUT);
            }
            assertThat(udp(a, b.v4(), 7312)).isEqualTo(Outcome.TIMED_OUT);
            assertThat(udp(c, b.v4(), 7310)).as("not a client").isEqualTo(Outcome.TIMED_OUT);
            assertThat(udp(a, b.v6(), 7310)).as("IPv6 follows the same policy").isEqualTo(Outcome.DELIVERED);
            NftCounters after = program.counters();
            RuleRef allow = new RuleRef("db-in", Direction.INGRESS, 0);
            RuleRef deny = new RuleRef("db-in", Direction.INGRESS, 1);
            assertThat(after.packets(allow) - before.packets(allow)).isEqualTo(4);
            assertThat(after.packets(deny) - before.packets(deny)).isEqualTo(2);
            assertThat(after.rules().get(allow).getFirst().action()).isEqualTo(dev.uniplane.api.Action.ALLOW);
            assertThat(after.rules().get(deny).getFirst().action()).isEqualTo(dev.uniplane.api.Action.DENY);
            EndpointId db = EndpointId.of(b.name());
            assertThat(after.drops(db, DropReason.POLICY_DENIED) - before.drops(db, DropReason.POLICY_DENIED)).isEqualTo(2);
            assertThat(after.drops(db, DropReason.POLICY_DEFAULT_DENY) - before.drops(db, DropReason.POLICY_DEFAULT_DENY)).isEqualTo(2);
            assertThat(after.drops(EndpointId.of(a.name()), DropReason.POLICY_DENIED)).as("drops count at the endpoint that dropped").isZero();
        }
    }

    @Test
    void ruleCountersRestartAtEveryApplyWhileDropCountersGoOn() {
        Policy closed = Policy.builder("db-closed").selectLabels("app", "db").ingress(Rule.deny(List.of(), List.of(PortMatch.udp(7110)))).build();
        apply(closed);
        EndpointId db = EndpointId.of(b.name());
        long dropsBefore = program.counters().drops(db, DropReason.POLICY_DENIED);
        assertThat(udp(a, b.v4(), 7110)).isEqualTo(Outcome.TIMED_OUT);
        RuleRef deny = new RuleRef("db-closed", Direction.INGRESS, 0);
        assertThat(program.counters().packets(deny)).isEqualTo(1);
        apply(closed);
        assertThat(program.counters().packets(deny)).as("rule counters start at apply").isZero();
        assertThat(program.counters().drops(db, DropReason.POLICY_DENIED)).as("endpoint counters go on").isEqualTo(dropsBefore + 1);
    }

    @Test
    void denyOverridesAllowWhateverThePolicyOrder() {
        apply(Policy.builder("a-allow-all").selectLabels("app", "db").ingress(Rule.allowAll()).build(),
                Policy.builder("z-deny-client").selectLabels("app", "db")
                        .ingress(Rule.deny(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7120)))).build());
        try (EchoServer s = Traffic.serve(b, 7120)) {
            assertThat(tcp(a, b.v4(), 7120)).isEqualTo(Outcome.TIMED_OUT);
            assertThat(tcp(c, b.v4(), 7120)).isEqualTo(Outcome.DELIVERED);
        }
    }

    @Test
    void repliesOfAnAllowedFlowPassWithoutReevaluationButTheReverseFlowIsDenied() {
        apply(Policy.builder("client-closed").selectLabels("app", "client").ingress().build());
        try (EchoServer s = Traffic.serve(b, 7130); EchoServer s2 = Traffic.serve(a, 7130)) {
            assertThat(tcp(a, b.v4(), 7130)).as("client to db, replies included").isEqualTo(Outcome.DELIVERED);
            assertThat(udp(a, b.v6(), 7130)).as("UDP replies too").isEqualTo(Outcome.DELIVERED);
            assertThat(tcp(b, a.v4(), 7130)).as("db to the isolated client").isEqualTo(Outcome.TIMED_OUT);
            assertThat(Traffic.ping(a, b.v4(), SHORT).outcome()).as("echo replies").isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.ping(b, a.v4(), SHORT).outcome()).isEqualTo(Outcome.TIMED_OUT);
        }
    }

    @Test
    void egressIsolationAppliesAtTheSender() {
        apply(Policy.builder("client-out").selectLabels("app", "client")
                .egress(Rule.allow(List.of(Peer.labels("app", "db")), List.of(PortMatch.any(Protocol.TCP)))).build());
        try (EchoServer s = Traffic.serve(b, 7140); EchoServer s2 = Traffic.serve(c, 7140)) {
            NftCounters before = program.counters();
            assertThat(tcp(a, b.v4(), 7140)).isEqualTo(Outcome.DELIVERED);
            assertThat(tcp(a, c.v4(), 7140)).isEqualTo(Outcome.TIMED_OUT);
            assertThat(udp(a, b.v4(), 7140)).as("TCP only").isEqualTo(Outcome.TIMED_OUT);
            EndpointId client = EndpointId.of(a.name());
            assertThat(program.counters().drops(client, DropReason.POLICY_DEFAULT_DENY) - before.drops(client, DropReason.POLICY_DEFAULT_DENY))
                    .as("egress drops count at the sender").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void cidrPeersWithExceptAndPortRanges() {
        apply(Policy.builder("range-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.cidr("10.77.0.0/24", "10.77.0.1/32"), Peer.cidr("fd77::/64")),
                        List.of(PortMatch.of(Protocol.TCP, 7150, 7159), PortMatch.of(Protocol.ANY, 7170, 7171), PortMatch.any(Protocol.ICMP))))
                .build());
        try (EchoServer s = Traffic.serve(b, 7155); EchoServer s2 = Traffic.serve(b, 7160); EchoServer s3 = Traffic.serve(b, 7171)) {
            assertThat(tcp(c, b.v4(), 7155)).as("inside the CIDR and the range").isEqualTo(Outcome.DELIVERED);
            assertThat(tcp(c, b.v4(), 7160)).as("outside the range").isEqualTo(Outcome.TIMED_OUT);
            assertThat(udp(c, b.v4(), 7171)).as("ANY with a range: UDP too").isEqualTo(Outcome.DELIVERED);
            assertThat(tcp(a, b.v4(), 7155)).as("the except").isEqualTo(Outcome.TIMED_OUT);
            assertThat(tcp(a, b.v6(), 7155)).as("the IPv6 CIDR has no except").isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.ping(c, b.v4(), SHORT).outcome()).as("ICMP without ports").isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.ping(a, b.v4(), SHORT).outcome()).isEqualTo(Outcome.TIMED_OUT);
        }
    }

    @Test
    void aSpoofedSourceIsDroppedAsInvalidAtTheSender() {
        apply();
        String spoofed = "10.77.0.99";
        NftTestbed.sh("ip", "-n", a.name(), "addr", "add", spoofed + "/32", "dev", "eth0");
        try (EchoServer s = Traffic.serve(b, 7180)) {
            EndpointId client = EndpointId.of(a.name());
            long before = program.counters().drops(client, DropReason.INVALID);
            assertThat(Traffic.udp(a, IpAddress.parse(spoofed), b.v4(), 7180, 0, SHORT).outcome()).isEqualTo(Outcome.TIMED_OUT);
            assertThat(udp(a, b.v4(), 7180)).as("its own address").isEqualTo(Outcome.DELIVERED);
            assertThat(program.counters().drops(client, DropReason.INVALID) - before).isEqualTo(1);
        } finally {
            NftTestbed.sh("ip", "-n", a.name(), "addr", "del", spoofed + "/32", "dev", "eth0");
        }
    }

    @Test
    void aFailedApplyLeavesTheOldRulesetInForce() {
        apply(Policy.builder("db-in").selectLabels("app", "db").ingress(Rule.allow(List.of(), List.of(PortMatch.tcp(7190)))).build());
        String before = program.listing();
        ResolvedPolicy other = resolve(PolicySet.of(Policy.builder("db-open").selectLabels("app", "db").ingress(Rule.allowAll()).build()));
        assertThatThrownBy(() -> program.apply(other, bed.endpoints(), commands -> {
            List<Object> broken = new ArrayList<>(commands);
            broken.add(NftRuleset.o("add", NftRuleset.o("rule", NftRuleset.o("family", "inet", "table", "ubnpolicy", "chain", "forward",
                    "expr", List.of(NftRuleset.o("jump", NftRuleset.o("target", "no-such-chain")))))));
            return broken;
        })).isInstanceOf(NftException.class).isInstanceOf(BackendFailure.class)
                .satisfies(e -> assertThat(((NftException) e).nftError()).isNotBlank());
        assertThat(program.listing()).as("the table as it was").isEqualTo(before);
        try (EchoServer s = Traffic.serve(b, 7190); EchoServer s2 = Traffic.serve(b, 7191)) {
            assertThat(tcp(c, b.v4(), 7190)).isEqualTo(Outcome.DELIVERED);
            assertThat(tcp(c, b.v4(), 7191)).as("the old set still isolates").isEqualTo(Outcome.TIMED_OUT);
        }
    }

    @Test
    void anEstablishedFlowThatANewSetDeniesStops() throws Exception {
        apply();
        try (EchoServer s = Traffic.serve(b, 7200);
             SocketChannel ch = a.netns().run(() -> SocketChannel.open(new InetSocketAddress(b.v4().toInetAddress(), 7200)))) {
            assertThat(echo(ch)).as("established before the new set").isTrue();
            apply(Policy.builder("cut").selectLabels("app", "db").ingress(Rule.deny(List.of(Peer.labels("app", "client")), List.of())).build());
            assertThat(echo(ch)).as("the next packet takes the new set").isFalse();
            apply(Policy.builder("keep").selectLabels("app", "db").ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of())).build());
            try (SocketChannel ch2 = a.netns().run(() -> SocketChannel.open(new InetSocketAddress(b.v4().toInetAddress(), 7200)))) {
                assertThat(echo(ch2)).isTrue();
                apply(Policy.builder("keep").selectLabels("app", "db").ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of())).build(),
                        Policy.builder("other").selectLabels("app", "cache").ingress().build());
                assertThat(echo(ch2)).as("a flow the new set still allows goes on").isTrue();
            }
        }
    }

    @Test
    void afterAnApplyARepliesFirstFlowGoesOnIfItsOriginalDirectionIsStillAllowed() throws Exception {
        Policy clientClosed = Policy.builder("client-closed").selectLabels("app", "client").ingress().build();
        apply(clientClosed);
        InetSocketAddress server = new InetSocketAddress(b.v4().toInetAddress(), 7220);
        try (ServerSocketChannel listener = b.netns().run(() -> ServerSocketChannel.open().bind(server));
             SocketChannel client = a.netns().run(() -> SocketChannel.open(server));
             SocketChannel accepted = listener.accept()) {
            assertThat(push(accepted, client)).as("the server pushes to the isolated client over the client's flow").isTrue();
            apply(clientClosed, Policy.builder("other").selectLabels("app", "cache").ingress().build());
            assertThat(push(accepted, client)).as("after an apply, before the client sends anything: re-checked as client to server").isTrue();
            apply(clientClosed, Policy.builder("db-in").selectLabels("app", "db").ingress(Rule.deny(List.of(Peer.labels("app", "client")), List.of())).build());
            assertThat(push(accepted, client)).as("the new set denies the flow's original direction").isFalse();
        }
    }

    /** Writes 5 bytes on {@code from} and reads them on {@code to}. */
    private static boolean push(SocketChannel from, SocketChannel to) throws java.io.IOException {
        from.write(ByteBuffer.wrap("push\n".getBytes()));
        return read5(to);
    }

    private static boolean read5(SocketChannel ch) throws java.io.IOException {
        ch.socket().setSoTimeout((int) Duration.ofMillis(1500).toMillis());
        var in = ch.socket().getInputStream();
        try {
            for (int n = 0; n < 5; n++) {
                if (in.read() < 0) {
                    return false;
                }
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }

    private static boolean echo(SocketChannel ch) throws java.io.IOException {
        ch.write(ByteBuffer.wrap("ping\n".getBytes()));
        ch.socket().setSoTimeout((int) Duration.ofMillis(1500).toMillis());
        var in = ch.socket().getInputStream();
        try {
            for (int n = 0; n < 5; n++) {
                if (in.read() < 0) {
                    return false;
                }
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }

    @Test
    void adoptReadsTheTableAndItsCountersWithoutChangingIt() {
        apply(Policy.builder("db-in").selectLabels("app", "db").ingress(Rule.allow(List.of(), List.of(PortMatch.udp(7210)))).build());
        try (EchoServer s = Traffic.serve(b, 7210)) {
            assertThat(udp(c, b.v4(), 7210)).isEqualTo(Outcome.DELIVERED);
        }
        String before = program.listing();
        try (NftPolicyProgram adopted = NftPolicyProgram.adopt(bed.node, "ubnpolicy")) {
            assertThat(adopted.listing()).isEqualTo(before);
            assertThat(adopted.counters().packets(new RuleRef("db-in", Direction.INGRESS, 0))).isEqualTo(1);
            assertThat(adopted.counters().drops().keySet()).contains(EndpointId.of(a.name()), EndpointId.of(b.name()), EndpointId.of(c.name()));
        }
        assertThat(NftPolicyProgram.exists(bed.node, "ubnpolicy")).isTrue();
        assertThatThrownBy(() -> NftPolicyProgram.adopt(bed.node, "ubnnosuch")).isInstanceOf(NftException.class)
                .satisfies(e -> assertThat(((NftException) e).errorCode()).isEqualTo("ENOENT"));
    }

    @Test
    void destroyRemovesTheTable() {
        NftPolicyProgram extra = NftPolicyProgram.create(bed.node, "ubnextra");
        assertThat(NftPolicyProgram.exists(bed.node, "ubnextra")).isTrue();
        extra.destroy();
        assertThat(NftPolicyProgram.exists(bed.node, "ubnextra")).isFalse();
    }
}
