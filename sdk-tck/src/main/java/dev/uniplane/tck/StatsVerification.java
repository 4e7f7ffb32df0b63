package dev.uniplane.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Capability;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.api.Subscription;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.KitTimeouts;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.ProbeResult;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SEMANTICS "Stats": endpoint counters from the workload's point of view, monotonic, snapshots and a watch stream. */
public abstract class StatsVerification extends DataplaneVerification {

    @Test
    public void required_S4_perEndpoint_endpointCountersMatchTheTrafficSent() {
        requireCapability(Capability.ENDPOINT_STATS);
        Workload a = attachWorkload("st-a1");
        Workload b = attachWorkload("st-a2");
        try (EchoServer server = Traffic.serve(b, 7400)) {
            // Warm up neighbour resolution so that only our datagrams cross during the measured window.
            assertThat(Traffic.udp(a, b.ipv4(), 7400).outcome()).isEqualTo(Outcome.DELIVERED);
            StatsSnapshot before = dataplane().stats();
            int n = 20;
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                ProbeResult r = Traffic.udp(a, b.ipv4(), 7400);
                assertThat(r.outcome()).isEqualTo(Outcome.DELIVERED);
                bytes += r.bytesSent();
            }
            StatsSnapshot delta = dataplane().stats().delta(before);
            EndpointStats sender = delta.endpoint(EndpointId.of("st-a1"));
            EndpointStats receiver = delta.endpoint(EndpointId.of("st-a2"));
            // Each probe is one request a->b and one echo b->a; allow a few extra packets (ARP/ND, IPv6 RA) per side.
            assertThat(sender.txPackets()).as("a sent").isBetween((long) n, n + 4L);
            assertThat(receiver.rxPackets()).as("b received").isBetween((long) n, n + 4L);
            assertThat(receiver.txPackets()).as("b echoed").isBetween((long) n, n + 4L);
            assertThat(sender.rxPackets()).as("a received the echoes").isBetween((long) n, n + 4L);
            assertThat(sender.txBytes()).as("a's bytes (IP length or L2 length)").isBetween(bytes, bytes + (n + 4L) * 14 + 4 * 100L);
            assertThat(sender.totalDrops()).isZero();
        }
    }

    @Test
    public void required_S4_reading_countersAreMonotonic() {
        requireCapability(Capability.ENDPOINT_STATS);
        Workload a = attachWorkload("st-b1");
        Workload b = attachWorkload("st-b2");
        try (EchoServer server = Traffic.serve(b, 7401)) {
            StatsSnapshot previous = dataplane().stats();
            for (int i = 0; i < 5; i++) {
                Traffic.udp(a, b.ipv4(), 7401);
                StatsSnapshot now = dataplane().stats();
                EndpointStats d = now.delta(previous).endpoint(EndpointId.of("st-b1"));
                assertThat(List.of(d.rxPackets(), d.txPackets(), d.rxBytes(), d.txBytes())).allMatch(v -> v >= 0);
                assertThat(now.takenAt()).isAfterOrEqualTo(previous.takenAt());
                previous = now;
            }
        }
    }

    @Test
    public void required_S4_reading_watchEmitsSnapshotsAndDeltas() throws InterruptedException {
        requireCapability(Capability.ENDPOINT_STATS);
        Workload a = attachWorkload("st-c1");
        Workload b = attachWorkload("st-c2");
        List<Long> deltas = new CopyOnWriteArrayList<>();
        CountDownLatch ticks = new CountDownLatch(4);
        try (EchoServer server = Traffic.serve(b, 7402);
             Subscription sub = dataplane().watch(Duration.ofMillis(200), (snapshot, delta) -> {
                 deltas.add(delta.endpoints().containsKey(EndpointId.of("st-c1")) ? delta.endpoint(EndpointId.of("st-c1")).txPackets() : 0L);
                 ticks.countDown();
             })) {
            for (int i = 0; i < 5; i++) {
                Traffic.udp(a, b.ipv4(), 7402);
            }
            assertThat(ticks.await(KitTimeouts.scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS)).as("four watch ticks").isTrue();
        }
        long total = deltas.stream().mapToLong(Long::longValue).sum();
        assertThat(total).as("deltas add up to at least the 5 datagrams sent").isGreaterThanOrEqualTo(5);
    }
}
