package dev.uniplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.LabelRequirement;
import dev.uniplane.api.LabelSelector;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecReaderTest {
    private static final Path FILE = Path.of("state.yaml");
    static final String STATE = """
            endpoints:
              - id: web
                netns: /run/netns/web
                interfaceName: eth0
                addresses: [10.100.0.2, "fd00:100::2"]
                labels: {app: web}
                kinds: [VETH]
              - id: db
                netns: /run/netns/db
                interfaceName: eth0
                addresses: [10.100.0.3]
                mac: 02:00:00:00:00:03
                labels: {app: db, tier: back}
                kinds: [veth, af_xdp]
            routes:
              - prefix: 0.0.0.0/0
                nextHops:
                  - {type: gateway, address: 10.254.0.2}
                  - {type: gateway, address: 10.254.0.3, weight: 3}
              - prefix: 192.0.2.0/24
                nextHops: [{type: drop}]
              - prefix: 198.51.100.0/24
                nextHops: [{type: endpoint, endpoint: db}]
            policies:
              - name: db-ingress
                selector: {matchLabels: {app: db}}
                ingress:
                  - action: ALLOW
                    peers: [{selector: {matchLabels: {app: web}}}]
                    ports: [{protocol: TCP, range: {from: 5432, to: 5432}}]
                  - action: DENY
                    peers: [{cidr: 10.0.0.0/8, except: [10.100.0.0/16]}]
              - name: lockdown
                selector:
                  matchExpressions: [{key: tier, operator: IN, values: [back]}]
                egress: []
            remotes:
              - id: other-node-web
                addresses: [10.101.0.2]
                labels: {app: web}
            """;

    private final SpecReader reader = new SpecReader();

    static DesiredState expectedState() {
        return new DesiredState(
                List.of(AttachSpec.builder("web").netns("/run/netns/web").address("10.100.0.2").address("fd00:100::2").labels("app", "web").build(),
                        AttachSpec.builder("db").netns("/run/netns/db").address("10.100.0.3").mac(dev.uniplane.api.MacAddress.parse("02:00:00:00:00:03"))
                                .labels("app", "db", "tier", "back").kinds(dev.uniplane.api.AttachKind.VETH, dev.uniplane.api.AttachKind.AF_XDP).build()),
                List.of(Route.of("0.0.0.0/0", NextHop.gateway("10.254.0.2"), NextHop.gateway("10.254.0.3", 3)),
                        Route.of("192.0.2.0/24", NextHop.drop()), Route.of("198.51.100.0/24", NextHop.endpoint("db"))),
                PolicySet.of(
                        Policy.builder("db-ingress").selectLabels("app", "db").ingress(
                                Rule.allow(List.of(Peer.labels("app", "web")), List.of(PortMatch.tcp(5432))),
                                Rule.deny(List.of(Peer.cidr("10.0.0.0/8", "10.100.0.0/16")), List.of())).build(),
                        new Policy("lockdown", LabelSelector.of(LabelRequirement.in("tier", "back")), null, List.of())),
                List.of(RemoteEndpoint.of("other-node-web", "10.101.0.2", "app", "web")));
    }

    @Test
    void readsEveryPartOfTheModel() {
        assertThat(reader.parse(FILE, STATE, DesiredState.class)).isEqualTo(expectedState());
    }

    @Test
    void writtenStateReadsBackEqual() throws Exception {
        String yaml = ModelMapper.yaml().writeValueAsString(expectedState());
        assertThat(reader.parse(FILE, yaml, DesiredState.class)).isEqualTo(expectedState());
        String json = ModelMapper.json().writeValueAsString(expectedState());
        assertThat(reader.parse(FILE, json, DesiredState.class)).isEqualTo(expectedState());
    }

    @Test
    void anInvalidAddressIsReportedAtItsLineAndColumn() {
        String bad = STATE.replace("addresses: [10.100.0.3]", "addresses: [10.100.0.300]");
        assertThatThrownBy(() -> reader.parse(FILE, bad, DesiredState.class))
                .isInstanceOfSatisfying(SpecFileException.class, e -> {
                    assertThat(e.line()).isEqualTo(11);
                    assertThat(e.column()).isEqualTo(17);
                    assertThat(e.field()).isEqualTo("endpoints[1].addresses[0]");
                    assertThat(e.value()).contains("10.100.0.300");
                    assertThat(e.getMessage()).startsWith("state.yaml:11:17: endpoints[1].addresses[0] = \"10.100.0.300\": octet 300 exceeds 255");
                });
    }

    @Test
    void anUnknownFieldIsAnError() {
        String bad = STATE.replace("    interfaceName: eth0\n    addresses: [10.100.0.3]", "    interfaceName: eth0\n    adresses: [10.100.0.3]");
        assertThatThrownBy(() -> reader.parse(FILE, bad, DesiredState.class))
                .isInstanceOfSatisfying(SpecFileException.class, e -> {
                    assertThat(e.getMessage()).startsWith("state.yaml:11:5: endpoints[1].adresses: unknown field");
                    assertThat(e.problem()).startsWith("unknown field").contains("addresses");
                });
    }

    @Test
    void aRecordThatRefusesItsValuesIsLocatedAtTheField() {
        String bad = STATE.replace("weight: 3", "weight: 300");
        assertThatThrownBy(() -> reader.parse(FILE, bad, DesiredState.class))
                .isInstanceOfSatisfying(SpecFileException.class, e -> {
                    assertThat(e.field()).isEqualTo("routes[0].nextHops[1].weight");
                    assertThat(e.value()).isEqualTo("300");
                    assertThat(e.line()).isEqualTo(19);
                });
    }

    @Test
    void aPortRangeUpsideDownNamesTo() {
        String bad = STATE.replace("{from: 5432, to: 5432}", "{from: 5432, to: 80}");
        assertThatThrownBy(() -> reader.parse(FILE, bad, DesiredState.class))
                .isInstanceOfSatisfying(SpecFileException.class, e -> {
                    assertThat(e.field()).isEqualTo("policies[0].ingress[0].ports[0].range.to");
                    assertThat(e.line()).isEqualTo(30);
                });
    }

    @Test
    void aDuplicateAcrossTheStateIsLocatedAtTheSecondOne() {
        String bad = STATE.replace("addresses: [10.100.0.3]", "addresses: [10.100.0.2]");
        assertThatThrownBy(() -> reader.parse(FILE, bad, DesiredState.class))
                .isInstanceOfSatisfying(SpecFileException.class, e -> {
                    assertThat(e.field()).isEqualTo("endpoints[1].addresses");
                    assertThat(e.line()).isEqualTo(11);
                    assertThat(e.problem()).contains("already belongs to endpoint web");
                });
    }

    @Test
    void aDuplicatePolicyNameIsLocated() {
        String bad = STATE.replace("- name: lockdown", "- name: db-ingress");
        assertThatThrownBy(() -> reader.parse(FILE, bad, DesiredState.class))
                .isInstanceOfSatisfying(SpecFileException.class, e -> {
                    assertThat(e.field()).isEqualTo("policies[1].name");
                    assertThat(e.line()).isEqualTo(33);
                });
    }

    @Test
    void syntaxErrorsAndWrongTypesCarryALocation() {
        assertThatThrownBy(() -> reader.parse(FILE, "endpoints: [\n  {id: a\n", DesiredState.class))
                .isInstanceOfSatisfying(SpecFileException.class, e -> assertThat(e.line()).isPositive());
        assertThatThrownBy(() -> reader.parse(FILE, "routes: 5\n", DesiredState.class))
                .isInstanceOfSatisfying(SpecFileException.class, e -> {
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.field()).isEqualTo("routes");
                });
        assertThatThrownBy(() -> reader.parse(FILE, "routes: []\nroutes: []\n", DesiredState.class))
                .isInstanceOfSatisfying(SpecFileException.class, e -> assertThat(e.line()).isEqualTo(2));
    }

    @Test
    void absentIngressSaysNothingButAnEmptyOneIsolates() {
        DesiredState state = reader.parse(FILE, STATE, DesiredState.class);
        Policy lockdown = state.policies().policy("lockdown").orElseThrow();
        assertThat(lockdown.ingress()).isNull();
        assertThat(lockdown.egress()).isEmpty();
        assertThat(state.policies().policy("db-ingress").orElseThrow().ingress().getFirst().ports().getFirst().protocol()).isEqualTo(Protocol.TCP);
    }

    @Test
    void aFieldLeftOutIsNamedAndLocatedAtItsObject() {
        assertThatThrownBy(() -> reader.parse(FILE, "policies:\n  - name: p\n    ingress: []\n", DesiredState.class))
                .isInstanceOfSatisfying(SpecFileException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("state.yaml:2:5: policies[0].selector = null: must not be null"));
    }
}
