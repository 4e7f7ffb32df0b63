package dev.uniplane.provider.bgp.internal.program;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Direction;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RuleRef;
import dev.uniplane.spi.policy.PolicyEndpoint;
import dev.uniplane.spi.policy.PolicyResolver;
import dev.uniplane.tck.model.CheckOutcome;
import dev.uniplane.tck.model.ModelArbitraries;
import dev.uniplane.tck.model.ModelTopology;
import dev.uniplane.tck.model.PolicyCheck;
import dev.uniplane.tck.model.ReferenceModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The encoded ruleset decides like the kit's reference model, symbolically: an interpreter of exactly the nft JSON
 * expressions {@link NftRuleset} emits walks the forward chain's vmaps into each endpoint's check chain for every
 * endpoint, direction, peer address of the topology, protocol and port, and its outcome (allowed or dropped, the
 * deciding rule's counter, the drop counter and so the drop reason) must equal
 * {@link ReferenceModel#check}. Random policy sets from the kit's generators over its dual-stack topology. It also
 * checks what the kernel would refuse: overlapping elements in an interval set.
 */
class NftRulesetModelTest {
    private static final ModelTopology TOPOLOGY = ModelTopology.dualStack();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Provide
    Arbitrary<PolicySet> sets() {
        return ModelArbitraries.policySets(TOPOLOGY);
    }

    @Property(tries = 100)
    void encodedChecksDecideLikeTheReferenceModel(@ForAll("sets") PolicySet set) throws Exception {
        List<AttachSpec> specs = TOPOLOGY.endpoints();
        List<PolicyEndpoint> locals = new ArrayList<>();
        List<NftEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            locals.add(new PolicyEndpoint(i, specs.get(i).labels(), specs.get(i).addresses()));
            endpoints.add(new NftEndpoint(specs.get(i).id(), "h" + i, specs.get(i).addresses()));
        }
        var commands = NftRuleset.replace("t", 7, PolicyResolver.resolve(set, locals, TOPOLOGY.remotes()), endpoints, NftTable.EMPTY);
        Interpreter nft = new Interpreter(JSON.readTree(NftRuleset.document(commands)));
        ReferenceModel model = TOPOLOGY.model(set);
        for (int i = 0; i < specs.size(); i++) {
            for (Direction d : Direction.values()) {
                for (IpAddress peer : TOPOLOGY.addresses()) {
                    for (int protocol : List.of(6, 17, 132, peer.isV4() ? 1 : 58)) {
                        for (int port : protocol == 1 || protocol == 58 ? List.of(0) : ModelArbitraries.PORTS) {
                            NftEndpoint endpoint = endpoints.get(i);
                            PolicyCheck expected = model.check(endpoint.id(), d, peer, protocol, port);
                            Decision actual = nft.check(endpoints.get(i), d, peer, protocol, port);
                            String what = specs.get(i).id() + " " + d + " peer " + peer + " proto " + protocol + " port " + port + " under " + set;
                            assertThat(actual.outcome()).as(what).isEqualTo(expected.outcome());
                            assertThat(actual.rule()).as("deciding rule: " + what).isEqualTo(expected.rule());
                            assertThat(actual.dropCounter()).as("drop counter: " + what).isEqualTo(expected.outcome().dropReason()
                                    .map(r -> NftRuleset.dropCounter(r, endpoint.id())));
                            assertThat(nft.recheckPasses(endpoint, d, peer, protocol, port)).as("re-check of a reply: " + what)
                                    .isEqualTo(expected.allows());
                        }
                    }
                }
            }
        }
    }

    /** What the chains do to one packet: the outcome, the rule counter and the drop counter it increments. */
    record Decision(CheckOutcome outcome, Optional<RuleRef> rule, Optional<String> dropCounter) {
    }

    /** Walks the emitted JSON like the kernel would, for the expressions NftRuleset uses (anything else fails). */
    private static final class Interpreter {
        private final Map<String, List<JsonNode>> chains = new LinkedHashMap<>();
        private final Map<String, JsonNode> sets = new HashMap<>();
        private final Map<String, RuleRef> ruleCounters = new HashMap<>();

        Interpreter(JsonNode document) {
            for (JsonNode command : document.path("nftables")) {
                JsonNode add = command.path("add");
                if (add.has("rule")) {
                    chains.computeIfAbsent(add.get("rule").get("chain").asText(), k -> new ArrayList<>()).add(add.get("rule").get("expr"));
                } else if (add.has("chain")) {
                    chains.putIfAbsent(add.get("chain").get("name").asText(), new ArrayList<>());
                } else if (add.has("set")) {
                    sets.put(add.get("set").get("name").asText(), add.get("set"));
                    checkNoOverlap(add.get("set"));
                } else if (add.has("counter") && add.get("counter").get("name").asText().startsWith("rule_")) {
                    NftRuleset.parseRuleComment(add.get("counter").path("comment").asText())
                            .ifPresent(r -> ruleCounters.put(add.get("counter").get("name").asText(), r.getKey()));
                }
            }
        }

        Decision check(NftEndpoint endpoint, Direction d, IpAddress peer, int protocol, int port) {
            assertThat(chains.get(NftRuleset.FORWARD).getLast().toString()).isEqualTo("[{\"goto\":{\"target\":\"evaluate\"}}]");
            String target = target(NftRuleset.EVALUATE, d == Direction.EGRESS ? "iifname" : "oifname", endpoint);
            if (target == null) {
                return new Decision(CheckOutcome.DEFAULT_ALLOW, Optional.empty(), Optional.empty());
            }
            IpAddress self = endpoint.addresses().stream().filter(a -> a.family() == peer.family()).findFirst().orElseThrow();
            IpAddress source = d == Direction.EGRESS ? self : peer;
            IpAddress destination = d == Direction.EGRESS ? peer : self;
            return walk(target, source, destination, protocol, 40000, port);
        }

        /**
         * Whether a reply of the flow whose check at {@code endpoint} in direction {@code d} this is passes the
         * re-check: the reply comes from the original receiver and goes to the original sender, ports swapped.
         */
        boolean recheckPasses(NftEndpoint endpoint, Direction d, IpAddress peer, int protocol, int port) {
            String target = target(NftRuleset.RECHECK, d == Direction.EGRESS ? "oifname" : "iifname", endpoint);
            if (target == null) {
                return true;
            }
            IpAddress self = endpoint.addresses().stream().filter(a -> a.family() == peer.family()).findFirst().orElseThrow();
            IpAddress replySource = d == Direction.EGRESS ? peer : self;
            IpAddress replyDestination = d == Direction.EGRESS ? self : peer;
            Decision reply = walk(target, replySource, replyDestination, protocol, port, 40000);
            assertThat(reply.rule()).as("a re-check counts no rule").isEmpty();
            assertThat(reply.dropCounter()).as("a re-check counts no drop").isEmpty();
            return reply.outcome() != CheckOutcome.DEFAULT_DENY;
        }

        private String target(String chain, String key, NftEndpoint endpoint) {
            String target = null;
            for (JsonNode rule : chains.get(chain)) {
                JsonNode vmap = rule.get(0).path("vmap");
                if (!vmap.isMissingNode() && vmap.path("key").path("meta").path("key").asText().equals(key)) {
                    for (JsonNode entry : vmap.path("data").path("set")) {
                        if (entry.get(0).asText().equals(endpoint.hostInterface())) {
                            target = entry.get(1).path("jump").path("target").asText();
                        }
                    }
                }
            }
            return target;
        }

        /** Walks one check chain; {@code goto evaluate} (a failed re-check) reads as DEFAULT_DENY. */
        private Decision walk(String chain, IpAddress source, IpAddress destination, int protocol, int sourcePort, int destinationPort) {
            for (JsonNode rule : chains.get(chain)) {
                Optional<RuleRef> counted = Optional.empty();
                Optional<String> drop = Optional.empty();
                boolean matches = true;
                for (JsonNode e : rule) {
                    if (e.has("match")) {
                        matches = matches && matches(e.get("match"), source, destination, protocol, sourcePort, destinationPort);
                    } else if (matches && e.has("counter")) {
                        String name = e.get("counter").asText();
                        if (name.startsWith("rule_")) {
                            counted = Optional.of(ruleCounters.get(name));
                        } else {
                            drop = Optional.of(name);
                        }
                    } else if (matches && e.has("drop")) {
                        return new Decision(counted.isPresent() ? CheckOutcome.DENIED_BY_RULE : CheckOutcome.DEFAULT_DENY, counted, drop);
                    } else if (matches && e.has("return")) {
                        return new Decision(CheckOutcome.ALLOWED_BY_RULE, counted, drop);
                    } else if (matches && e.has("goto")) {
                        assertThat(e.get("goto").get("target").asText()).isEqualTo(NftRuleset.EVALUATE);
                        return new Decision(CheckOutcome.DEFAULT_DENY, counted, drop);
                    } else if (matches) {
                        throw new AssertionError("unexpected statement " + e);
                    }
                }
            }
            return new Decision(CheckOutcome.DEFAULT_ALLOW, Optional.empty(), Optional.empty());
        }

        private boolean matches(JsonNode m, IpAddress source, IpAddress destination, int protocol, int sourcePort, int destinationPort) {
            assertThat(m.get("op").asText()).isEqualTo("==");
            JsonNode left = m.get("left");
            JsonNode right = m.get("right");
            if (left.has("payload")) {
                String family = left.get("payload").get("protocol").asText();
                if (family.equals("ip") != source.isV4()) {
                    return false; // the implicit nfproto dependency
                }
                IpAddress a = left.get("payload").get("field").asText().equals("saddr") ? source : destination;
                for (JsonNode element : set(right).get("elem")) {
                    if (element.isTextual() ? IpAddress.parse(element.asText()).equals(a) : prefix(element).contains(a)) {
                        return true;
                    }
                }
                return false;
            }
            if (left.has("meta")) {
                assertThat(left.get("meta").get("key").asText()).isEqualTo("l4proto");
                for (JsonNode p : right.get("set")) {
                    if (p.asInt() == protocol) {
                        return true;
                    }
                }
                return false;
            }
            if (left.has("concat")) {
                assertThat(left.get("concat").get(0).toString()).isEqualTo("{\"meta\":{\"key\":\"l4proto\"}}");
                assertThat(left.get("concat").get(1).get("payload").get("protocol").asText()).isEqualTo("th");
                int port = left.get("concat").get(1).get("payload").get("field").asText().equals("sport") ? sourcePort : destinationPort;
                for (JsonNode element : set(right).get("elem")) {
                    JsonNode parts = element.get("concat");
                    JsonNode ports = parts.get(1);
                    int from = ports.isInt() ? ports.asInt() : ports.get("range").get(0).asInt();
                    int to = ports.isInt() ? ports.asInt() : ports.get("range").get(1).asInt();
                    if (parts.get(0).asInt() == protocol && port >= from && port <= to) {
                        return true;
                    }
                }
                return false;
            }
            throw new AssertionError("unexpected match " + m);
        }

        private JsonNode set(JsonNode reference) {
            assertThat(reference.asText()).startsWith("@");
            return sets.get(reference.asText().substring(1));
        }

        private static IpPrefix prefix(JsonNode element) {
            return new IpPrefix(IpAddress.parse(element.get("prefix").get("addr").asText()), element.get("prefix").get("len").asInt());
        }

        /** An interval set refuses overlapping elements ("conflicting intervals"). */
        private static void checkNoOverlap(JsonNode set) {
            List<JsonNode> elements = new ArrayList<>();
            set.get("elem").forEach(elements::add);
            for (int i = 0; i < elements.size(); i++) {
                for (int j = i + 1; j < elements.size(); j++) {
                    JsonNode x = elements.get(i);
                    JsonNode y = elements.get(j);
                    if (x.has("concat")) {
                        continue; // port sets: merged per protocol by construction, checked in NftRulesetTest
                    }
                    IpPrefix px = x.isTextual() ? IpPrefix.host(IpAddress.parse(x.asText())) : prefix(x);
                    IpPrefix py = y.isTextual() ? IpPrefix.host(IpAddress.parse(y.asText())) : prefix(y);
                    assertThat(px.overlaps(py)).as("overlapping elements " + x + " and " + y + " in " + set.get("name")).isFalse();
                }
            }
        }
    }

}
