package dev.uniplane.provider.ebpf.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.uniplane.api.Action;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Direction;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Plan;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.api.StatsListener;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.api.Subscription;
import dev.uniplane.provider.ebpf.EbpfProvider;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.PolicyVerification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The kit's self-test: a deliberately broken provider — the real eBPF dataplane underneath, but DENY rules silently
 * dropped before they reach it — must fail {@link PolicyVerification}. Real packets, real backend; only the control
 * logic is broken, the way a buggy provider would be.
 */
class KitCatchesBrokenProviderTest {

    /** Runs only inside this test (the nested class escapes surefire's scan), never as a conformance run of its own. */
    static class DenyIgnoringPolicyConformance extends PolicyVerification {
        @Override
        protected DataplaneProvider provider() {
            return new DenyIgnoringProvider();
        }
    }

    @Test
    void policyVerificationFailsAProviderThatIgnoresDenyRules() throws Exception {
        Path reports = Files.createTempDirectory("uniplane-selftest");
        String previous = System.getProperty("uniplane.tck.reportDir");
        System.setProperty("uniplane.tck.reportDir", reports.toString()); // keep the broken run out of the real report
        try {
            EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(DenyIgnoringPolicyConformance.class)).execute();
            List<String> failed = results.testEvents().failed().stream()
                    .map(e -> e.getTestDescriptor().getDisplayName()).toList();
            List<String> skipped = results.testEvents().aborted().stream().map(Event::toString).toList();
            assertThat(skipped).as("the broken provider must actually be exercised, not skipped").isEmpty();
            assertThat(failed).as("the kit must catch the ignored DENY rules")
                    .contains("required_S3_verdict_denyOverridesAllowWhateverTheOrder()");
            assertThat(results.testEvents().succeeded().count()).as("tests without DENY rules still pass").isPositive();
        } finally {
            if (previous == null) {
                System.clearProperty("uniplane.tck.reportDir");
            } else {
                System.setProperty("uniplane.tck.reportDir", previous);
            }
        }
    }

    /** The eBPF provider with a control-plane bug: DENY rules never reach the datapath. */
    static final class DenyIgnoringProvider implements DataplaneProvider {
        private final EbpfProvider real = new EbpfProvider();

        @Override
        public String name() {
            return "deny-ignoring-ebpf";
        }

        @Override
        public String description() {
            return "self-test: eBPF with DENY rules dropped";
        }

        @Override
        public Capabilities capabilities() {
            return real.capabilities();
        }

        @Override
        public Availability probe() {
            return real.probe();
        }

        @Override
        public Dataplane open(DataplaneConfig config) {
            return new DenyIgnoringDataplane(real.open(config.toBuilder().provider(real.name()).build()));
        }
    }

    /** Delegates everything, except that policy sets lose their DENY rules on the way down. */
    record DenyIgnoringDataplane(Dataplane real) implements Dataplane {
        private static PolicySet withoutDenies(PolicySet set) {
            return new PolicySet(set.policies().stream().map(p -> new Policy(p.name(), p.selector(),
                    p.rules(Direction.INGRESS).map(DenyIgnoringDataplane::allowsOnly).orElse(null),
                    p.rules(Direction.EGRESS).map(DenyIgnoringDataplane::allowsOnly).orElse(null))).toList());
        }

        private static List<Rule> allowsOnly(List<Rule> rules) {
            return rules.stream().filter(r -> r.action() == Action.ALLOW).toList();
        }

        @Override
        public void applyPolicies(PolicySet policies) {
            real.applyPolicies(withoutDenies(policies));
        }

        @Override
        public String provider() {
            return "deny-ignoring-ebpf";
        }

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public Capabilities capabilities() {
            return real.capabilities();
        }

        @Override
        public Endpoint attach(AttachSpec spec) {
            return real.attach(spec);
        }

        @Override
        public void detach(EndpointId id) {
            real.detach(id);
        }

        @Override
        public List<Endpoint> endpoints() {
            return real.endpoints();
        }

        @Override
        public Optional<Endpoint> endpoint(EndpointId id) {
            return real.endpoint(id);
        }

        @Override
        public void addRoute(Route route) {
            real.addRoute(route);
        }

        @Override
        public void replaceRoute(Route route) {
            real.replaceRoute(route);
        }

        @Override
        public void removeRoute(IpPrefix prefix) {
            real.removeRoute(prefix);
        }

        @Override
        public void updateRoutes(List<Route> upserts, List<IpPrefix> removals) {
            real.updateRoutes(upserts, removals);
        }

        @Override
        public List<Route> routes() {
            return real.routes();
        }

        @Override
        public PolicySet policies() {
            return real.policies();
        }

        @Override
        public void registerRemote(RemoteEndpoint remote) {
            real.registerRemote(remote);
        }

        @Override
        public void unregisterRemote(String id) {
            real.unregisterRemote(id);
        }

        @Override
        public List<RemoteEndpoint> remotes() {
            return real.remotes();
        }

        @Override
        public StatsSnapshot stats() {
            return real.stats();
        }

        @Override
        public Subscription watch(Duration period, StatsListener listener) {
            return real.watch(period, listener);
        }

        @Override
        public DesiredState currentState() {
            return real.currentState();
        }

        @Override
        public void apply(Plan plan) {
            real.apply(real.plan(plan.to()));
        }

        @Override
        public void close() {
            real.close();
        }

        @Override
        public void destroy() {
            real.destroy();
        }
    }
}
