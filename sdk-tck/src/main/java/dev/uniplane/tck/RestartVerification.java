package dev.uniplane.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Rule;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RESTART_SURVIVAL: traffic keeps flowing while the controlling side is down, and a reopen adopts what was configured. */
public abstract class RestartVerification extends DataplaneVerification {

    @Test
    public void required_S5_capabilities_reopeningAdoptsEverythingAndTrafficNeverStops() {
        requireCapability(Capability.RESTART_SURVIVAL);
        Workload client = attachWorkload("rs-a1", "app", "client");
        Workload server = attachWorkload("rs-a2", "app", "db");
        dataplane().applyPolicies(PolicySet.of(Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7600)))).build()));
        DesiredState before = dataplane().currentState();
        try (EchoServer s = Traffic.serve(server, 7600); EchoServer s2 = Traffic.serve(server, 7601)) {
            assertThat(Traffic.tcp(client, server.ipv4(), 7600).outcome()).isEqualTo(Outcome.DELIVERED);
            dataplane().close();
            assertThat(Traffic.tcp(client, server.ipv4(), 7600).outcome()).as("while closed").isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.tcp(client, server.ipv4(), 7601).outcome()).as("policy still enforced while closed").isEqualTo(Outcome.TIMED_OUT);
            Dataplane reopened = openDataplane();
            replaceDataplane(reopened);
            assertThat(reopened.currentState()).as("adopted state").isEqualTo(before);
            assertThat(Traffic.tcp(client, server.ipv4(), 7600).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.tcp(client, server.ipv4(), 7601).outcome()).isEqualTo(Outcome.TIMED_OUT);
        }
    }
}
