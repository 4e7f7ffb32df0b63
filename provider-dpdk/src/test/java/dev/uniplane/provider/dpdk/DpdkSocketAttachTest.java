package dev.uniplane.provider.dpdk;

import dev.uniplane.tck.harness.DataplaneOnTopology;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.Rule;
import dev.uniplane.provider.dpdk.internal.Prerequisites;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import dev.uniplane.provider.dpdk.internal.host.SocketAttachment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MEMIF and VHOST_USER endpoints with a second DPDK process as the workload: {@code dpdk-testpmd} in icmpecho mode
 * connects as memif client / virtio-user to the endpoint's socket with the endpoint's MAC, and a veth workload pings it
 * through the router. Policy applies to it like to any endpoint; detach removes the vdev and the socket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DpdkSocketAttachTest {
    private static final Logger LOG = LoggerFactory.getLogger(DpdkSocketAttachTest.class);
    private static final Duration LINK_DEADLINE = Duration.ofSeconds(20);
    private DataplaneOnTopology fixture;
    private Topology topology;
    private Dataplane dataplane;
    private Workload pinger;

    @BeforeAll
    void open() {
        Prerequisites.root();
        Prerequisites.dpdkLibraries();
        Prerequisites.commands("dpdk-testpmd", "ip");
        fixture = DataplaneOnTopology.open(new DpdkProvider(), false, c -> c);
        topology = fixture.topology;
        dataplane = fixture.dataplane;
        pinger = topology.workload("pinger", false, "app", "pinger");
        dataplane.attach(pinger.spec());
    }

    @AfterAll
    void close() {
        if (fixture != null) {
            fixture.close();
            assertThat(SocketAttachment.directory(topology.prefix())).as("the dataplane's socket directory after destroy").doesNotExist();
        }
    }

    @Test
    void memifWorkloadAnswersPingsAndPolicyApplies() {
        Workload memif = topology.workload("memif-w", false, List.of(AttachKind.MEMIF), "app", "dpdk");
        Endpoint endpoint = dataplane.attach(memif.spec());
        Path socket = Path.of(endpoint.hostInterface());
        assertThat(endpoint.kind()).isEqualTo(AttachKind.MEMIF);
        assertThat(socket).isEqualTo(Path.of("/run/uniplane/dpdk", topology.prefix(), "memif-w.memif.sock"));
        assertThat(endpoint.gatewayMac()).isEqualTo(DpdkDataplane.GATEWAY_MAC);
        assertThat(Files.exists(socket)).as("memif server socket %s", socket).isTrue();
        try (Testpmd workload = Testpmd.start(memif.netns().name(), "net_memif0,role=client,id=0,socket=" + socket
                + ",socket-abstract=no,mac=" + endpoint.mac())) {
            awaitFirstReply(memif, workload);
            for (int i = 0; i < 5; i++) {
                assertThat(Traffic.ping(pinger, memif.ipv4()).outcome()).as("ping %d after the link came up", i).isEqualTo(Outcome.DELIVERED);
            }
            EndpointStats stats = dataplane.stats().endpoint(endpoint.id());
            assertThat(stats.rxPackets()).as("echo requests delivered to the memif workload").isGreaterThanOrEqualTo(6);
            assertThat(stats.txPackets()).as("echo replies from the memif workload").isGreaterThanOrEqualTo(6);
            assertThat(stats.rxBytes()).as("L2 bytes: Ethernet + IPv4 + ICMP headers at least").isGreaterThanOrEqualTo(stats.rxPackets() * (14 + 20 + 8));

            dataplane.applyPolicies(PolicySet.of(Policy.builder("no-pings").selectLabels("app", "dpdk")
                    .ingress(Rule.deny(List.of(Peer.labels("app", "pinger")), List.of())).build()));
            assertThat(Traffic.ping(pinger, memif.ipv4()).outcome()).as("ping under a deny rule").isEqualTo(Outcome.TIMED_OUT);
            assertThat(dataplane.stats().endpoint(endpoint.id()).drops(DropReason.POLICY_DENIED)).isGreaterThanOrEqualTo(1);
            dataplane.applyPolicies(PolicySet.empty());
            assertThat(Traffic.ping(pinger, memif.ipv4()).outcome()).as("ping after the deny rule is gone").isEqualTo(Outcome.DELIVERED);

            dataplane.detach(endpoint.id()); // while testpmd is still connected
            assertThat(socket).as("socket after detach").doesNotExist();
        } finally {
            if (dataplane.endpoint(endpoint.id()).isPresent()) {
                dataplane.detach(endpoint.id());
            }
        }
        assertThat(Traffic.ping(pinger, memif.ipv4()).outcome()).as("ping after detach").isNotEqualTo(Outcome.DELIVERED);
    }

    @Test
    void vhostUserWorkloadAnswersPings() {
        Workload vhost = topology.workload("vhost-w", false, List.of(AttachKind.VHOST_USER), "app", "vm");
        Endpoint endpoint = dataplane.attach(vhost.spec());
        Path socket = Path.of(endpoint.hostInterface());
        assertThat(endpoint.kind()).isEqualTo(AttachKind.VHOST_USER);
        assertThat(socket).isEqualTo(Path.of("/run/uniplane/dpdk", topology.prefix(), "vhost-w.vhost.sock"));
        assertThat(Files.exists(socket)).as("vhost-user server socket %s", socket).isTrue();
        try (Testpmd workload = Testpmd.start(vhost.netns().name(), "net_virtio_user0,path=" + socket + ",queues=1,mac=" + endpoint.mac())) {
            awaitFirstReply(vhost, workload);
            for (int i = 0; i < 5; i++) {
                assertThat(Traffic.ping(pinger, vhost.ipv4()).outcome()).as("ping %d after the link came up", i).isEqualTo(Outcome.DELIVERED);
            }
            EndpointStats stats = dataplane.stats().endpoint(endpoint.id());
            assertThat(stats.rxPackets()).isGreaterThanOrEqualTo(6);
            assertThat(stats.txPackets()).isGreaterThanOrEqualTo(6);

            dataplane.detach(endpoint.id());
            assertThat(socket).as("socket after detach").doesNotExist();
        } finally {
            if (dataplane.endpoint(endpoint.id()).isPresent()) {
                dataplane.detach(endpoint.id());
            }
        }
    }

    /** Pings until the first reply: the workload connects asynchronously. */
    private void awaitFirstReply(Workload target, Testpmd workload) {
        long start = System.nanoTime();
        long deadline = start + LINK_DEADLINE.toNanos();
        int lost = 0;
        while (Traffic.ping(pinger, target.ipv4(), Duration.ofMillis(500)).outcome() != Outcome.DELIVERED) {
            assertThat(workload.alive()).as("testpmd runs; its output:%n%s", workload.output()).isTrue();
            assertThat(System.nanoTime() - deadline).as("no echo reply from testpmd within %s; its output:%n%s", LINK_DEADLINE,
                    workload.output()).isNegative();
            lost++;
        }
        LOG.info("first echo reply from {} {} ms after testpmd started ({} pings lost before)", target.name(),
                (System.nanoTime() - start) / 1_000_000, lost);
    }
}
