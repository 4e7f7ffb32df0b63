package dev.uniplane.provider.dpdk.internal.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.spi.state.SavedDataplane;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpdkSavedStateTest {
    @TempDir
    Path dir;

    static SavedDataplane sample(DpdkState.Owner owner) {
        AttachSpec web = AttachSpec.builder("web").netns("/run/netns/uph7-web").address("10.0.0.2").labels("app", "web").build();
        return SavedDataplane.of("dpdk", "x", new DesiredState(List.of(web),
                        List.of(Route.of("0.0.0.0/0", NextHop.gateway("10.254.0.2")), Route.of("192.0.2.0/24", NextHop.endpoint("web"))),
                        PolicySet.of(Policy.builder("p").selectLabels("app", "web")
                                .ingress(Rule.allow(List.of(Peer.cidr("10.0.0.0/8")), List.of(PortMatch.tcp(80)))).build()),
                        List.of(RemoteEndpoint.of("far", "10.9.0.1", "app", "x"))),
                List.of(new Endpoint(web, AttachKind.VETH, "uph7d0", MacAddress.parse("02:00:00:00:00:09"), MacAddress.parse("02:75:70:6b:00:01"))),
                e -> new DpdkEndpointState(0, "uph7d0"), new DpdkState(owner));
    }

    @Test
    void roundTripAndTheDesiredStatePart() {
        SavedDataplane state = sample(DpdkState.Owner.current());
        Path file = dir.resolve("dpdk-x.json");

        state.write(file);

        assertThat(SavedDataplane.read(file)).contains(state);
        assertThat(state.desired().endpoints()).extracting(AttachSpec::id).extracting(Object::toString).containsExactly("web");
        assertThat(SavedDataplane.read(file).orElseThrow().endpoints().getFirst().backend(DpdkEndpointState.class))
                .contains(new DpdkEndpointState(0, "uph7d0"));
        assertThat(SavedDataplane.read(file).orElseThrow().backend(DpdkState.class)).contains(new DpdkState(DpdkState.Owner.current()));
        assertThat(SavedDataplane.read(dir.resolve("none.json"))).isEmpty();
    }

    @Test
    void aCorruptFileOrAnotherVersionIsAnErrorNamingTheFile() throws Exception {
        Path corrupt = dir.resolve("corrupt.json");
        Files.writeString(corrupt, "{\"version\":1,\"endpoints\":[{\"spec\":");
        Path future = dir.resolve("future.json");
        Files.writeString(future, "{\"version\":99,\"endpoints\":[],\"routes\":[],\"policies\":{\"policies\":[]},\"remotes\":[]}");

        assertThatThrownBy(() -> SavedDataplane.read(corrupt)).isInstanceOf(UncheckedIOException.class).hasMessageContaining(corrupt.toString());
        assertThatThrownBy(() -> SavedDataplane.read(future)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(future.toString()).hasMessageContaining("version 99");
    }

    @Test
    void theOwnerIsAliveOnlyWhileThatProcessRuns() {
        assertThat(DpdkState.Owner.current().alive()).isTrue();
        assertThat(new DpdkState.Owner(ProcessHandle.current().pid(), 1).alive()).as("same pid, other start time").isFalse();
        assertThat(new DpdkState.Owner(Integer.MAX_VALUE, 0).alive()).isFalse();
    }
}
