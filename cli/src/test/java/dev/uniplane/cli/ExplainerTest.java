package dev.uniplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.Action;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Direction;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.tck.model.CheckOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** explain's verdicts and reasons: selector matched, CIDR except, port range, deny overrides, isolation, routing. */
class ExplainerTest {
    private static final RuleRef ALLOW_WEB = new RuleRef("db-ingress", Direction.INGRESS, 0);
    private static final RuleRef DENY_LAN = new RuleRef("db-ingress", Direction.INGRESS, 1);
    private static final DesiredState STATE = new DesiredState(
            List.of(AttachSpec.builder("web").netns("/run/netns/web").address("10.100.0.2").labels("app", "web").build(),
                    AttachSpec.builder("db").netns("/run/netns/db").address("10.100.0.3").labels("app", "db").build(),
                    AttachSpec.builder("client").netns("/run/netns/client").address("10.100.0.4").labels("app", "web", "role", "client").build()),
            List.of(),
            PolicySet.of(Policy.builder("db-ingress").selectLabels("app", "db").ingress(
                    Rule.allow(List.of(Peer.labels("app", "web")), List.of(PortMatch.of(Protocol.TCP, 5432, 5433))),
                    Rule.deny(List.of(Peer.cidr("10.100.0.0/24", "10.100.0.2/32")), List.of())).build()),
            List.of());
    private static final StatsSnapshot STATS = new StatsSnapshot(Instant.parse("2026-12-06T15:00:00Z"),
            Map.of(EndpointId.of("db"), new EndpointStats(EndpointId.of("db"), 10, 1000, 10, 1000, Map.of(DropReason.POLICY_DENIED, 3L))),
            Map.of(ALLOW_WEB, new RuleStats(ALLOW_WEB, Action.ALLOW, 7), DENY_LAN, new RuleStats(DENY_LAN, Action.DENY, 3)));

    private final Explainer explainer = new Explainer();

    private Explanation explain(String from, String to) {
        return explainer.explain(STATE, STATS, EndpointId.of(from), FlowTarget.parse(to));
    }

    @Test
    void anAllowRuleDecidesWhenSelectorAndPortMatchAndTheExceptSparesThePeer() {
        Explanation e = explain("web", "10.100.0.3:5432/tcp");
        assertThat(e.verdict()).isEqualTo("ALLOWED");
        assertThat(e.egress().outcome()).isEqualTo(CheckOutcome.DEFAULT_ALLOW);
        assertThat(e.route().detail()).isEqualTo("routed by 10.100.0.3/32 to local endpoint db");
        assertThat(e.ingress().outcome()).isEqualTo(CheckOutcome.ALLOWED_BY_RULE);
        assertThat(e.ingress().decidingRule()).isEqualTo("db-ingress/ingress[0]");
        assertThat(e.ingress().rulePackets()).isEqualTo(7);
        assertThat(e.ingress().reasons().getFirst()).contains("policy db-ingress selects db (selector {app=db} matches labels {app=db})");
        Explanation.RuleMatch allow = e.ingress().rules().get(0);
        assertThat(allow.decides()).isTrue();
        assertThat(allow.reasons()).containsExactly("peer selector {app=web} matches endpoint web {app=web} at 10.100.0.2",
                "port entry TCP 5432-5433 matches TCP port 5432");
        Explanation.RuleMatch deny = e.ingress().rules().get(1);
        assertThat(deny.matches()).isFalse();
        assertThat(deny.reasons()).contains("peer cidr 10.100.0.0/24 contains 10.100.0.2 but except 10.100.0.2/32 takes it out");
        assertThat(e.summary()).isEqualTo("ALLOWED: egress at web: not isolated (default allow); ingress at db: allowed by "
                + "db-ingress/ingress[0]; routed by 10.100.0.3/32 to local endpoint db");
    }

    @Test
    void denyOverridesAMatchingAllow() {
        Explanation e = explain("client", "10.100.0.3:5432");
        assertThat(e.verdict()).isEqualTo("DROPPED");
        assertThat(e.dropReason()).isEqualTo("POLICY_DENIED");
        assertThat(e.ingress().decidingRule()).isEqualTo("db-ingress/ingress[1]");
        assertThat(e.ingress().rules()).allMatch(Explanation.RuleMatch::matches);
        assertThat(e.ingress().reasons().getLast()).isEqualTo("denied by db-ingress/ingress[1]: a matching DENY rule overrides every "
                + "ALLOW (matching ALLOW rules overridden: db-ingress/ingress[0])");
        assertThat(e.summary()).isEqualTo("DROPPED: db-ingress/ingress[1] denies it at db ingress (deny overrides allow)");
        assertThat(e.dropCounter()).isEqualTo("db POLICY_DENIED=3");
        assertThat(e.ingress().rulePackets()).isEqualTo(3);
    }

    @Test
    void anIsolatedEndpointWithoutAMatchingRuleIsDefaultDenied() {
        Explanation e = explain("web", "10.100.0.3:80");
        assertThat(e.ingress().outcome()).isEqualTo(CheckOutcome.DEFAULT_DENY);
        assertThat(e.ingress().rules().get(0).reasons()).contains("no port entry matches TCP port 80 (entries: TCP 5432-5433)");
        assertThat(e.ingress().reasons().getLast()).isEqualTo("db is isolated for ingress by db-ingress and no rule matches: default deny");
        assertThat(e.dropReason()).isEqualTo("POLICY_DEFAULT_DENY");
        assertThat(e.ingress().decidingRule()).isNull();
    }

    @Test
    void aDestinationWithoutARouteIsDroppedByRouting() {
        Explanation e = explain("web", "198.51.100.1");
        assertThat(e.dropReason()).isEqualTo("NO_ROUTE");
        assertThat(e.route().detail()).isEqualTo("no route matches (NO_ROUTE)");
        assertThat(e.ingress()).isNull();
        assertThat(e.dropCounter()).isEqualTo("web NO_ROUTE=0");
    }

    @Test
    void explainCommandPrintsTheReasonsAndJson() throws Exception {
        CliHarness cli = new CliHarness();
        when(cli.dataplane.currentState()).thenReturn(STATE);
        when(cli.dataplane.stats()).thenReturn(STATS);
        CliHarness.Result text = cli.run("explain", "--from", "client", "--to", "10.100.0.3:5432/tcp", "--color=never");
        assertThat(text.code()).isZero();
        assertThat(text.out()).contains("Flow client -> 10.100.0.3:5432/tcp: DROPPED (POLICY_DENIED)")
                .contains("Ingress at db: DENIED_BY_RULE by db-ingress/ingress[1]   [backend counter: 3 packets]")
                .contains("=> db-ingress/ingress[1] DENY: matches");
        JsonNode json = new ObjectMapper().readTree(cli.run("explain", "--from", "web", "--to", "10.100.0.3:5432/tcp", "-o", "json").out());
        assertThat(json.get("ingress").get("decidingRule").asText()).isEqualTo("db-ingress/ingress[0]");
        assertThat(cli.run("explain", "--from", "nobody", "--to", "10.100.0.3").code()).isEqualTo(4);
        assertThat(cli.run("explain", "--from", "web", "--to", "10.100.0.3:99999/tcp").code()).isEqualTo(3);
    }

    @Test
    void flowTargetsParse() {
        assertThat(FlowTarget.parse("10.0.0.1")).isEqualTo(new FlowTarget(dev.uniplane.api.IpAddress.parse("10.0.0.1"), Protocol.ICMP, 0));
        assertThat(FlowTarget.parse("10.0.0.1:53/udp").protocol()).isEqualTo(Protocol.UDP);
        assertThat(FlowTarget.parse("[fd00::1]:80/sctp")).isEqualTo(new FlowTarget(dev.uniplane.api.IpAddress.parse("fd00::1"), Protocol.SCTP, 80));
        assertThat(FlowTarget.parse("fd00::1").protocol()).isEqualTo(Protocol.ICMPV6);
        assertThat(FlowTarget.parse("10.0.0.1:443").protocol()).isEqualTo(Protocol.TCP);
    }
}
