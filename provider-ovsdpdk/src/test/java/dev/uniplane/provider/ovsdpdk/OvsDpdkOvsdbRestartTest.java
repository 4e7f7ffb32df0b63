package dev.uniplane.provider.ovsdpdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Rule;
import dev.uniplane.provider.ovsdpdk.internal.host.OvsInstance;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.DataplaneVerification;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.ProbeResult;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ovsdb-server of the private instance is killed and started again, on the same database or on a new empty one. The
 * dataplane's client reconnects, re-creates the bridge and ports the database lost, and converges the flows: traffic
 * works within a few seconds, the policy is still enforced, and the configuration is unchanged.
 */
class OvsDpdkOvsdbRestartTest extends DataplaneVerification {
    @Override
    protected DataplaneProvider provider() {
        return new OvsDpdkProvider();
    }

    @Test
    void trafficAndStateSurviveAnOvsdbServerRestartOnTheSameDatabase() throws Exception {
        restartOvsdbServerAndCheck(true, "od-a");
    }

    @Test
    void aDatabaseLostWithTheRestartIsRebuiltFromTheDataplanesState() throws Exception {
        restartOvsdbServerAndCheck(false, "od-b");
    }

    private void restartOvsdbServerAndCheck(boolean keepDatabase, String prefix) throws Exception {
        Workload client = attachWorkload(prefix + "1", "app", "client");
        Workload server = attachWorkload(prefix + "2", "app", "db");
        dataplane().applyPolicies(PolicySet.of(Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7900)))).build()));
        DesiredState before = dataplane().currentState();
        OvsInstance ovs = ((OvsDpdkDataplane) dataplane()).instance();
        try (EchoServer s = Traffic.serve(server, 7900); EchoServer s2 = Traffic.serve(server, 7901)) {
            assertThat(Traffic.tcp(client, server.ipv4(), 7900).outcome()).isEqualTo(Outcome.DELIVERED);

            ovs.restartOvsdbServer(keepDatabase);
            long t0 = System.nanoTime();
            awaitRowsBack(ovs, Duration.ofSeconds(15));
            ProbeResult r;
            do {
                r = Traffic.tcp(client, client.ipv4(), server.ipv4(), 7900, Duration.ofMillis(300));
            } while (!r.delivered() && System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("ovsdb-server restart (" + (keepDatabase ? "same" : "new") + " database): rows and traffic back after "
                    + ms + " ms");
            assertThat(r.outcome()).as("delivered again (after %d ms)", ms).isEqualTo(Outcome.DELIVERED);
            assertThat(ms).as("back within a few seconds").isLessThanOrEqualTo(8000);
            assertThat(Traffic.tcp(client, server.ipv4(), 7901).outcome()).as("policy still enforced").isEqualTo(Outcome.TIMED_OUT);
            assertThat(dataplane().currentState()).isEqualTo(before);
            assertThat(dataplane().stats().endpoints()).hasSize(2);
        }
    }

    /** Until the client reconnected and the dataplane's bridge, uplink and endpoint ports are in the database again. */
    private void awaitRowsBack(OvsInstance ovs, Duration timeout) throws InterruptedException {
        String bridge = dataplane().name();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var db = ovs.ovsdb();
                if (db.isConnected() && db.bridge(bridge).isPresent() && db.iface(bridge + "-up").map(i -> i.hasOfport()).orElse(false)
                        && dataplane().endpoints().stream().allMatch(e -> db.iface(e.hostInterface()).map(i -> i.hasOfport()).orElse(false))) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // reconnecting
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the dataplane's rows did not come back within " + timeout);
    }
}
