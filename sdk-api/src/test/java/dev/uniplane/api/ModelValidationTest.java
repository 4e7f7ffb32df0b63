package dev.uniplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Invalid specs are rejected at construction with a message naming the field and the value. */
class ModelValidationTest {

    @Test
    void portAbove65535IsRejected() {
        assertThatThrownBy(() -> PortMatch.tcp(70000))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("from=70000: must be between 1 and 65535");
        assertThatThrownBy(() -> PortRange.of(100, 50)).hasMessage("to=50: must not be below from=100");
    }

    @Test
    void icmpWithPortsIsRejected() {
        assertThatThrownBy(() -> PortMatch.of(Protocol.ICMP, 1, 2)).hasMessage("range=1-2: ICMP has no ports");
    }

    @Test
    void emptySelectorKeyIsRejected() {
        assertThatThrownBy(() -> LabelSelector.matchLabels("", "web"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("label key must not be empty");
        assertThatThrownBy(() -> LabelRequirement.exists("")).hasMessageContaining("key=\"\"");
        assertThatThrownBy(() -> LabelRequirement.in("app")).hasMessage("values=\"[]\": IN needs at least one value");
        assertThatThrownBy(() -> Labels.of("app", "bad value")).hasMessageContaining("labels[app]=\"bad value\"");
    }

    @Test
    void exceptOutsideItsCidrIsRejected() {
        assertThatThrownBy(() -> Peer.cidr("10.0.0.0/8", "11.0.0.0/16"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("except[0]=11.0.0.0/16: must lie strictly inside cidr 10.0.0.0/8");
        assertThatThrownBy(() -> Peer.cidr("10.0.0.0/8", "10.0.0.0/8")).hasMessageContaining("strictly inside");
    }

    @Test
    void duplicateEndpointIdIsRejected() {
        AttachSpec a = AttachSpec.builder("web").netns("/run/netns/a").address("10.0.0.2").build();
        AttachSpec b = AttachSpec.builder("web").netns("/run/netns/b").address("10.0.0.3").build();
        assertThatThrownBy(() -> DesiredState.empty().withEndpoints(List.of(a, b)))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("endpoints[1]=web: duplicate (also endpoints[0])");
    }

    @Test
    void twoEndpointsCannotShareAnAddress() {
        AttachSpec a = AttachSpec.builder("a").netns("/run/netns/a").address("10.0.0.2").build();
        AttachSpec b = AttachSpec.builder("b").netns("/run/netns/b").address("10.0.0.2").build();
        assertThatThrownBy(() -> DesiredState.empty().withEndpoints(List.of(a, b)))
                .hasMessage("endpoints[1].addresses=10.0.0.2: address already belongs to endpoint a");
    }

    @Test
    void protocolNumbersNeverMapToAny() {
        assertThat(Protocol.ofNumber(-1)).isNull();
        assertThat(Protocol.ofNumber(6)).isEqualTo(Protocol.TCP);
    }

    @Test
    void attachSpecChecksEveryField() {
        assertThatThrownBy(() -> AttachSpec.builder("x").netns("relative").address("10.0.0.1").build())
                .hasMessageContaining("netns=\"relative\"");
        assertThatThrownBy(() -> AttachSpec.builder("x").netns("/run/netns/x").build())
                .hasMessageContaining("at least one address");
        assertThatThrownBy(() -> AttachSpec.builder("x").netns("/run/netns/x").address("10.0.0.1").address("10.0.0.2").build())
                .hasMessageContaining("addresses[1]=10.0.0.2: only one address per family");
        assertThatThrownBy(() -> AttachSpec.builder("x").netns("/run/netns/x").address("10.0.0.1").interfaceName("a-very-long-ifname").build())
                .hasMessageContaining("interfaceName");
        assertThatThrownBy(() -> AttachSpec.builder("bad id").netns("/run/netns/x").address("10.0.0.1").build())
                .hasMessageContaining("id=\"bad id\"");
        assertThatThrownBy(() -> AttachSpec.builder("x").netns("/run/netns/x").address("10.0.0.1")
                .kinds(AttachKind.VETH, AttachKind.VETH).build()).hasMessageContaining("duplicate attachment kind");
    }

    @Test
    void routeRules() {
        assertThatThrownBy(() -> Route.of("10.0.0.0/8")).hasMessageContaining("at least one next hop");
        assertThatThrownBy(() -> Route.of("10.0.0.0/8", NextHop.drop(), NextHop.gateway("10.0.0.1")))
                .hasMessageContaining("nextHops[0]=\"drop\": a drop next hop cannot be combined");
        assertThatThrownBy(() -> Route.of("10.0.0.0/8", NextHop.gateway("2001:db8::1")))
                .hasMessageContaining("nextHops[0].gateway=2001:db8::1: family differs");
        assertThatThrownBy(() -> Route.of("10.0.0.0/8", NextHop.gateway("10.0.0.1"), NextHop.gateway("10.0.0.1", 3)))
                .hasMessageContaining("duplicate next hop");
        assertThatThrownBy(() -> NextHop.gateway("10.0.0.1", 0)).hasMessage("weight=0: must be between 1 and 256");
        Route ecmp = Route.of("0.0.0.0/0", NextHop.gateway("10.0.0.1", 2), NextHop.endpoint("fw"));
        assertThat(ecmp.isEcmp()).isTrue();
        assertThat(ecmp.isDrop()).isFalse();
    }

    @Test
    void policyRules() {
        assertThatThrownBy(() -> new Policy("p", LabelSelector.all(), null, null))
                .hasMessageContaining("neither ingress nor egress");
        Policy p = Policy.builder("p").selectLabels("app", "db").ingress().build();
        assertThat(p.isolates(Direction.INGRESS)).isTrue();
        assertThat(p.isolates(Direction.EGRESS)).isFalse();
        assertThatThrownBy(() -> PolicySet.of(p, p)).hasMessage("policies[1].name=\"p\": duplicate policy name (also policies[0])");
        assertThatThrownBy(() -> Policy.builder("bad name").ingress().build()).hasMessageContaining("name=\"bad name\"");
    }

    @Test
    void nestedErrorsKeepTheFullPath() {
        InvalidSpecException e = new InvalidSpecException("to", 3, "bad").within("ports[1]").within("ingress[0]");
        assertThat(e.field()).isEqualTo("ingress[0].ports[1].to");
        assertThat(e.value()).isEqualTo("3");
        assertThat(e).hasMessage("ingress[0].ports[1].to=3: bad");
    }

    @Test
    void configOptionsAreTypedAndUnknownKeysRejected() {
        DataplaneConfig c = DataplaneConfig.builder().option("ct.max", "1000").option("verbose", "yes")
                .option("period", "500ms").build();
        assertThat(c.intOption("ct.max", 1)).isEqualTo(1000);
        assertThat(c.boolOption("verbose", false)).isTrue();
        assertThat(c.durationOption("period", null)).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(c.name()).isEqualTo("default");
        assertThatThrownBy(() -> c.rejectUnknownOptions("ebpf", java.util.Set.of("ct.max")))
                .hasMessageContaining("options.period=\"500ms\": unknown option for provider ebpf");
        assertThatThrownBy(() -> DataplaneConfig.builder().option("n", "x").build().intOption("n", 0))
                .hasMessage("options.n=\"x\": must be an integer");
        assertThatThrownBy(() -> DataplaneConfig.builder().name("Bad_Name").build()).hasMessageContaining("name=\"Bad_Name\"");
    }

    @Test
    void statsDeltaSubtractsCounters() {
        EndpointId id = EndpointId.of("a");
        RuleRef ref = new RuleRef("p", Direction.INGRESS, 0);
        StatsSnapshot t0 = new StatsSnapshot(java.time.Instant.EPOCH,
                Map.of(id, new EndpointStats(id, 1, 100, 2, 200, Map.of(DropReason.NO_ROUTE, 1L))),
                Map.of(ref, new RuleStats(ref, Action.ALLOW, 5)));
        EndpointId fresh = EndpointId.of("b");
        StatsSnapshot t1 = new StatsSnapshot(java.time.Instant.EPOCH.plusSeconds(1),
                Map.of(id, new EndpointStats(id, 4, 400, 2, 200, Map.of(DropReason.NO_ROUTE, 3L)),
                        fresh, new EndpointStats(fresh, 1, 1, 1, 1, Map.of())),
                Map.of(ref, new RuleStats(ref, Action.ALLOW, 9)));
        StatsSnapshot d = t1.delta(t0);
        assertThat(d.endpoint(id).rxPackets()).isEqualTo(3);
        assertThat(d.endpoint(id).txBytes()).isZero();
        assertThat(d.endpoint(id).drops(DropReason.NO_ROUTE)).isEqualTo(2);
        assertThat(d.endpoint(id).drops(DropReason.POLICY_DENIED)).isZero();
        assertThat(d.endpoint(fresh).rxPackets()).isEqualTo(1);
        assertThat(d.rule(ref, Action.ALLOW).packets()).isEqualTo(4);
        assertThatThrownBy(() -> d.endpoint(EndpointId.of("zz"))).isInstanceOf(NotFoundException.class);
    }
}
