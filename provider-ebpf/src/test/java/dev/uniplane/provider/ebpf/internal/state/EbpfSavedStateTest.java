package dev.uniplane.provider.ebpf.internal.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.IpAddress;
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
import dev.uniplane.provider.ebpf.internal.maps.PolicyCompiler.AddressIdentity;
import dev.uniplane.spi.state.SavedDataplane;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EbpfSavedStateTest {

    @Test
    void everyModelTypeSurvivesTheRoundTrip(@TempDir Path dir) {
        AttachSpec spec = AttachSpec.builder("web").netns("/run/netns/web").address("10.0.0.2").address("fd00::2")
                .mac(MacAddress.parse("02:00:00:00:00:09")).labels("app", "web").build();
        PolicySet policies = PolicySet.of(
                Policy.builder("p").selector(LabelSelector.of(Map.of("app", "db"), LabelRequirement.notIn("env", "dev")))
                        .ingress(Rule.allow(List.of(Peer.labels("app", "web"), Peer.cidr("10.0.0.0/8", "10.1.0.0/16")),
                                List.of(PortMatch.tcp(80), PortMatch.of(Protocol.ANY, 1000, 2000), PortMatch.any(Protocol.ICMP))))
                        .build(),
                Policy.builder("q").egress().build());
        EbpfEndpointState web = new EbpfEndpointState(3, 17, List.of(new AddressIdentity(IpAddress.parse("10.0.0.2"), 256)));
        EbpfState backend = new EbpfState(List.of(new EbpfState.RouteGroup(IpPrefix.parse("0.0.0.0/0"), 0),
                new EbpfState.RouteGroup(IpPrefix.parse("192.0.2.0/24"), 1)),
                List.of(new EbpfState.RemoteIdentities("r", List.of(new AddressIdentity(IpAddress.parse("10.9.0.1"), 257)))));
        Endpoint endpoint = new Endpoint(spec, AttachKind.VETH, "dpe3", MacAddress.parse("02:00:00:00:00:09"),
                MacAddress.parse("02:00:00:00:00:0a"));
        SavedDataplane state = SavedDataplane.of("ebpf", "x", new DesiredState(List.of(spec),
                        List.of(Route.of("0.0.0.0/0", NextHop.gateway("10.254.0.2", 2), NextHop.endpoint("web")),
                                Route.of("192.0.2.0/24", NextHop.drop())),
                        policies, List.of(RemoteEndpoint.of("r", "10.9.0.1", "app", "web"))),
                List.of(endpoint), e -> web, backend);
        Path file = dir.resolve("x.json");
        state.write(file);
        SavedDataplane read = SavedDataplane.read(file).orElseThrow();
        assertThat(read).isEqualTo(state);
        assertThat(read.endpoint(spec.id()).orElseThrow().backend(EbpfEndpointState.class)).contains(web);
        assertThat(read.backend(EbpfState.class)).contains(backend);
    }
}
