package dev.uniplane.provider.dpdk;

import dev.uniplane.tck.harness.DataplaneOnTopology;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.EndpointId;
import dev.uniplane.provider.dpdk.internal.Await;
import dev.uniplane.provider.dpdk.internal.Prerequisites;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.ProbeResult;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the router costs and delivers on this machine (numbers are logged; the asserts are loose bounds): the idle
 * back-off keeps the lcore thread well below a full CPU, UDP round trips through the router, and a TCP stream between
 * two workloads (iperf3, which also proves that checksums survive the AF_PACKET path with tx offload off).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DpdkDataplaneTrafficTest {
    private static final Logger LOG = LoggerFactory.getLogger(DpdkDataplaneTrafficTest.class);
    private DataplaneOnTopology fixture;
    private Topology topology;
    private Dataplane dataplane;
    private Workload a;
    private Workload b;

    @BeforeAll
    void open() {
        Prerequisites.root();
        Prerequisites.dpdkLibraries();
        fixture = DataplaneOnTopology.open(new DpdkProvider(), true, c -> c);
        topology = fixture.topology;
        dataplane = fixture.dataplane;
        a = topology.workload("tr-a", false);
        b = topology.workload("tr-b", false);
        dataplane.attach(a.spec());
        dataplane.attach(b.spec());
    }

    @AfterAll
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void anIdleRouterSleepsInsteadOfSpinning() throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long lcore = Arrays.stream(threads.dumpAllThreads(false, false)).filter(t -> t.getThreadName().equals("uniplane-dpdk-lcore0"))
                .mapToLong(ThreadInfo::getThreadId).findFirst().orElseThrow();
        long cpu0 = threads.getThreadCpuTime(lcore);
        long wall0 = System.nanoTime();
        Thread.sleep(2000); // the measurement window, not a wait for something
        double share = (threads.getThreadCpuTime(lcore) - cpu0) / (double) (System.nanoTime() - wall0);
        LOG.info("idle router (3 ports): lcore thread used {} % of a CPU", String.format("%.1f", share * 100));
        assertThat(share).as("CPU share of the idle lcore thread").isLessThan(0.5);
    }

    @Test
    void udpRoundTripsThroughTheRouter() {
        try (EchoServer server = Traffic.serve(b, 7701)) {
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ProbeResult r = Traffic.udp(a, b.ipv4(), 7701);
                assertThat(r.outcome()).isEqualTo(Outcome.DELIVERED);
                micros.add(r.elapsed().toNanos() / 1000);
            }
            micros.sort(null);
            LOG.info("UDP echo a -> b -> a through the router, 50 probes: median {} µs, p90 {} µs, max {} µs", micros.get(25),
                    micros.get(45), micros.get(49));
        }
        assertThat(dataplane.stats().endpoint(EndpointId.of("tr-a")).txPackets()).isGreaterThanOrEqualTo(50);
        var flowTable = dataplane.stats().extension(DpdkDataplane.TABLE_USAGE).orElseThrow().row("flow_table").orElseThrow();
        assertThat(flowTable.gauges()).containsEntry("limit", (long) DpdkDataplane.FLOW_ENTRIES);
        assertThat(flowTable.gauges().get("used")).as("the UDP flows are tracked").isPositive();
    }

    @Test
    void tcpStreamBetweenTwoWorkloads() throws Exception {
        Prerequisites.commands("iperf3", "ip");
        Process server = new ProcessBuilder("ip", "netns", "exec", b.netns().name(), "iperf3", "-s", "-1", "-p", "5299")
                .redirectErrorStream(true).start();
        try {
            Await.until("iperf3 -s listens on port 5299 in " + b.netns().name(), Duration.ofSeconds(10),
                    () -> server.isAlive() && Await.listeningTcp(server.pid(), 5299));
            Process client = new ProcessBuilder("ip", "netns", "exec", a.netns().name(), "iperf3", "-c", b.ipv4().toString(),
                    "-p", "5299", "-t", "3", "-J").redirectErrorStream(true).start();
            assertThat(client.waitFor(20, TimeUnit.SECONDS)).as("iperf3 client finished").isTrue();
            String json = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher received = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*\"bits_per_second\"\\s*:\\s*([0-9.e+]+)").matcher(json);
            Matcher retransmits = Pattern.compile("\"sum_sent\"\\s*:\\s*\\{[^}]*\"retransmits\"\\s*:\\s*(\\d+)").matcher(json);
            assertThat(received.find()).as("iperf3 result: %s", json.length() > 400 ? json.substring(json.length() - 400) : json).isTrue();
            double mbps = Double.parseDouble(received.group(1)) / 1e6;
            LOG.info("iperf3 TCP a -> b through the router, 3 s: {} Mbit/s received, {} retransmits", String.format("%.0f", mbps),
                    retransmits.find() ? retransmits.group(1) : "?");
            assertThat(mbps).isPositive();
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
