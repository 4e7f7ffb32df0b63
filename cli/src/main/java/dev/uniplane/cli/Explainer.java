package dev.uniplane.cli;

import dev.uniplane.api.Action;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Direction;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Labels;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.tck.model.CheckOutcome;
import dev.uniplane.tck.model.Origin;
import dev.uniplane.tck.model.Packet;
import dev.uniplane.tck.model.PolicyCheck;
import dev.uniplane.tck.model.ReferenceModel;
import dev.uniplane.tck.model.RouteDecision;
import dev.uniplane.tck.model.TcpFlags;
import dev.uniplane.tck.model.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Explains one new flow from a local endpoint: the kit's {@link ReferenceModel}, loaded with the dataplane's current
 * state, decides it (egress check, routing, ingress check: the executable form of SEMANTICS, which every conforming
 * provider matches); this class adds the reasons, rule by rule, and the backend's counters.
 *
 * <p>Why the reference model and not the SPI's {@code PolicyResolver}: the resolver compiles the policy of one endpoint
 * and direction for a backend (prefix and port sets); it does not route, so it cannot tell which endpoint receives
 * the flow and whose ingress applies, and its resolved rules no longer say which selector or except made them.
 */
final class Explainer {
    private static final int SOURCE_PORT = 49152;

    Explanation explain(DesiredState state, StatsSnapshot stats, EndpointId from, FlowTarget to) {
        AttachSpec source = state.endpoints().stream().filter(e -> e.id().equals(from)).findFirst()
                .orElseThrow(() -> new NotFoundException("endpoint " + from + " is not attached"));
        IpAddress src = source.address(to.address().family()).orElseThrow(() -> new InvalidSpecException("to", to.toString(),
                "endpoint " + from + " has no " + to.address().family() + " address to send from"));
        Verdict verdict = ReferenceModel.of(state).evaluate(packet(from, src, to));

        Explanation.Check egress = verdict.egressCheck().map(c -> check(c, state, stats, to.address(), to)).orElse(null);
        Explanation.Check ingress = verdict.ingressCheck().map(c -> check(c, state, stats, src, to)).orElse(null);
        Explanation.Routing route = verdict.route().map(Explainer::routing).orElse(null);
        Optional<DropReason> drop = verdict.dropReason();
        String dropCounter = drop.map(reason -> {
            EndpointId countedAt = verdict.ingressCheck().filter(c -> !c.allows()).map(PolicyCheck::endpoint).orElse(from);
            EndpointStats counters = stats.endpoints().get(countedAt);
            return countedAt + " " + reason + "=" + (counters == null ? 0 : counters.drops(reason));
        }).orElse(null);
        return new Explanation(from.toString(), to.toString(), verdict.delivered() ? "ALLOWED" : "DROPPED",
                drop.map(Enum::name).orElse(null), summary(verdict, egress, route, ingress), egress, route, ingress, dropCounter);
    }

    private static Packet packet(EndpointId from, IpAddress src, FlowTarget to) {
        Origin origin = Origin.endpoint(from);
        String s = src.toString();
        String d = to.address().toString();
        return switch (to.protocol()) {
            case TCP -> Packet.tcp(origin, s, SOURCE_PORT, d, to.port(), TcpFlags.SYN);
            case UDP -> Packet.udp(origin, s, SOURCE_PORT, d, to.port());
            case SCTP -> Packet.sctp(origin, s, SOURCE_PORT, d, to.port());
            default -> Packet.icmpEchoRequest(origin, s, d, 1);
        };
    }

    private static String summary(Verdict verdict, Explanation.Check egress, Explanation.Routing route, Explanation.Check ingress) {
        if (verdict.dropped()) {
            DropReason reason = verdict.dropReason().orElseThrow();
            Explanation.Check by = ingress != null && !ingress.outcome().allows() ? ingress : egress;
            return switch (reason) {
                case POLICY_DENIED -> "DROPPED: " + by.decidingRule() + " denies it at " + by.endpoint() + " "
                        + by.direction().name().toLowerCase(Locale.ROOT) + " (deny overrides allow)";
                case POLICY_DEFAULT_DENY -> "DROPPED: " + by.endpoint() + " is isolated for " + by.direction().name().toLowerCase(Locale.ROOT)
                        + " and no rule allows it (default deny)";
                default -> "DROPPED (" + reason + "): " + (route == null ? "" : route.detail());
            };
        }
        List<String> parts = new ArrayList<>();
        for (Explanation.Check c : new Explanation.Check[] {egress, ingress}) {
            if (c != null) {
                parts.add(c.direction().name().toLowerCase(Locale.ROOT) + " at " + c.endpoint() + ": "
                        + (c.decidingRule() != null ? "allowed by " + c.decidingRule() : "not isolated (default allow)"));
            }
        }
        parts.add(route.detail());
        return "ALLOWED: " + String.join("; ", parts);
    }

    private static Explanation.Check check(PolicyCheck check, DesiredState state, StatsSnapshot stats, IpAddress peer, FlowTarget flow) {
        String endpoint = check.endpoint().toString();
        Labels labels = state.endpoints().stream().filter(e -> e.id().equals(check.endpoint())).findFirst().orElseThrow().labels();
        String direction = check.direction().name().toLowerCase(Locale.ROOT);
        List<String> reasons = new ArrayList<>();
        List<Explanation.RuleMatch> rules = new ArrayList<>();
        List<String> isolating = new ArrayList<>();
        for (Policy policy : state.policies().policies()) {
            Optional<List<Rule>> list = policy.rules(check.direction());
            if (list.isEmpty()) {
                continue;
            }
            if (!policy.selector().matches(labels)) {
                reasons.add("policy " + policy.name() + " does not select " + endpoint + ": selector " + Text.selector(policy.selector())
                        + " does not match labels " + Text.labels(labels));
                continue;
            }
            isolating.add(policy.name());
            reasons.add("policy " + policy.name() + " selects " + endpoint + " (selector " + Text.selector(policy.selector())
                    + " matches labels " + Text.labels(labels) + ") and has " + direction + " rules, so it isolates " + endpoint
                    + " for " + direction);
            for (int i = 0; i < list.get().size(); i++) {
                RuleRef ref = new RuleRef(policy.name(), check.direction(), i);
                rules.add(rule(ref, list.get().get(i), state, peer, flow, check.rule().filter(ref::equals).isPresent()));
            }
        }
        reasons.add(outcomeReason(check, endpoint, direction, isolating, rules));
        String deciding = check.rule().map(RuleRef::toString).orElse(null);
        long packets = check.rule().map(r -> stats.rule(r, check.outcome() == CheckOutcome.DENIED_BY_RULE ? Action.DENY : Action.ALLOW).packets()).orElse(-1L);
        return new Explanation.Check(endpoint, check.direction(), check.outcome(), deciding, packets, reasons, rules);
    }

    private static String outcomeReason(PolicyCheck check, String endpoint, String direction, List<String> isolating,
                                        List<Explanation.RuleMatch> rules) {
        List<String> allows = rules.stream().filter(r -> r.matches() && r.action() == Action.ALLOW).map(Explanation.RuleMatch::rule).toList();
        List<String> denies = rules.stream().filter(r -> r.matches() && r.action() == Action.DENY).map(Explanation.RuleMatch::rule).toList();
        return switch (check.outcome()) {
            case DENIED_BY_RULE -> "denied by " + check.rule().orElseThrow() + ": a matching DENY rule overrides every ALLOW"
                    + (allows.isEmpty() ? "" : " (matching ALLOW rules overridden: " + String.join(", ", allows) + ")")
                    + (denies.size() > 1 ? "; of the matching DENY rules the first by policy name and index counts" : "");
            case ALLOWED_BY_RULE -> "allowed by " + check.rule().orElseThrow() + ": it matches and no DENY rule does"
                    + (allows.size() > 1 ? " (also matching: " + allows.stream().filter(a -> !a.equals(check.rule().orElseThrow().toString()))
                    .collect(Collectors.joining(", ")) + "; the first by policy name and index counts)" : "");
            case DEFAULT_DENY -> endpoint + " is isolated for " + direction + " by " + String.join(", ", isolating)
                    + " and no rule matches: default deny";
            case DEFAULT_ALLOW -> "no policy selecting " + endpoint + " has " + direction + " rules: not isolated, allowed by default";
        };
    }

    private static Explanation.RuleMatch rule(RuleRef ref, Rule rule, DesiredState state, IpAddress peer, FlowTarget flow, boolean decides) {
        List<String> reasons = new ArrayList<>();
        boolean peerMatches;
        if (rule.peers().isEmpty()) {
            peerMatches = true;
            reasons.add("any peer (no peers listed)");
        } else {
            peerMatches = false;
            for (Peer p : rule.peers()) {
                peerMatches |= peer(p, state, peer, reasons);
            }
        }
        boolean portMatches = rule.matchesPort(flow.protocol().number(), flow.port());
        String wanted = flow.protocol() + (flow.protocol().hasPorts() ? " port " + flow.port() : "");
        if (rule.ports().isEmpty()) {
            reasons.add("any protocol and port (no ports listed)");
        } else {
            Optional<PortMatch> hit = rule.ports().stream().filter(p -> p.matches(flow.protocol().number(), flow.port())).findFirst();
            reasons.add(hit.map(p -> "port entry " + port(p) + " matches " + wanted)
                    .orElse("no port entry matches " + wanted + " (entries: "
                            + rule.ports().stream().map(Explainer::port).collect(Collectors.joining(", ")) + ")"));
        }
        return new Explanation.RuleMatch(ref.toString(), rule.action(), peerMatches && portMatches, decides, reasons);
    }

    private static String port(PortMatch p) {
        return p.protocol() + (p.range() == null ? " (any port)" : " " + p.range());
    }

    private static boolean peer(Peer p, DesiredState state, IpAddress address, List<String> reasons) {
        return switch (p) {
            case Peer.Cidr c -> {
                if (!c.cidr().contains(address)) {
                    reasons.add("peer cidr " + c.cidr() + " does not contain " + address);
                    yield false;
                }
                Optional<dev.uniplane.api.IpPrefix> except = c.except().stream().filter(e -> e.contains(address)).findFirst();
                if (except.isPresent()) {
                    reasons.add("peer cidr " + c.cidr() + " contains " + address + " but except " + except.get() + " takes it out");
                    yield false;
                }
                reasons.add("peer cidr " + c.cidr() + " contains " + address + (c.except().isEmpty() ? "" : " (in none of its excepts)"));
                yield true;
            }
            case Peer.Selector s -> {
                List<String> owners = new ArrayList<>();
                List<String> matching = new ArrayList<>();
                for (AttachSpec e : state.endpoints()) {
                    if (e.addresses().contains(address)) {
                        owners.add("endpoint " + e.id() + " " + Text.labels(e.labels()));
                        if (s.selector().matches(e.labels())) {
                            matching.add("endpoint " + e.id() + " " + Text.labels(e.labels()));
                        }
                    }
                }
                for (RemoteEndpoint r : state.remotes()) {
                    if (r.addresses().contains(address)) {
                        owners.add("remote " + r.id() + " " + Text.labels(r.labels()));
                        if (s.selector().matches(r.labels())) {
                            matching.add("remote " + r.id() + " " + Text.labels(r.labels()));
                        }
                    }
                }
                String selector = "peer selector " + Text.selector(s.selector());
                if (owners.isEmpty()) {
                    reasons.add(selector + ": no endpoint has " + address + " (a selector never matches an unknown address)");
                } else if (matching.isEmpty()) {
                    reasons.add(selector + " does not match " + String.join(", ", owners) + " at " + address);
                } else {
                    reasons.add(selector + " matches " + String.join(", ", matching) + " at " + address);
                }
                yield !matching.isEmpty();
            }
        };
    }

    private static Explanation.Routing routing(RouteDecision decision) {
        String prefix = decision.matchedPrefix().map(Object::toString).orElse(null);
        return switch (decision) {
            case RouteDecision.LocalDelivery l -> new Explanation.Routing("local", prefix,
                    "routed by " + l.prefix() + " to local endpoint " + l.endpoint());
            case RouteDecision.ViaGateway g -> new Explanation.Routing("gateway", prefix,
                    "routed by " + g.prefix() + " via gateway " + g.gateway() + " (out of the uplink)");
            case RouteDecision.Dropped d -> new Explanation.Routing("dropped", prefix,
                    d.blackhole().map(b -> "route " + b + " drops it (NO_ROUTE)").orElse("no route matches (NO_ROUTE)"));
            case RouteDecision.TtlExceeded t -> new Explanation.Routing("ttl-exceeded", prefix, "TTL exceeded on route " + t.prefix());
        };
    }
}
