package dev.uniplane.provider.vpp.internal.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.provider.vpp.internal.LiveVpp;
import dev.uniplane.provider.vpp.internal.LiveVpp.Workload;
import dev.uniplane.provider.vpp.internal.wire.Messages;
import dev.uniplane.provider.vpp.internal.wire.VppApiException;
import dev.uniplane.spi.BackendFailure;
import dev.uniplane.spi.policy.PolicyEndpoint;
import dev.uniplane.spi.policy.PolicyResolver;
import dev.uniplane.spi.policy.ResolvedPolicy;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.KitTimeouts;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.ProbeResult;
import dev.uniplane.tck.harness.Traffic;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link AclProgram} against the real VPP with real packets: two workloads (client {@code 10.77.1.2}, server
 * {@code 10.77.2.2}, each also IPv6) on veth + af_packet, routed by VPP, policed by the ACL plugin.
 */
class AclProgramVppTest {
    private static final Labels CLIENT = Labels.of("app", "client");
    private static final Labels DB = Labels.of("app", "db");
    private static LiveVpp vpp;
    private static Workload client;
    private static Workload server;
    private static AclProgram program;

    @BeforeAll
    static void start() throws Exception {
        vpp = LiveVpp.start();
        try {
            client = vpp.attach("c", 1);
            server = vpp.attach("s", 2);
            program = new AclProgram(vpp.client(), vpp.statsSocket());
        } catch (Throwable e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (vpp != null) {
            vpp.close();
            vpp = null;
        }
    }

    @AfterEach
    void clear() {
        if (program != null) {
            program.clear();
        }
    }

    private static List<AclEndpoint> endpoints() {
        return List.of(new AclEndpoint(EndpointId.of("client"), client.swIfIndex(), List.of(client.ipv4(), client.ipv6())),
                new AclEndpoint(EndpointId.of("server"), server.swIfIndex(), List.of(server.ipv4(), server.ipv6())));
    }

    private static ResolvedPolicy resolve(PolicySet set) {
        return PolicyResolver.resolve(set, List.of(
                new PolicyEndpoint(0, CLIENT, List.of(client.ipv4(), client.ipv6())),
                new PolicyEndpoint(1, DB, List.of(server.ipv4(), server.ipv6()))), List.of());
    }

    private static void apply(Policy... policies) {
        program.apply(resolve(PolicySet.of(policies)), endpoints());
    }

    private static void expect(ProbeResult result, boolean delivered) {
        assertThat(result.outcome()).as("%s", result).isEqualTo(delivered ? Outcome.DELIVERED : Outcome.TIMED_OUT);
    }

    private static long rule(AclCounters counters, String policy, Direction direction, int index) {
        List<RuleStats> stats = counters.rules().get(new RuleRef(policy, direction, index));
        assertThat(stats).as("counters of %s", policy).hasSize(1);
        return stats.getFirst().packets();
    }

    private static long drops(AclCounters counters, String endpoint, DropReason reason) {
        return counters.drops().get(EndpointId.of(endpoint)).get(reason);
    }

    @Test
    void allowedPortPassesOthersAreDeniedAndEveryNewFlowIsCountedOnce() {
        List<Peer> fromClient = List.of(Peer.labels("app", "client"));
        // TCP stays allowed: a late segment of an earlier test's connection must not count as a default deny here.
        apply(Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(fromClient, List.of(PortMatch.udp(7310))), Rule.deny(fromClient, List.of(PortMatch.udp(7311))),
                        Rule.allow(fromClient, List.of(PortMatch.any(Protocol.TCP))))
                .build());
        try (EchoServer s = Traffic.serve(server, 7310); EchoServer s2 = Traffic.serve(server, 7311);
             EchoServer s3 = Traffic.serve(server, 7312)) {
            AclCounters before = program.counters();
            for (int i = 0; i < 3; i++) {
                expect(Traffic.udp(client, server.ipv4(), 7310), true);
            }
            for (int i = 0; i < 2; i++) {
                expect(Traffic.udp(client, server.ipv4(), 7311), false);
            }
            expect(Traffic.udp(client, server.ipv4(), 7312), false);
            AclCounters after = program.counters();

            assertThat(rule(after, "db-in", Direction.INGRESS, 0) - rule(before, "db-in", Direction.INGRESS, 0)).isEqualTo(3);
            assertThat(rule(after, "db-in", Direction.INGRESS, 1) - rule(before, "db-in", Direction.INGRESS, 1)).isEqualTo(2);
            assertThat(after.rules().get(new RuleRef("db-in", Direction.INGRESS, 1)).getFirst().action()).isEqualTo(Action.DENY);
            assertThat(drops(after, "server", DropReason.POLICY_DENIED) - drops(before, "server", DropReason.POLICY_DENIED))
                    .isEqualTo(2);
            assertThat(drops(after, "server", DropReason.POLICY_DEFAULT_DENY)
                    - drops(before, "server", DropReason.POLICY_DEFAULT_DENY)).isEqualTo(1);
            assertThat(drops(after, "client", DropReason.POLICY_DENIED)).isZero();
        }
    }

    @Test
    void denyOverridesAllowWhateverTheOrder() {
        Rule deny7210 = Rule.deny(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7210)));
        try (EchoServer s = Traffic.serve(server, 7210); EchoServer s2 = Traffic.serve(server, 7211)) {
            apply(Policy.builder("allow-first").selectLabels("app", "db").ingress(Rule.allowAll()).build(),
                    Policy.builder("deny-second").selectLabels("app", "db").ingress(deny7210).build());
            expect(Traffic.tcp(client, server.ipv4(), 7210), false);
            expect(Traffic.tcp(client, server.ipv4(), 7211), true);
            apply(Policy.builder("deny-first").selectLabels("app", "db").ingress(deny7210).build(),
                    Policy.builder("allow-second").selectLabels("app", "db").ingress(Rule.allowAll()).build());
            expect(Traffic.tcp(client, server.ipv4(), 7210), false);
            expect(Traffic.tcp(client, server.ipv4(), 7211), true);
            assertThat(rule(program.counters(), "deny-first", Direction.INGRESS, 0)).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void repliesOfAllowedFlowsPassAnIsolatedIngressAlsoOverIpv6() {
        apply(Policy.builder("client-closed").selectLabels("app", "client").ingress().build());
        try (EchoServer s = Traffic.serve(server, 7240); EchoServer c = Traffic.serve(client, 7241)) {
            expect(Traffic.tcp(client, server.ipv4(), 7240), true);
            expect(Traffic.udp(client, server.ipv4(), 7240), true);
            expect(Traffic.ping(client, server.ipv4()), true);
            expect(Traffic.tcp(client, server.ipv6(), 7240), true); // neighbour discovery passes the ACLs
            expect(Traffic.ping(client, server.ipv6()), true);
            expect(Traffic.tcp(server, client.ipv4(), 7241), false);
            expect(Traffic.tcp(server, client.ipv6(), 7241), false);
            assertThat(drops(program.counters(), "client", DropReason.POLICY_DEFAULT_DENY)).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void egressIsolationAppliesAtTheSenderAndPortRangesMatchEveryPortInside() {
        apply(Policy.builder("client-out").selectLabels("app", "client")
                        .egress(Rule.allow(List.of(Peer.labels("app", "db")), List.of(PortMatch.of(Protocol.ANY, 7260, 7269))))
                        .build());
        try (EchoServer s1 = Traffic.serve(server, 7260); EchoServer s2 = Traffic.serve(server, 7269);
             EchoServer s3 = Traffic.serve(server, 7270); EchoServer c = Traffic.serve(client, 7231)) {
            expect(Traffic.tcp(client, server.ipv4(), 7260), true);
            expect(Traffic.udp(client, server.ipv4(), 7269), true);
            expect(Traffic.tcp(client, server.ipv4(), 7270), false);
            expect(Traffic.ping(client, server.ipv4()), false);
            // The server is not isolated and the client's ingress is open: a new flow server -> client passes.
            expect(Traffic.tcp(server, client.ipv4(), 7231), true);
            assertThat(drops(program.counters(), "client", DropReason.POLICY_DEFAULT_DENY)).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aWorkloadCannotSendFromAnAddressItDoesNotOwn() {
        apply();
        IpAddress foreign = IpAddress.parse("10.77.1.99");
        try (var nl = dev.uniplane.linux.RtNetlink.open(client.netns())) {
            nl.addAddress(nl.index("eth0"), dev.uniplane.linux.InterfaceAddress.host(foreign));
        }
        try (EchoServer s = Traffic.serve(server, 7250)) {
            AclCounters before = program.counters();
            expect(Traffic.udp(client, foreign, server.ipv4(), 7250, 0, Traffic.TIMEOUT), false);
            expect(Traffic.udp(client, client.ipv4(), server.ipv4(), 7250, 0, Traffic.TIMEOUT), true);
            assertThat(drops(program.counters(), "client", DropReason.INVALID) - drops(before, "client", DropReason.INVALID))
                    .isEqualTo(1);
        }
    }

    @Test
    void aFailedApplyLeavesTheOldPolicyInForce() throws Exception {
        Policy good = Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7280)))).build();
        apply(good);
        List<Integer> inForce = program.aclIndexes();
        String aclsBefore = vpp.client().call(new Messages.CliInband("show acl-plugin acl"));
        // The new set would open everything, but the second endpoint's interface does not exist: the client's
        // interface is switched first, then the server's fails, and the client must get its old ACLs back.
        ResolvedPolicy open = resolve(PolicySet.empty());
        List<AclEndpoint> broken = List.of(endpoints().get(0),
                new AclEndpoint(EndpointId.of("server"), 4000, List.of(server.ipv4())));

        assertThatThrownBy(() -> program.apply(open, broken)).isInstanceOf(VppApiException.class)
                .isInstanceOf(BackendFailure.class).hasMessageContaining("acl_interface_set_acl_list");

        assertThat(program.aclIndexes()).isEqualTo(inForce);
        assertThat(vpp.client().call(new Messages.CliInband("show acl-plugin acl"))).isEqualTo(aclsBefore);
        assertThat(vpp.client().call(new Messages.CliInband("show acl-plugin interface sw_if_index " + client.swIfIndex())))
                .contains("input acl(s): " + inForce.get(0)).contains("output acl(s): " + inForce.get(1));
        try (EchoServer s = Traffic.serve(server, 7280); EchoServer s2 = Traffic.serve(server, 7281)) {
            expect(Traffic.tcp(client, server.ipv4(), 7280), true);
            expect(Traffic.tcp(client, server.ipv4(), 7281), false);
        }
    }

    @Test
    void flowsDeniedByANewSetStopWithinOneSecond() throws Exception {
        apply();
        try (EchoServer s = Traffic.serve(server, 7290);
             SocketChannel ch = client.netns().run(() -> SocketChannel.open(new InetSocketAddress(server.ipv4().toInetAddress(), 7290)))) {
            EchoProbe flow = new EchoProbe(ch);
            assertThat(flow.answered(KitTimeouts.scaled(Duration.ofMillis(1500)))).as("established before the new set").isTrue();
            apply(Policy.builder("cut").selectLabels("app", "db")
                    .ingress(Rule.deny(List.of(Peer.labels("app", "client")), List.of())).build());
            boolean stopped = KitTimeouts.await(Duration.ofSeconds(1), () -> !flow.answered(KitTimeouts.scaled(Duration.ofMillis(200))));
            assertThat(stopped).as("the established flow stops passing within 1 s of the apply").isTrue();
            // a fresh probe: a late echo of one sent in the first second (allowed to pass) does not count for it
            assertThat(flow.answered(KitTimeouts.scaled(Duration.ofMillis(800)))).as("and stays stopped").isFalse();
            // Open again before the close, so that the connection ends cleanly instead of retransmitting into the
            // next test's counters.
            apply();
            assertThat(KitTimeouts.await(Duration.ofSeconds(5), () -> flow.answered(Duration.ofMillis(500)))).isTrue();
        }
    }

    /**
     * Numbered probes over one TCP connection to an echo server: {@link #answered} sends a new number and waits for
     * that number to come back, skipping echoes of earlier probes. Under load an echo can arrive after its probe timed
     * out; counting it as the answer to the next probe would say the flow passes when that probe did not.
     */
    private static final class EchoProbe {
        private static final int LENGTH = 8; // "%07d\n"
        private final SocketChannel ch;
        private final byte[] record = new byte[LENGTH];
        private int filled; // bytes of a partly read echo, kept across probes so the stream stays aligned
        private int sent;

        EchoProbe(SocketChannel ch) {
            this.ch = ch;
        }

        boolean answered(Duration timeout) {
            int probe = ++sent;
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                ch.write(ByteBuffer.wrap(String.format("%07d\n", probe).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                InputStream in = ch.socket().getInputStream();
                while (true) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        return false;
                    }
                    ch.socket().setSoTimeout((int) left);
                    int b = in.read();
                    if (b < 0) {
                        return false;
                    }
                    record[filled++] = (byte) b;
                    if (filled == LENGTH) {
                        filled = 0;
                        if (Integer.parseInt(new String(record, 0, LENGTH - 1, java.nio.charset.StandardCharsets.US_ASCII)) == probe) {
                            return true;
                        }
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Why AclEncoding treats SCTP port ranges fail-closed: the plugin's 5-tuple carries port 0 for SCTP. */
    @Test
    void theAclPluginSeesNoSctpPorts() throws Exception {
        var api = vpp.client();
        Messages.Prefix any4 = Messages.Prefix.any(false);
        List<Integer> created = new java.util.ArrayList<>();
        try (var s = Traffic.serveSctp(server, 7340)) {
            for (int port : new int[] {7340, 0}) {
                int acl = api.call(new Messages.AclAddReplace(Messages.ALL_ONES, "uva-sctp", List.of(
                        new Messages.AclRule(Messages.ACL_PERMIT_REFLECT, any4, any4, 132, 0, 0xffff, port, port, 0, 0),
                        Messages.AclRule.of(Messages.ACL_PERMIT_REFLECT, any4, any4, 6),
                        Messages.AclRule.of(Messages.ACL_DENY, any4, any4, 0))));
                created.add(acl);
                api.call(new Messages.AclInterfaceSetAclList(server.swIfIndex(), List.of(), List.of(acl)));
                expect(Traffic.sctp(client, server.ipv4(), 7340), port == 0);
            }
        } finally {
            api.call(new Messages.AclInterfaceSetAclList(server.swIfIndex(), List.of(), List.of()));
            for (int acl : created) {
                api.call(new Messages.AclDel(acl));
            }
        }
    }

    @Test
    void clearDeletesEveryAclItCreated() throws Exception {
        apply(Policy.builder("isolate").selectLabels("app", "db").ingress().build());
        assertThat(vpp.client().call(new Messages.CliInband("show acl-plugin acl"))).contains("uniplane server in");
        program.clear();
        assertThat(vpp.client().call(new Messages.CliInband("show acl-plugin acl"))).doesNotContain("uniplane");
        try (EchoServer s = Traffic.serve(server, 7220)) {
            expect(Traffic.tcp(client, server.ipv4(), 7220), true);
        }
    }

    @Test
    void reapplyAfterAVppRestartPutsThePolicyBackAndCountersStayMonotonic() throws Exception {
        apply(Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.udp(7300)))).build());
        try (EchoServer s = Traffic.serve(server, 7300); EchoServer s2 = Traffic.serve(server, 7301)) {
            long before = rule(program.counters(), "db-in", Direction.INGRESS, 0); // other tests' db-in counted too
            long defaultDenied = drops(program.counters(), "server", DropReason.POLICY_DEFAULT_DENY);
            expect(Traffic.udp(client, server.ipv4(), 7300), true);
            long counted = rule(program.counters(), "db-in", Direction.INGRESS, 0);
            assertThat(counted).isEqualTo(before + 1);

            List<Workload> again = vpp.restart();
            client = again.get(0);
            server = again.get(1);
            long started = System.nanoTime();
            program.reapply(vpp.client(), endpoints());
            System.out.printf("reapply after restart: %d ms%n", (System.nanoTime() - started) / 1_000_000);

            assertThat(rule(program.counters(), "db-in", Direction.INGRESS, 0)).isEqualTo(counted);
            expect(Traffic.udp(client, server.ipv4(), 7300), true);
            expect(Traffic.udp(client, server.ipv4(), 7301), false);
            assertThat(rule(program.counters(), "db-in", Direction.INGRESS, 0)).isEqualTo(counted + 1);
            assertThat(drops(program.counters(), "server", DropReason.POLICY_DEFAULT_DENY)).isEqualTo(defaultDenied + 1);
        }
    }
}
