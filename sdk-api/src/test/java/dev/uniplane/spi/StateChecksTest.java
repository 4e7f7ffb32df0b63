package dev.uniplane.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.spi.AbstractDataplaneTest.RecordingDataplane;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The checks of the SPI that need the current state, and the null arguments; each changes nothing when it refuses. */
class StateChecksTest {
    private static final Capabilities ALL = new Capabilities(java.util.EnumSet.allOf(Capability.class));
    private final AttachSpec w1 = AttachSpec.builder("w1").netns("/run/netns/w1").address("10.77.1.2").build();
    private final AttachSpec w2 = AttachSpec.builder("w2").netns("/run/netns/w2").address("10.77.2.2").build();

    private RecordingDataplane withTwoWorkloads() {
        RecordingDataplane dp = new RecordingDataplane(ALL, null);
        dp.attach(w1);
        dp.attach(w2);
        dp.calls.clear();
        return dp;
    }

    private static void unchanged(RecordingDataplane dp, DesiredState before) {
        assertThat(dp.currentState()).isEqualTo(before);
        assertThat(dp.calls).as("no backend call").isEmpty();
    }

    @Test
    void aRemoteCannotTakeALocalEndpointsOrAnotherRemotesAddress() {
        RecordingDataplane dp = withTwoWorkloads();
        dp.registerRemote(RemoteEndpoint.of("r2", "10.80.0.2"));
        dp.calls.clear();
        DesiredState before = dp.currentState();
        assertThatThrownBy(() -> dp.registerRemote(RemoteEndpoint.of("r1", "10.77.1.2"))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("10.77.1.2 of remote endpoint r1 already belongs to endpoint w1");
        assertThatThrownBy(() -> dp.registerRemote(RemoteEndpoint.of("r1", "10.80.0.2"))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("already belongs to remote endpoint r2");
        unchanged(dp, before);
        dp.registerRemote(RemoteEndpoint.of("r2", "10.80.0.2", "app", "x")); // the same remote updated keeps its address
    }

    @Test
    void anEndpointCannotTakeARegisteredRemotesAddress() {
        RecordingDataplane dp = withTwoWorkloads();
        dp.registerRemote(RemoteEndpoint.of("r1", "10.77.3.2"));
        dp.calls.clear();
        DesiredState before = dp.currentState();
        AttachSpec w3 = AttachSpec.builder("w3").netns("/run/netns/w3").address("10.77.3.2").build();
        assertThatThrownBy(() -> dp.attach(w3)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("10.77.3.2 of endpoint w3 already belongs to remote endpoint r1");
        unchanged(dp, before);
    }

    @Test
    void aRouteToAnEndpointMustNotCoverAnotherEndpointsAddressUnlessItIsExactlyItsHostRoute() {
        RecordingDataplane dp = withTwoWorkloads();
        DesiredState before = dp.currentState();
        for (String prefix : List.of("10.77.0.0/16", "0.0.0.0/0", "10.77.2.0/24")) {
            assertThatThrownBy(() -> dp.addRoute(Route.of(prefix, NextHop.endpoint("w1")))).isInstanceOf(ConflictException.class)
                    .hasMessageContaining("contains 10.77.2.2 of endpoint w2").hasMessageContaining(prefix);
        }
        assertThatThrownBy(() -> dp.updateRoutes(List.of(Route.of("10.60.0.0/16", NextHop.drop()),
                Route.of("10.77.0.0/16", NextHop.endpoint("w1"), NextHop.endpoint("w2"))), List.of()))
                .isInstanceOf(ConflictException.class);
        unchanged(dp, before);
        // The explicit takeover (service chaining) stays allowed, as does a prefix covering only the next hop itself.
        dp.addRoute(Route.of("10.77.2.2/32", NextHop.endpoint("w1")));
        dp.addRoute(Route.of("10.77.1.0/24", NextHop.endpoint("w1")));
        assertThat(dp.routes()).hasSize(2);
    }

    @Test
    void aBatchCannotUpsertAndRemoveTheSamePrefix() {
        RecordingDataplane dp = withTwoWorkloads();
        dp.addRoute(Route.of("203.0.113.0/24", NextHop.drop()));
        dp.calls.clear();
        DesiredState before = dp.currentState();
        assertThatThrownBy(() -> dp.updateRoutes(List.of(Route.of("203.0.113.0/24", NextHop.endpoint("w1"))),
                List.of(IpPrefix.parse("203.0.113.0/24")))).isInstanceOf(InvalidSpecException.class)
                .satisfies(e -> assertThat(((InvalidSpecException) e).field()).isEqualTo("removals[0]"));
        unchanged(dp, before);
    }

    @Test
    void aRouteToAnEndpointNeedsAnAddressOfItsFamilyThere() {
        RecordingDataplane dp = withTwoWorkloads();
        DesiredState before = dp.currentState();
        assertThatThrownBy(() -> dp.addRoute(Route.of("2001:db8::/32", NextHop.endpoint("w1")))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("w1, which has no IPV6 address");
        unchanged(dp, before);
    }

    @Test
    void attachingInsideARouteToAnotherEndpointIsRefusedToo() {
        RecordingDataplane dp = withTwoWorkloads();
        dp.addRoute(Route.of("10.90.0.0/16", NextHop.endpoint("w1")));
        dp.addRoute(Route.of("10.91.0.5/32", NextHop.endpoint("w1")));
        dp.calls.clear();
        DesiredState before = dp.currentState();
        AttachSpec inside = AttachSpec.builder("w3").netns("/run/netns/w3").address("10.90.0.7").build();
        assertThatThrownBy(() -> dp.attach(inside)).isInstanceOf(ConflictException.class).hasMessageContaining("10.90.0.0/16");
        unchanged(dp, before);
        dp.attach(AttachSpec.builder("w4").netns("/run/netns/w4").address("10.91.0.5").build());
    }

    @Test
    void theNodesOwnNamespaceIsNotAWorkloadNamespace() {
        RecordingDataplane dp = withTwoWorkloads();
        DesiredState before = dp.currentState();
        for (String path : List.of("/proc/self/ns/net", "/proc/" + ProcessHandle.current().pid() + "/ns/net")) {
            AttachSpec own = AttachSpec.builder("w3").netns(path).address("10.77.3.2").build();
            assertThatThrownBy(() -> dp.attach(own)).isInstanceOf(InvalidSpecException.class)
                    .satisfies(e -> assertThat(((InvalidSpecException) e).field()).isEqualTo("netns"))
                    .hasMessageContaining("namespace of this JVM");
        }
        AttachSpec file = AttachSpec.builder("w3").netns("/etc/hostname").address("10.77.3.2").build();
        assertThatThrownBy(() -> dp.attach(file)).isInstanceOf(InvalidSpecException.class).hasMessageContaining("not a network namespace");
        AttachSpec dir = AttachSpec.builder("w3").netns("/tmp").address("10.77.3.2").build();
        assertThatThrownBy(() -> dp.attach(dir)).isInstanceOf(InvalidSpecException.class).hasMessageContaining("is a directory");
        unchanged(dp, before);
    }

    @Test
    void twoKernelInterfacesCannotShareANamespaceAndAFamily() {
        RecordingDataplane dp = withTwoWorkloads();
        DesiredState before = dp.currentState();
        AttachSpec second = AttachSpec.builder("w3").netns("/run/netns/w1").interfaceName("eth1").address("10.77.3.2").build();
        assertThatThrownBy(() -> dp.attach(second)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("namespace /run/netns/w1 of endpoint w3 already holds endpoint w1");
        unchanged(dp, before);
        dp.attach(AttachSpec.builder("w4").netns("/run/netns/w1").interfaceName("eth2").address("2001:db8::4").build());
        dp.attach(AttachSpec.builder("m1").netns("/run/netns/w1").address("10.77.5.2").kinds(dev.uniplane.api.AttachKind.MEMIF).build());
    }

    @Test
    void nullArgumentsAreInvalidSpecsNamingTheParameter() {
        RecordingDataplane dp = withTwoWorkloads();
        DesiredState before = dp.currentState();
        expectNull(() -> dp.attach(null), "spec");
        expectNull(() -> dp.detach(null), "id");
        expectNull(() -> dp.endpoint(null), "id");
        expectNull(() -> dp.addRoute(null), "route");
        expectNull(() -> dp.replaceRoute(null), "route");
        expectNull(() -> dp.removeRoute(null), "prefix");
        expectNull(() -> dp.updateRoutes(null, List.of()), "upserts");
        expectNull(() -> dp.updateRoutes(List.of(), null), "removals");
        expectNull(() -> dp.updateRoutes(Arrays.asList(Route.of("10.9.0.0/16", NextHop.drop()), null), List.of()), "upserts[1]");
        expectNull(() -> dp.updateRoutes(List.of(), Arrays.asList((IpPrefix) null)), "removals[0]");
        expectNull(() -> dp.applyPolicies(null), "policies");
        expectNull(() -> dp.registerRemote(null), "remote");
        expectNull(() -> dp.unregisterRemote(null), "id");
        expectNull(() -> dp.watch(Duration.ofSeconds(1), null), "listener");
        expectNull(() -> dp.watch(null, new dev.uniplane.api.StatsListener() {
            @Override
            public void onStats(dev.uniplane.api.StatsSnapshot snapshot, dev.uniplane.api.StatsSnapshot delta) {
            }
        }), "period");
        expectNull(() -> dp.apply(null), "plan");
        expectNull(() -> dp.plan(null), "desired");
        unchanged(dp, before);
    }

    private static void expectNull(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String parameter) {
        assertThatThrownBy(call).isInstanceOf(InvalidSpecException.class)
                .satisfies(e -> assertThat(((InvalidSpecException) e).field()).isEqualTo(parameter))
                .hasMessageContaining("must not be null");
    }

    @Test
    void theSameNameIsOpenOnceInAJvm() {
        ProbingProvider provider = new ProbingProvider("recording", "test", 0, ALL) {
            @Override
            public String apiVersion() {
                return API_VERSION;
            }

            @Override
            protected Optional<Availability> firstMissing() {
                return Optional.empty();
            }

            @Override
            protected Dataplane openAvailable(DataplaneConfig config) {
                return new RecordingDataplane(ALL, null);
            }
        };
        DataplaneConfig config = DataplaneConfig.defaults();
        Dataplane first = provider.open(config);
        assertThatThrownBy(() -> provider.open(config)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("dataplane default of provider recording is already open");
        assertThat(first.endpoints()).isEmpty();
        first.close();
        Dataplane second = provider.open(config);
        second.destroy();
        provider.open(config).close();
    }

    @Test
    void aFailedOpenReleasesTheName() {
        boolean[] fail = {true};
        ProbingProvider provider = new ProbingProvider("failing", "test", 0, ALL) {
            @Override
            public String apiVersion() {
                return API_VERSION;
            }

            @Override
            protected Optional<Availability> firstMissing() {
                return Optional.empty();
            }

            @Override
            protected Dataplane openAvailable(DataplaneConfig config) {
                if (fail[0]) {
                    throw new InvalidSpecException("options.x", "1", "injected");
                }
                return new RecordingDataplane(ALL, null);
            }
        };
        DataplaneConfig config = DataplaneConfig.builder().name("failing").build();
        assertThatThrownBy(() -> provider.open(config)).hasMessageContaining("injected");
        fail[0] = false;
        provider.open(config);
        assertThatThrownBy(() -> provider.open(config)).isInstanceOf(ConflictException.class);
    }
}
