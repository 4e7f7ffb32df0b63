package dev.uniplane.provider.ovsdpdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Route;
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
 * Reconcile: vswitchd exits and starts again on the same database (ports come back from OVSDB, flows do not); the
 * dataplane notices the OpenFlow connection drop, reconnects and re-installs its flows. Traffic must work again, with
 * the policy still enforced, within 2 s of the new vswitchd process starting. Also: a close/reopen adopts and drops
 * endpoints whose namespace vanished meanwhile.
 */
class OvsDpdkReconcileTest extends DataplaneVerification {
    @Override
    protected DataplaneProvider provider() {
        return new OvsDpdkProvider();
    }

    @Test
    void trafficAndPolicyAreBackWithinTwoSecondsAfterVswitchdRestarts() {
        Workload client = attachWorkload("rc-a1", "app", "client");
        Workload server = attachWorkload("rc-a2", "app", "db");
        dataplane().applyPolicies(PolicySet.of(Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7700)))).build()));
        try (EchoServer s = Traffic.serve(server, 7700); EchoServer s2 = Traffic.serve(server, 7701)) {
            assertThat(Traffic.tcp(client, server.ipv4(), 7700).outcome()).isEqualTo(Outcome.DELIVERED);
            OvsInstance ovs = ((OvsDpdkDataplane) dataplane()).instance();
            for (int round = 1; round <= 2; round++) {
                ovs.restartVswitchd();
                long t0 = System.nanoTime();
                ProbeResult r;
                do {
                    r = Traffic.tcp(client, client.ipv4(), server.ipv4(), 7700, Duration.ofMillis(200));
                } while (!r.delivered() && System.nanoTime() - t0 < Duration.ofMillis(2500).toNanos());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("reconcile round " + round + ": traffic back " + ms + " ms after vswitchd restarted");
                assertThat(r.outcome()).as("round %d: delivered again (after %d ms)", round, ms).isEqualTo(Outcome.DELIVERED);
                assertThat(ms).as("round %d: back within 2 s", round).isLessThanOrEqualTo(2000);
                assertThat(Traffic.tcp(client, server.ipv4(), 7701).outcome()).as("policy enforced after reconcile")
                        .isEqualTo(Outcome.TIMED_OUT);
            }
            assertThat(dataplane().stats().endpoints()).hasSize(2);
        }
    }

    @Test
    void reopenDropsEndpointsWhoseVethVanishedWithTheirRoutesAndKeepsTheRest() {
        Workload a = attachWorkload("rv-a1");
        Workload b = attachWorkload("rv-a2");
        Workload gone = attachWorkload("rv-a3");
        dataplane().addRoute(Route.of("10.123.0.0/24", NextHop.endpoint("rv-a3")));
        dataplane().addRoute(Route.of("10.124.0.0/24", NextHop.endpoint("rv-a2")));
        assertThat(Traffic.ping(a, b.ipv4()).outcome()).isEqualTo(Outcome.DELIVERED);
        dataplane().close();
        topology().deleteNamespace(gone);
        assertThat(Traffic.ping(a, b.ipv4()).outcome()).as("while closed").isEqualTo(Outcome.DELIVERED);
        Dataplane reopened = openDataplane();
        replaceDataplane(reopened);
        assertThat(reopened.endpoints()).extracting(e -> e.id()).containsExactly(EndpointId.of("rv-a1"), EndpointId.of("rv-a2"));
        assertThat(reopened.routes()).extracting(r -> r.prefix().toString()).containsExactly("10.124.0.0/24");
        assertThat(Traffic.ping(a, b.ipv4()).outcome()).isEqualTo(Outcome.DELIVERED);
        reopened.updateRoutes(List.of(), List.of(dev.uniplane.api.IpPrefix.parse("10.124.0.0/24")));
        reopened.detach(EndpointId.of("rv-a2"));
        assertThat(reopened.endpoints()).hasSize(1);
    }
}
