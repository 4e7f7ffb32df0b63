package dev.uniplane.provider.bgp.internal.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.PortRange;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.Rule;
import dev.uniplane.provider.bgp.internal.ffm.NftException;
import dev.uniplane.spi.policy.PolicyEndpoint;
import dev.uniplane.spi.policy.PolicyResolver;
import dev.uniplane.spi.policy.ResolvedPolicy;
import dev.uniplane.spi.policy.ResolvedPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The nft JSON {@link NftRuleset} writes, without root: names, elements, the replace transaction, limits. */
class NftRulesetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<NftEndpoint> ENDPOINTS = List.of(
            new NftEndpoint(EndpointId.of("web-1"), "upw1", List.of(IpAddress.parse("10.0.0.1"), IpAddress.parse("fd00::1"))),
            new NftEndpoint(EndpointId.of("db.1"), "upd1", List.of(IpAddress.parse("10.0.0.2"))));

    private static ResolvedPolicy resolve(Policy... policies) {
        return PolicyResolver.resolve(PolicySet.of(policies), List.of(
                new PolicyEndpoint(0, Labels.of("app", "web"), ENDPOINTS.get(0).addresses()),
                new PolicyEndpoint(1, Labels.of("app", "db"), ENDPOINTS.get(1).addresses())), List.of());
    }

    private static JsonNode commands(ResolvedPolicy policy, NftTable current) throws Exception {
        return JSON.readTree(NftRuleset.document(NftRuleset.replace("up", 5, policy, ENDPOINTS, current))).get("nftables");
    }

    @Test
    void prefixesInsideOthersAreLeftOutAndHostsAreAddresses() {
        List<IpPrefix> prefixes = List.of(IpPrefix.parse("10.0.0.7/32"), IpPrefix.parse("10.0.0.0/24"), IpPrefix.parse("10.1.0.0/25"),
                IpPrefix.parse("10.1.0.128/25"), IpPrefix.parse("192.0.2.1/32"), IpPrefix.parse("fd00::/64"));
        assertThat(NftRuleset.prefixElements(prefixes, IpFamily.IPV4)).containsExactly(
                Map.of("prefix", Map.of("addr", "10.0.0.0", "len", 24)), Map.of("prefix", Map.of("addr", "10.1.0.0", "len", 25)),
                Map.of("prefix", Map.of("addr", "10.1.0.128", "len", 25)), "192.0.2.1");
        assertThat(NftRuleset.prefixElements(prefixes, IpFamily.IPV6)).containsExactly(Map.of("prefix", Map.of("addr", "fd00::", "len", 64)));
    }

    @Test
    void portRangesAreMergedPerProtocolAndAnyPortMeansNoSet() throws Exception {
        List<ResolvedPort> ports = List.of(new ResolvedPort(Protocol.TCP, new PortRange(80, 90)), new ResolvedPort(Protocol.TCP, new PortRange(85, 100)),
                new ResolvedPort(Protocol.TCP, new PortRange(101, 101)), new ResolvedPort(Protocol.UDP, new PortRange(53, 53)),
                new ResolvedPort(Protocol.TCP, new PortRange(443, 443)), new ResolvedPort(Protocol.ICMP, null));
        assertThat(JSON.writeValueAsString(NftRuleset.portElements(ports)))
                .isEqualTo("[{\"concat\":[6,{\"range\":[80,101]}]},{\"concat\":[6,443]},{\"concat\":[17,53]}]");
        assertThat(NftRuleset.portElements(List.of(new ResolvedPort(Protocol.ANY, null), new ResolvedPort(Protocol.TCP, new PortRange(1, 2))))).isEmpty();
    }

    @Test
    void countersAreNamedSoThatTheyCanBeReadBack() {
        assertThat(NftRuleset.dropCounter(DropReason.POLICY_DENIED, EndpointId.of("db.1"))).isEqualTo("drop_denied_db.1");
        assertThat(NftRuleset.parseDropCounter("drop_default_web-1")).contains(Map.entry(EndpointId.of("web-1"), DropReason.POLICY_DEFAULT_DENY));
        assertThat(NftRuleset.parseDropCounter("drop_invalid_x")).contains(Map.entry(EndpointId.of("x"), DropReason.INVALID));
        assertThat(NftRuleset.parseDropCounter("rule_3")).isEmpty();
        var rule = resolve(Policy.builder("db-in").selectLabels("app", "db").ingress(Rule.allowAll(), Rule.denyAll()).build()).rules().get(1);
        assertThat(NftRuleset.ruleComment(rule)).isEqualTo("DENY INGRESS 1 db-in");
        assertThat(NftRuleset.parseRuleComment("DENY INGRESS 1 db-in")).contains(Map.entry(new RuleRef("db-in", Direction.INGRESS, 1), Action.DENY));
        assertThat(NftRuleset.parseRuleComment("garbage")).isEmpty();
    }

    @Test
    void aFreshTableGetsBaseChainsAntiSpoofingAndTheGenerationStamp() throws Exception {
        JsonNode c = commands(resolve(), NftTable.EMPTY);
        assertThat(c.get(0).toString()).isEqualTo("{\"add\":{\"table\":{\"family\":\"inet\",\"name\":\"up\"}}}");
        assertThat(c.get(1).toString()).isEqualTo("{\"flush\":{\"table\":{\"family\":\"inet\",\"name\":\"up\"}}}");
        String all = c.toString();
        assertThat(all).contains("\"hook\":\"prerouting\",\"prio\":-300", "\"hook\":\"forward\",\"prio\":0")
                .contains("{\"match\":{\"op\":\"==\",\"left\":{\"ct\":{\"key\":\"mark\"}},\"right\":5}},{\"accept\":null}")
                .contains("{\"mangle\":{\"key\":{\"ct\":{\"key\":\"mark\"}},\"value\":5}}")
                .contains("[\"upw1\",{\"jump\":{\"target\":\"spoof_0\"}}]", "[\"upd1\",{\"jump\":{\"target\":\"spoof_1\"}}]")
                .contains("\"right\":{\"set\":[\"10.0.0.1\"]}", "\"right\":{\"set\":[{\"prefix\":{\"addr\":\"fe80::\",\"len\":10}},\"::\",\"fd00::1\"]}")
                .contains("{\"counter\":\"drop_invalid_db.1\"},{\"drop\":null}")
                .doesNotContain("\"delete\"", "eg_", "in_");
    }

    @Test
    void denyRulesComeFirstAndAnIsolatedEndpointEndsInACountedDefaultDrop() throws Exception {
        JsonNode c = commands(resolve(Policy.builder("a-allow").selectLabels("app", "db").ingress(Rule.allow(List.of(Peer.labels("app", "web")),
                        List.of(PortMatch.tcp(80)))).build(),
                Policy.builder("b-deny").selectLabels("app", "db").ingress(Rule.deny(List.of(Peer.cidr("10.0.0.0/8", "10.0.0.2/32")), List.of())).build()),
                NftTable.EMPTY);
        List<String> chain = new ArrayList<>();
        for (JsonNode command : c) {
            JsonNode rule = command.path("add").path("rule");
            if (rule.path("chain").asText().equals("in_1")) {
                chain.add(rule.get("expr").toString());
            }
        }
        assertThat(chain).as("deny, allow for each family of web-1, default").hasSize(4);
        assertThat(chain.get(0)).contains("\"right\":\"@r1_v4\"", "{\"counter\":\"rule_1\"},{\"counter\":\"drop_denied_db.1\"},{\"drop\":null}");
        assertThat(chain.get(1)).contains("\"right\":\"@r0_v4\"", "\"@r0_ports\"", "{\"counter\":\"rule_0\"},{\"return\":null}");
        assertThat(chain.get(2)).contains("\"protocol\":\"ip6\",\"field\":\"saddr\"}},\"right\":\"@r0_v6\"", "{\"counter\":\"rule_0\"},{\"return\":null}");
        assertThat(chain.get(3)).isEqualTo("[{\"counter\":\"drop_default_db.1\"},{\"drop\":null}]");
        JsonNode r1 = null;
        for (JsonNode command : c) {
            if (command.path("add").path("set").path("name").asText().equals("r1_v4")) {
                r1 = command.get("add").get("set");
            }
        }
        assertThat(r1.get("elem").toString()).as("10/8 minus 10.0.0.2").contains("{\"prefix\":{\"addr\":\"10.0.0.0\",\"len\":31}},\"10.0.0.3\"")
                .contains("{\"prefix\":{\"addr\":\"10.128.0.0\",\"len\":9}}").doesNotContain("\"10.0.0.2\"");
        assertThat(c.toString()).contains("\"name\":\"rule_0\",\"comment\":\"ALLOW INGRESS 0 a-allow\"")
                .doesNotContain("\"r1_v6\"", "eg_");
    }

    @Test
    void replacingDeletesWhatTheTableHeldButKeepsTheDropCountersOfEndpointsStillThere() throws Exception {
        NftTable current = new NftTable(List.of("prerouting", "forward", "eg_0", "spoof_0"), List.of("r0_v4", "r0_ports"), Map.of(
                "rule_0", new NftTable.Counter("rule_0", 5, 500, "ALLOW INGRESS 0 x"),
                "drop_denied_web-1", new NftTable.Counter("drop_denied_web-1", 3, 300, ""),
                "drop_denied_gone", new NftTable.Counter("drop_denied_gone", 1, 100, "")), 4);
        JsonNode c = commands(resolve(), current);
        List<String> deletes = new ArrayList<>();
        c.forEach(command -> {
            if (command.has("delete")) {
                deletes.add(command.get("delete").toString());
            }
        });
        assertThat(deletes).containsExactlyInAnyOrder(
                "{\"chain\":{\"family\":\"inet\",\"table\":\"up\",\"name\":\"eg_0\"}}",
                "{\"chain\":{\"family\":\"inet\",\"table\":\"up\",\"name\":\"spoof_0\"}}",
                "{\"set\":{\"family\":\"inet\",\"table\":\"up\",\"name\":\"r0_v4\"}}",
                "{\"set\":{\"family\":\"inet\",\"table\":\"up\",\"name\":\"r0_ports\"}}",
                "{\"counter\":{\"family\":\"inet\",\"table\":\"up\",\"name\":\"rule_0\"}}",
                "{\"counter\":{\"family\":\"inet\",\"table\":\"up\",\"name\":\"drop_denied_gone\"}}");
        // the kept counter is added again without values: "add" of an existing object leaves it as it is
        assertThat(c.toString()).contains("{\"add\":{\"counter\":{\"family\":\"inet\",\"table\":\"up\",\"name\":\"drop_denied_web-1\"}}}");
    }

    @Test
    void aSetPastTheLimitIsRefusedNamingThePolicy() {
        List<PortMatch> ports = new ArrayList<>();
        for (int p = 1; p <= 65535; p += 2) {
            ports.add(PortMatch.tcp(p));
        }
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            peers.add(Peer.cidr("10." + i + ".0.0/16"));
        }
        ResolvedPolicy huge = resolve(Policy.builder("huge").selectLabels("app", "db").ingress(Rule.allow(peers, ports)).build());
        assertThatThrownBy(() -> NftRuleset.replace("up", 1, huge, ENDPOINTS, NftTable.EMPTY)).isInstanceOf(NftException.class)
                .hasMessageContaining("policy huge").satisfies(e -> assertThat(((NftException) e).errorCode()).isEqualTo("E2BIG"));
    }

    @Test
    void aListingParsesIntoChainsSetsCountersAndTheGeneration() throws Exception {
        JsonNode listing = JSON.readTree("""
                {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
                 {"table": {"family": "inet", "name": "up", "handle": 1}},
                 {"counter": {"family": "inet", "name": "rule_0", "table": "up", "handle": 2, "comment": "ALLOW EGRESS 0 p", "packets": 7, "bytes": 700}},
                 {"counter": {"family": "inet", "name": "drop_default_a", "table": "up", "handle": 3, "packets": 2, "bytes": 200}},
                 {"set": {"family": "inet", "name": "r0_v4", "table": "up", "type": "ipv4_addr", "handle": 4, "flags": ["interval"], "elem": ["10.0.0.1"]}},
                 {"chain": {"family": "inet", "table": "up", "name": "forward", "handle": 5, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},
                 {"chain": {"family": "inet", "table": "up", "name": "eg_0", "handle": 6}},
                 {"rule": {"family": "inet", "table": "up", "chain": "forward", "handle": 8, "expr": [
                   {"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}},
                   {"match": {"op": "==", "left": {"ct": {"key": "mark"}}, "right": 41}}, {"accept": null}]}}]}""");
        NftTable t = NftTable.parse(listing, "up");
        assertThat(t.chains()).containsExactly("forward", "eg_0");
        assertThat(t.sets()).containsExactly("r0_v4");
        assertThat(t.counters()).containsEntry("rule_0", new NftTable.Counter("rule_0", 7, 700, "ALLOW EGRESS 0 p"))
                .containsEntry("drop_default_a", new NftTable.Counter("drop_default_a", 2, 200, ""));
        assertThat(t.generation()).isEqualTo(41);
    }

    @Test
    void nftErrorTextsBecomeErrnoNames() {
        assertThat(NftException.of("x", "Error: Could not process rule: No such file or directory").errorCode()).isEqualTo("ENOENT");
        assertThat(NftException.of("x", "Error: syntax error, unexpected junk").errorCode()).isEqualTo("NFT_ERROR");
    }
}
