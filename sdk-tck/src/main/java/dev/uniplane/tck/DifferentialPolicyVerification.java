package dev.uniplane.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Capability;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.Protocol;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.ProbeResult;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import dev.uniplane.tck.model.ModelArbitraries;
import dev.uniplane.tck.model.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;

/**
 * Random policy sets (jqwik generators over a fixed three-workload topology) and random flows: the backend's real
 * verdict on real packets must equal the reference model's. {@code -Duniplane.tck.differential.flows=N} (default 24)
 * sets the number of flows, spread over policy sets of 6 flows each; {@code -Duniplane.tck.differential.seed} repeats
 * the choice of flows (a mismatch prints the policy set it happened under).
 */
public abstract class DifferentialPolicyVerification extends DataplaneVerification {

    @Test
    public void required_S3_verdict_realVerdictsEqualTheReferenceModelOnRandomPolicies() {
        requireCapability(Capability.POLICY);
        int flows = Integer.getInteger("uniplane.tck.differential.flows", 24);
        long seed = Long.getLong("uniplane.tck.differential.seed", System.nanoTime());
        Random random = new Random(seed);
        List<Workload> workloads = List.of(
                attachWorkload("df-web", "app", "web", "tier", "front", "env", "prod"),
                attachWorkload("df-db", "app", "db", "tier", "back", "env", "prod"),
                attachWorkload("df-cache", "app", "cache", "tier", "back", "env", "dev"));
        List<IpAddress> addresses = workloads.stream().map(Workload::ipv4).toList();
        Arbitrary<PolicySet> sets = ModelArbitraries.policySets(addresses).filter(this::supported);
        List<EchoServer> servers = new ArrayList<>();
        try {
            for (Workload w : workloads) {
                for (int port : ModelArbitraries.PORTS) {
                    servers.add(Traffic.serve(w, port));
                }
            }
            int done = 0;
            while (done < flows) {
                // sample() works outside the jqwik engine; the set is printed with any mismatch, the flows follow the seed.
                PolicySet set = sets.sample();
                dataplane().applyPolicies(set);
                for (int i = 0; i < 6 && done < flows; i++, done++) {
                    Workload from = workloads.get(random.nextInt(workloads.size()));
                    Workload to = workloads.get(random.nextInt(workloads.size()));
                    if (from == to) {
                        to = workloads.get((workloads.indexOf(from) + 1) % workloads.size());
                    }
                    Protocol protocol = random.nextBoolean() ? Protocol.TCP : Protocol.UDP;
                    int port = ModelArbitraries.PORTS.get(random.nextInt(ModelArbitraries.PORTS.size()));
                    Verdict expected = Oracle.newFlow(dataplane(), from, to.ipv4(), protocol, port);
                    ProbeResult actual = protocol == Protocol.TCP ? Traffic.tcp(from, to.ipv4(), port) : Traffic.udp(from, to.ipv4(), port);
                    assertThat(actual.outcome())
                            .as("seed=%d flow %d: %s under %s; model says %s", seed, done, actual, set, expected)
                            .isEqualTo(expected.delivered() ? Outcome.DELIVERED : Outcome.TIMED_OUT);
                }
            }
        } finally {
            servers.forEach(EchoServer::close);
        }
    }

    /** Leaves out sets that use features the provider did not declare (the kit tests those refusals elsewhere). */
    private boolean supported(PolicySet set) {
        try {
            dev.uniplane.spi.PolicyCapabilities.check(providerName(), dataplane().capabilities(), set);
            return true;
        } catch (dev.uniplane.api.UnsupportedCapabilityException e) {
            return false;
        }
    }
}
