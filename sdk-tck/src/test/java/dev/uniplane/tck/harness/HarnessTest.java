package dev.uniplane.tck.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.IpAddress;
import dev.uniplane.linux.InterfaceAddress;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.tck.RequireAll;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The kit's own harness on real packets, without any provider: two workload namespaces joined by a plain veth, and the
 * node namespace routing to the outside namespace over the uplink the topology built.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HarnessTest {
    private Topology topology;
    private Workload a;
    private Workload b;
    private Host node;

    @BeforeAll
    void build() throws Exception {
        boolean root = Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
        RequireAll.prerequisite(root, "root privileges to create network namespaces");
        topology = Topology.create();
        a = topology.workload("a", false);
        b = topology.workload("b", false);
        try (RtNetlink nl = RtNetlink.open(a.netns())) {
            nl.createVethPair("eth0", "eth0", b.netns());
            nl.addAddress(nl.index("eth0"), InterfaceAddress.parse(a.ipv4() + "/16"));
            nl.setUp(nl.index("eth0"), true);
            nl.setUp(nl.index("lo"), true);
        }
        try (RtNetlink nl = RtNetlink.open(b.netns())) {
            nl.addAddress(nl.index("eth0"), InterfaceAddress.parse(b.ipv4() + "/16"));
            nl.setUp(nl.index("eth0"), true);
            nl.setUp(nl.index("lo"), true);
        }
        try (RtNetlink nl = RtNetlink.open(topology.node())) {
            nl.addRoute(RouteSpec.to("203.0.113.0/24").via("10.254.0.2").build());
        }
        node = new Host() {
            @Override
            public String name() {
                return "node";
            }

            @Override
            public NetNs netns() {
                return topology.node();
            }
        };
    }

    @AfterAll
    void cleanUp() {
        if (topology != null) {
            String prefix = topology.prefix();
            topology.close();
            assertThat(NetNs.exists(prefix + "-node")).as("node netns removed").isFalse();
            assertThat(NetNs.exists(prefix + "-w2")).as("workload netns removed").isFalse();
        }
    }

    @Test
    void tcpUdpAndPingAreDeliveredBetweenNamespaces() {
        try (EchoServer server = Traffic.serve(b, 9100)) {
            assertThat(Traffic.tcp(a, b.ipv4(), 9100).outcome()).isEqualTo(Outcome.DELIVERED);
            ProbeResult udp = Traffic.udp(a, b.ipv4(), 9100);
            assertThat(udp.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(udp.bytesSent()).isEqualTo(20 + 8 + ("probe " + udp.description()).length());
            assertThat(Traffic.ping(a, b.ipv4()).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(server.peers()).extracting(p -> ((InetSocketAddress) p).getAddress().getHostAddress())
                    .contains(a.ipv4().toString());
        }
    }

    @Test
    void sctpInitsAreAnsweredOnTheRespondersPortOnly() {
        try (SctpResponder server = Traffic.serveSctp(b, 9105)) {
            ProbeResult sctp = Traffic.sctp(a, b.ipv4(), 9105);
            assertThat(sctp.outcome()).as("%s", sctp).isEqualTo(Outcome.DELIVERED);
            assertThat(sctp.bytesSent()).as("IP header + SCTP common header + INIT chunk").isEqualTo(20 + 12 + 20);
            assertThat(Traffic.sctp(a, a.ipv4(), b.ipv4(), 9106, Duration.ofMillis(400)).outcome()).isEqualTo(Outcome.TIMED_OUT);
            assertThat(server.peers()).containsExactly(a.ipv4());
        }
    }

    @Test
    void closedPortsAreRefusedAndUnreachableAddressesTimeOut() {
        assertThat(Traffic.tcp(a, b.ipv4(), 9101).outcome()).isEqualTo(Outcome.REFUSED);
        ProbeResult lost = Traffic.udp(a, null, IpAddress.parse("10.100.77.77"), 9101, 0, Duration.ofMillis(400));
        assertThat(lost.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(Traffic.ping(a, IpAddress.parse("10.100.77.77"), Duration.ofMillis(400)).outcome()).isEqualTo(Outcome.TIMED_OUT);
    }

    @Test
    void theUplinkReachesTheOutsideHostsFromASourceAddress() {
        try (EchoServer outside = Traffic.serve(topology.outside(), 9102)) {
            assertThat(Traffic.tcp(node, IpAddress.parse("203.0.113.10"), 9102).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.ping(node, IpAddress.parse("203.0.113.11")).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.ping(node, IpAddress.parse("fd00:254::2")).outcome()).isEqualTo(Outcome.DELIVERED);
            // The outside namespace can also send from a specific outside host address.
            try (EchoServer onA = Traffic.serve(a, 9103)) {
                assertThat(Traffic.tcp(topology.outside(), IpAddress.parse("203.0.113.11"), IpAddress.parse("10.254.0.1"), 9104,
                        Duration.ofMillis(500)).outcome()).isEqualTo(Outcome.REFUSED);
            }
        }
    }
}
