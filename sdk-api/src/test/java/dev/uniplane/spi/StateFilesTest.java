package dev.uniplane.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.LabelRequirement;
import dev.uniplane.api.LabelSelector;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFilesTest {
    @TempDir
    Path dir;

    /** Every Peer and NextHop variant, IPv4 and IPv6, a spec with and without MAC, ingress-only and both directions. */
    static DesiredState everyVariant() {
        AttachSpec web = AttachSpec.builder("web").netns("/run/netns/web").address("10.0.1.2").address("fd00::2")
                .labels("app", "web").build();
        AttachSpec db = AttachSpec.builder("db").netns("/run/netns/db").interfaceName("eth1").address("10.0.2.2")
                .mac(MacAddress.parse("02:00:00:00:00:02")).labels("app", "db", "tier", "back")
                .kinds(AttachKind.MEMIF, AttachKind.VETH).build();
        List<Route> routes = List.of(
                Route.of("203.0.113.0/24", NextHop.gateway("10.254.0.2", 3), NextHop.gateway("10.254.0.3")),
                Route.of("198.51.100.0/24", NextHop.endpoint("web", 2), NextHop.endpoint("db")),
                Route.of("192.0.2.0/24", NextHop.drop()),
                Route.of("2001:db8::/32", NextHop.gateway("fd00:254::2")));
        Policy db_in = Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.labels("app", "web"),
                                Peer.selector(LabelSelector.of(Map.of("env", "prod"), LabelRequirement.notIn("tier", "front")))),
                                List.of(PortMatch.tcp(5432), PortMatch.of(Protocol.UDP, 1000, 2000))),
                        Rule.deny(List.of(Peer.cidr("10.0.0.0/8", "10.1.0.0/16", "10.2.0.0/16")), List.of()))
                .build();
        Policy everything = Policy.builder("egress").selector(LabelSelector.of(LabelRequirement.exists("app")))
                .ingress(Rule.allowAll())
                .egress(Rule.allow(List.of(Peer.cidr("fd00::/8")), List.of(PortMatch.any(Protocol.SCTP))), Rule.denyAll())
                .build();
        List<RemoteEndpoint> remotes = List.of(RemoteEndpoint.of("far", "10.9.0.1", "app", "web"));
        return new DesiredState(List.of(web, db), routes, PolicySet.of(db_in, everything), remotes);
    }

    @Test
    void aDesiredStateWithEveryVariantSurvivesTheRoundTrip() {
        DesiredState state = everyVariant();
        Path file = dir.resolve("sub/dp.json");

        StateFiles.write(file, state);

        assertThat(StateFiles.read(file, DesiredState.class)).contains(state);
        assertThat(dir.resolve("sub")).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".tmp"));
    }

    @Test
    void sealedVariantsAreTaggedByKindAsTheProvidersFilesAlwaysWere() throws IOException {
        Path file = dir.resolve("dp.json");
        StateFiles.write(file, everyVariant());

        JsonNode json = StateFiles.newMapper().readTree(file.toFile());

        assertThat(json.at("/routes/0/nextHops/0/kind").asText()).isEqualTo("gateway");
        assertThat(json.at("/routes/1/nextHops/0/kind").asText()).isEqualTo("endpoint");
        assertThat(json.at("/routes/2/nextHops/0/kind").asText()).isEqualTo("drop");
        assertThat(json.at("/policies/policies/0/ingress/0/peers/0/kind").asText()).isEqualTo("selector");
        assertThat(json.at("/policies/policies/0/ingress/1/peers/0/kind").asText()).isEqualTo("cidr");
    }

    @Test
    void aMissingFileIsEmptyAndAnUnknownPropertyIsIgnored() throws IOException {
        assertThat(StateFiles.read(dir.resolve("none.json"), DesiredState.class)).isEmpty();

        Path file = dir.resolve("dp.json");
        Files.writeString(file, "{\"endpoints\":[],\"routes\":[],\"policies\":{\"policies\":[]},\"remotes\":[],\"addedLater\":1}");
        assertThat(StateFiles.read(file, DesiredState.class)).contains(DesiredState.empty());
    }

    @Test
    void aCorruptFileIsAnErrorNamingIt() throws IOException {
        Path truncated = dir.resolve("truncated.json");
        Files.writeString(truncated, "{\"endpoints\":[{\"id\"");
        Path invalid = dir.resolve("invalid.json");
        Files.writeString(invalid, "{\"endpoints\":[],\"routes\":[{\"prefix\":null,\"nextHops\":[]}],\"policies\":{\"policies\":[]},\"remotes\":[]}");

        assertThatThrownBy(() -> StateFiles.read(truncated, DesiredState.class))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(truncated.toString());
        assertThatThrownBy(() -> StateFiles.read(invalid, DesiredState.class))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(invalid.toString());
    }

    record Versioned(int version, String name) {
    }

    @Test
    void anotherFormatVersionIsAnErrorNamingTheFileAndBothVersions() {
        Path file = dir.resolve("versioned.json");
        StateFiles.write(file, new Versioned(2, "dp"));

        assertThat(StateFiles.read(file, Versioned.class, Versioned::version, 2)).contains(new Versioned(2, "dp"));
        assertThatThrownBy(() -> StateFiles.read(file, Versioned.class, Versioned::version, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("format version 2, expected 1");
        assertThat(StateFiles.read(dir.resolve("none.json"), Versioned.class, Versioned::version, 1)).isEmpty();
    }

    @Test
    void deleteReportsWhetherThereWasAFile() {
        Path file = dir.resolve("dp.json");
        StateFiles.write(file, DesiredState.empty());

        assertThat(StateFiles.delete(file)).isTrue();
        assertThat(StateFiles.delete(file)).isFalse();
        assertThat(file).doesNotExist();
    }
}
