package dev.uniplane.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.spi.state.SavedDataplane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SPI as the one owner of desired state: desired(), hook error translation, the saved state and adoption. */
class AbstractDataplaneStateTest {

    /** A provider's record of one endpoint. */
    record Slot(int slot) {
    }

    /** A provider-level record. */
    record Owner(String who) {
    }

    static final class StateDataplane extends AbstractDataplane {
        final List<String> calls = new ArrayList<>();
        RuntimeException failWith;
        int slots;
        /** What backendAdopt keeps of the saved endpoints. */
        java.util.function.Predicate<SavedDataplane.SavedEndpoint> keep = e -> true;
        SavedDataplane adopted;

        StateDataplane() {
            super("state", DataplaneConfig.builder().name("dp").uplink("up0").build(), new Capabilities(java.util.EnumSet.allOf(Capability.class)));
        }

        private void call(String what) {
            calls.add(what + " (desired: " + desired().endpoints().size() + " endpoints, " + desired().routes().size() + " routes)");
            if (failWith != null) {
                throw failWith;
            }
        }

        @Override
        protected Endpoint backendAttach(AttachSpec spec, AttachKind kind) {
            call("attach " + spec.id());
            slots++;
            return new Endpoint(spec, kind, "h-" + spec.id(), MacAddress.parse("02:00:00:00:00:01"), MacAddress.parse("02:00:00:00:00:02"));
        }

        @Override
        protected void backendDetach(Endpoint endpoint) {
            call("detach " + endpoint.id());
        }

        @Override
        protected void backendUpdateRoutes(List<Route> upserts, List<IpPrefix> removals, Map<IpPrefix, Route> all) {
            call("routes");
        }

        @Override
        protected void backendApplyPolicies(PolicySet policies) {
            call("policies");
        }

        @Override
        protected void backendSetRemotes(List<RemoteEndpoint> remotes) {
            call("remotes");
        }

        @Override
        protected StatsSnapshot backendStats() {
            return new StatsSnapshot(Instant.now(), Map.of(), Map.of());
        }

        @Override
        protected void backendClose() {
        }

        @Override
        protected void backendDestroy() {
        }

        @Override
        protected Object endpointRecord(Endpoint endpoint) {
            return new Slot(endpoint.id().value().length());
        }

        @Override
        protected Object backendRecord() {
            return new Owner("me");
        }

        @Override
        protected AdoptionResult backendAdopt(SavedDataplane saved) {
            adopted = saved;
            List<Endpoint> endpoints = saved.endpoints().stream().filter(keep).map(SavedDataplane.SavedEndpoint::endpoint).toList();
            List<Route> routes = saved.desired().routes().stream().filter(r -> r.nextHops().stream()
                    .allMatch(h -> !(h instanceof NextHop.ToEndpoint t) || endpoints.stream().anyMatch(e -> e.id().equals(t.endpoint())))).toList();
            return new AdoptionResult(endpoints, routes, saved.desired().policies(), saved.desired().remotes());
        }

        void keep(Path file, Optional<SavedDataplane> saved) {
            keepSavedState(file, saved);
        }
    }

    private final AttachSpec a = AttachSpec.builder("a").netns("/run/netns/a").address("10.0.0.2").build();
    private final AttachSpec bb = AttachSpec.builder("bb").netns("/run/netns/b").address("10.0.0.3").build();

    @Test
    void aHookSeesTheStateBeforeItsChangeAndCallersTheStateAfter() {
        StateDataplane dp = new StateDataplane();
        dp.attach(a);
        dp.addRoute(Route.of("10.8.0.0/16", NextHop.endpoint("a")));
        assertThat(dp.calls).containsExactly("attach a (desired: 0 endpoints, 0 routes)", "routes (desired: 1 endpoints, 0 routes)");
        assertThat(dp.desired().endpoints()).containsOnlyKeys(EndpointId.of("a"));
        assertThat(dp.desired().routes()).containsOnlyKeys(IpPrefix.parse("10.8.0.0/16"));
        assertThat(dp.desired().toState()).isEqualTo(dp.currentState());
        DesiredView before = dp.desired();
        dp.attach(bb);
        assertThat(before.endpoints()).as("a snapshot does not change").hasSize(1);
        assertThatThrownBy(() -> before.endpoints().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void whatAHookThrowsIsTranslatedOnceNamingTheOperation() {
        StateDataplane dp = new StateDataplane();
        dp.failWith = new IllegalStateException("boom");
        assertThatThrownBy(() -> dp.attach(a)).isInstanceOf(BackendException.class).hasMessageContaining("attach a")
                .hasMessageContaining("boom");
        assertThatThrownBy(() -> dp.registerRemote(RemoteEndpoint.of("r", "10.9.0.1", "app", "web")))
                .isInstanceOf(BackendException.class).hasMessageContaining("set remote endpoints");
        InvalidSpecException api = new InvalidSpecException("x", 1, "bad");
        dp.failWith = api;
        assertThatThrownBy(() -> dp.attach(a)).isSameAs(api);
        assertThat(dp.endpoints()).isEmpty();
        assertThat(dp.remotes()).isEmpty();
    }

    @Test
    void aBatchThatUpsertsAndRemovesOnePrefixIsRefusedBeforeTheBackend() {
        StateDataplane dp = new StateDataplane();
        dp.addRoute(Route.of("203.0.113.0/24", NextHop.drop()));
        dp.calls.clear();
        assertThatThrownBy(() -> dp.updateRoutes(List.of(Route.of("203.0.113.0/24", NextHop.gateway("10.0.0.1"))),
                List.of(IpPrefix.parse("203.0.113.0/24"))))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("removals[0]").hasMessageContaining("203.0.113.0/24");
        assertThat(dp.calls).isEmpty();
        assertThat(dp.routes()).containsExactly(Route.of("203.0.113.0/24", NextHop.drop()));
    }

    @Test
    void aRouteToAnEndpointWithoutAnAddressOfItsFamilyIsRefusedBeforeTheBackend() {
        StateDataplane dp = new StateDataplane();
        dp.attach(a);
        dp.calls.clear();
        assertThatThrownBy(() -> dp.addRoute(Route.of("2001:db8::/32", NextHop.endpoint("a"))))
                .isInstanceOf(ConflictException.class).hasMessageContaining("nextHops.endpoint").hasMessageContaining("IPV6");
        assertThat(dp.calls).isEmpty();
        assertThat(dp.routes()).isEmpty();
        dp.addRoute(Route.of("10.8.0.0/16", NextHop.endpoint("a")));
        assertThat(dp.routes()).hasSize(1);
    }

    @Test
    void theSavedStateIsWrittenAfterEverySuccessfulChangeOnlyAndRemovedByDestroy(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state-dp.json");
        StateDataplane dp = new StateDataplane();
        dp.keep(file, Optional.empty());
        assertThat(SavedDataplane.read(file).orElseThrow().desired()).isEqualTo(dp.currentState());
        dp.attach(a);
        dp.addRoute(Route.of("10.8.0.0/16", NextHop.endpoint("a")));
        SavedDataplane saved = SavedDataplane.read(file).orElseThrow();
        assertThat(saved.provider()).isEqualTo("state");
        assertThat(saved.name()).isEqualTo("dp");
        assertThat(saved.desired()).isEqualTo(dp.currentState());
        assertThat(saved.endpoints()).extracting(SavedDataplane.SavedEndpoint::endpoint).containsExactlyElementsOf(dp.endpoints());
        assertThat(saved.endpoint(EndpointId.of("a")).orElseThrow().backend(Slot.class)).contains(new Slot(1));
        assertThat(saved.backend(Owner.class)).contains(new Owner("me"));
        byte[] written = Files.readAllBytes(file);
        dp.failWith = new IllegalStateException("boom");
        assertThatThrownBy(() -> dp.applyPolicies(PolicySet.of(Policy.builder("p").ingress(Rule.allowAll()).build())))
                .isInstanceOf(BackendException.class);
        assertThat(Files.readAllBytes(file)).as("not rewritten after a failed change").isEqualTo(written);
        dp.failWith = null;
        dp.destroy();
        assertThat(file).doesNotExist();
    }

    @Test
    void aReopenAdoptsTheSavedStateAndRecordsWhatTheProviderKept(@TempDir Path dir) {
        Path file = dir.resolve("state-dp.json");
        StateDataplane first = new StateDataplane();
        first.keep(file, Optional.empty());
        first.attach(a);
        first.attach(bb);
        first.addRoute(Route.of("10.8.0.0/16", NextHop.endpoint("bb")));
        first.addRoute(Route.of("10.9.0.0/16", NextHop.endpoint("a")));
        first.registerRemote(RemoteEndpoint.of("r", "10.9.0.1", "app", "web"));
        first.close();
        assertThat(file).as("close keeps it").exists();

        StateDataplane second = new StateDataplane();
        second.keep = e -> !e.endpoint().id().equals(EndpointId.of("bb"));
        second.keep(file, SavedDataplane.read(file));
        assertThat(second.adopted.desired().endpoints()).hasSize(2);
        assertThat(second.calls).as("adoption is the provider's, not a replay").isEmpty();
        assertThat(second.currentState().endpoints()).containsExactly(a);
        assertThat(second.routes()).containsExactly(Route.of("10.9.0.0/16", NextHop.endpoint("a")));
        assertThat(second.remotes()).extracting(RemoteEndpoint::id).containsExactly("r");
        assertThat(SavedDataplane.read(file).orElseThrow().desired()).isEqualTo(second.currentState());
    }
}
