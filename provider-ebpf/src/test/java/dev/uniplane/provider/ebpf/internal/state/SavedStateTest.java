package dev.uniplane.provider.ebpf.internal.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.AttachSpec;
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
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedStateTest {

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
        SavedState state = new SavedState(SavedState.VERSION,
                List.of(new SavedState.SavedEndpoint(spec, 3, "dpe3", 17, MacAddress.parse("02:00:00:00:00:09"),
                        MacAddress.parse("02:00:00:00:00:0a"), List.of(new AddressIdentity(IpAddress.parse("10.0.0.2"), 256)))),
                List.of(new SavedState.SavedRoute(Route.of("0.0.0.0/0", NextHop.gateway("10.254.0.2", 2), NextHop.endpoint("web")), 0),
                        new SavedState.SavedRoute(Route.of("192.0.2.0/24", NextHop.drop()), 1)),
                policies,
                List.of(new SavedState.SavedRemote(RemoteEndpoint.of("r", "10.9.0.1", "app", "web"),
                        List.of(new AddressIdentity(IpAddress.parse("10.9.0.1"), 257)))));
        Path file = dir.resolve("x.json");
        state.write(file);
        assertThat(SavedState.read(file)).isEqualTo(state);
    }
}
