package dev.uniplane.provider.bgp.internal.program;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.RuleRef;
import dev.uniplane.provider.bgp.internal.ffm.NftException;
import dev.uniplane.spi.policy.EndpointRules;
import dev.uniplane.spi.policy.ResolvedEndpoint;
import dev.uniplane.spi.policy.ResolvedPolicy;
import dev.uniplane.spi.policy.ResolvedPort;
import dev.uniplane.spi.policy.ResolvedRule;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A {@link ResolvedPolicy} as one nftables transaction (libnftables-json(5)), pure: no I/O. The table ({@code inet}
 * family) holds:
 * <ul>
 * <li>chain {@value #PREROUTING} (hook prerouting, priority {@value #ANTI_SPOOF_PRIORITY}, before conntrack so spoofed
 * packets open no flows): {@code iifname vmap} to {@code spoof_N} per endpoint, which returns for the endpoint's own
 * source addresses, the prefixes routed to it (and IPv6 link-local and unspecified sources, for neighbour discovery)
 * and drops the rest, counted in {@code drop_invalid_ID}; then {@code iifname vmap} to {@code lookup_N}, which drops
 * a packet to a unicast destination without a usable route (counted in {@code drop_noroute_ID}) and counts one that
 * the kernel will drop for its TTL ({@code drop_ttl_ID}); what an endpoint sends to its gateway is counted first,
 * in {@code tx_ID};</li>
 * <li>chain {@value #POSTROUTING} (hook postrouting): {@code oifname vmap} to {@code deliver_N}, which counts the
 * unicast packets delivered to the endpoint in {@code rx_ID} (the endpoint's stats: link counters would also count
 * ARP and IPv6 link-up chatter);</li>
 * <li>chain {@value #FORWARD} (hook forward, every routed packet between workloads and the uplink):
 * {@code ct state established,related ct mark == GEN accept} (stateful: replies and related ICMP errors of a flow
 * allowed under this generation pass unevaluated); a reply of a flow stamped under an older generation goes to
 * {@value #RECHECK}; every other packet to {@value #EVALUATE};</li>
 * <li>chain {@value #EVALUATE}: the egress check ({@code iifname vmap} to {@code eg_N}) and the ingress check
 * ({@code oifname vmap} to {@code in_N}); a packet that comes back from both gets {@code ct mark set GEN} and is
 * accepted. A flow allowed under an older set carries an older mark, so after an apply its next packet is checked
 * again under the new set (no grandfathering);</li>
 * <li>chain {@value #RECHECK}: a reply of such a flow is checked, without counting, against the flow's original
 * direction ({@code oifname vmap} to {@code rc_eg_N} of the original sender, {@code iifname vmap} to {@code rc_in_N}
 * of the original receiver, with the addresses and ports of the reply swapped); still allowed, it is stamped and
 * accepted, otherwise it goes on to {@value #EVALUATE} as a new packet in its own direction (the reference model's
 * re-check);</li>
 * <li>per endpoint and direction with rules or isolation, chain {@code eg_N}/{@code in_N}: the endpoint's rules in
 * {@link ResolvedRule#PRECEDENCE} order (deny overrides allow: every DENY rule before every ALLOW rule), a DENY rule
 * counting into {@code rule_ID} and {@code drop_denied_ENDPOINT} then dropping, an ALLOW rule counting into
 * {@code rule_ID} then returning; an isolated endpoint's chain ends in a drop counted in {@code drop_default_ENDPOINT};
 * </li>
 * <li>per rule, interval sets {@code rID_v4}/{@code rID_v6} of its peers (selectors resolved to endpoint addresses,
 * CIDRs minus excepts; prefixes inside another one left out) and the concatenated interval set {@code rID_ports}
 * ({@code inet_proto . inet_service}) of its port ranges; protocols without ports match {@code meta l4proto};</li>
 * <li>named counters: {@code rule_ID} per rule (comment: action, direction, index and policy, so a later process can
 * read them), created afresh by every apply; {@code drop_REASON_ENDPOINT}, {@code tx_ENDPOINT} and
 * {@code rx_ENDPOINT} per endpoint, kept across applies.</li>
 * </ul>
 * The transaction first empties the table (flush, delete its chains other than the base chains, its sets, its rule
 * counters and the drop counters of endpoints no longer given) and then adds everything, so it replaces the table's
 * ruleset whole or, when any part fails, not at all.
 */
public final class NftRuleset {
    /** The base chain of routed packets. */
    public static final String FORWARD = "forward";
    /** The chain that checks a packet as the first of a new flow (egress, then ingress) and stamps it. */
    public static final String EVALUATE = "evaluate";
    /** The chain that re-checks a reply of a flow stamped under an older generation against its original direction. */
    public static final String RECHECK = "recheck";
    /** The base chain of anti-spoofing. */
    public static final String PREROUTING = "prerouting";
    /** The base chain that counts what is delivered to each endpoint. */
    public static final String POSTROUTING = "postrouting";
    /** Priority of {@link #PREROUTING}: NF_IP_PRI_RAW, before conntrack (-200). */
    static final int ANTI_SPOOF_PRIORITY = -300;
    /**
     * The most set elements plus rules one table may hold: a set larger than this is refused (it would take seconds to
     * load and is no policy anyone means; the kit's 2-million-combination set is one).
     */
    static final int MAX_ELEMENTS = 20_000;
    private static final int MAX_COMMENT = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<DropReason, String> DROP_KEYS = Map.of(DropReason.POLICY_DENIED, "denied",
            DropReason.POLICY_DEFAULT_DENY, "default", DropReason.INVALID, "invalid", DropReason.NO_ROUTE, "noroute",
            DropReason.TTL_EXCEEDED, "ttl");

    private final String table;
    private final List<Object> counters = new ArrayList<>();
    private final List<Object> sets = new ArrayList<>();
    private final List<Object> chains = new ArrayList<>();
    private final List<Object> rules = new ArrayList<>();
    private final List<Object> baseRules = new ArrayList<>();
    private int elements;

    private NftRuleset(String table) {
        this.table = table;
    }

    /** The drop reasons the table counts per endpoint. */
    public static List<DropReason> countedDropReasons() {
        return List.of(DropReason.POLICY_DENIED, DropReason.POLICY_DEFAULT_DENY, DropReason.INVALID, DropReason.NO_ROUTE,
                DropReason.TTL_EXCEEDED);
    }

    /** The name of the counter of rule {@code id}. */
    static String ruleCounter(int id) {
        return "rule_" + id;
    }

    /** The name of the counter of {@code endpoint}'s drops for {@code reason} (endpoint ids have no underscore). */
    static String dropCounter(DropReason reason, EndpointId endpoint) {
        return "drop_" + DROP_KEYS.get(reason) + "_" + endpoint.value();
    }

    /** The name of the counter of what {@code endpoint} sent ({@code tx_ID}) or was delivered ({@code rx_ID}). */
    static String trafficCounter(boolean sent, EndpointId endpoint) {
        return (sent ? "tx_" : "rx_") + endpoint.value();
    }

    /** The endpoint and direction (true: sent) a counter name of {@link #trafficCounter} stands for. */
    static Optional<Map.Entry<EndpointId, Boolean>> parseTrafficCounter(String name) {
        if (name.startsWith("tx_") || name.startsWith("rx_")) {
            return Optional.of(Map.entry(EndpointId.of(name.substring(3)), name.startsWith("tx_")));
        }
        return Optional.empty();
    }

    /** The endpoint and reason a counter name of {@link #dropCounter} stands for. */
    static Optional<Map.Entry<EndpointId, DropReason>> parseDropCounter(String name) {
        String[] parts = name.split("_", 3);
        if (parts.length != 3 || !parts[0].equals("drop")) {
            return Optional.empty();
        }
        for (Map.Entry<DropReason, String> e : DROP_KEYS.entrySet()) {
            if (e.getValue().equals(parts[1])) {
                return Optional.of(Map.entry(EndpointId.of(parts[2]), e.getKey()));
            }
        }
        return Optional.empty();
    }

    /** The comment of a rule counter: {@code ACTION DIRECTION INDEX POLICY}, empty when the policy name is too long. */
    static String ruleComment(ResolvedRule rule) {
        RuleRef ref = rule.ref();
        String comment = rule.action() + " " + ref.direction() + " " + ref.index() + " " + ref.policy();
        return comment.length() > MAX_COMMENT ? "" : comment;
    }

    /** The rule and action a rule counter's comment names. */
    static Optional<Map.Entry<RuleRef, Action>> parseRuleComment(String comment) {
        String[] parts = comment.split(" ", 4);
        if (parts.length != 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(Map.entry(new RuleRef(parts[3], Direction.valueOf(parts[1]), Integer.parseInt(parts[2])),
                    Action.valueOf(parts[0])));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The commands that delete the table. */
    public static List<Object> destroy(String table) {
        return List.of(o("delete", o("table", o("family", "inet", "name", table))));
    }

    /** The commands that list the table. */
    public static List<Object> list(String table) {
        return List.of(o("list", o("table", o("family", "inet", "name", table))));
    }

    /** The commands that list the table's named counters only (what reading the stats needs, without the sets). */
    public static List<Object> listCounters(String table) {
        return List.of(o("list", o("counters", o("family", "inet", "table", table))));
    }

    /**
     * The one transaction that replaces whatever {@code current} holds with {@code policy} for {@code endpoints}
     * (position in the list = {@link dev.uniplane.spi.policy.PolicyEndpoint#index()}), stamping allowed flows with
     * {@code generation}.
     *
     * @throws NftException {@code E2BIG} naming the policy that brings the table past {@link #MAX_ELEMENTS}
     */
    public static List<Object> replace(String table, long generation, ResolvedPolicy policy, List<NftEndpoint> endpoints, NftTable current) {
        NftRuleset r = new NftRuleset(table);
        r.encode(generation, policy, endpoints);
        List<Object> out = new ArrayList<>();
        out.add(o("add", r.named("table", Map.of())));
        out.add(o("flush", r.named("table", Map.of())));
        List<String> keep = List.of(FORWARD, PREROUTING, POSTROUTING);
        for (String chain : current.chains()) {
            if (!keep.contains(chain)) {
                out.add(o("delete", o("chain", o("family", "inet", "table", table, "name", chain))));
            }
        }
        for (String set : current.sets()) {
            out.add(o("delete", o("set", o("family", "inet", "table", table, "name", set))));
        }
        List<String> dropCounters = new ArrayList<>(endpoints.stream()
                .flatMap(e -> countedDropReasons().stream().map(reason -> dropCounter(reason, e.id()))).toList());
        endpoints.forEach(e -> dropCounters.addAll(List.of(trafficCounter(true, e.id()), trafficCounter(false, e.id()))));
        for (String counter : current.counters().keySet()) {
            if (!dropCounters.contains(counter)) { // rule counters restart at every apply; drop counters stay
                out.add(o("delete", o("counter", o("family", "inet", "table", table, "name", counter))));
            }
        }
        out.add(o("add", o("chain", o("family", "inet", "table", table, "name", PREROUTING, "type", "filter",
                "hook", "prerouting", "prio", ANTI_SPOOF_PRIORITY, "policy", "accept"))));
        out.add(o("add", o("chain", o("family", "inet", "table", table, "name", FORWARD, "type", "filter",
                "hook", "forward", "prio", 0, "policy", "accept"))));
        out.add(o("add", o("chain", o("family", "inet", "table", table, "name", POSTROUTING, "type", "filter",
                "hook", "postrouting", "prio", 0, "policy", "accept"))));
        out.addAll(r.counters);
        out.addAll(r.sets);
        out.addAll(r.chains);
        out.addAll(r.rules);
        out.addAll(r.baseRules);
        return out;
    }

    /** The nft JSON document of {@code commands}. */
    public static String document(List<Object> commands) {
        try {
            return JSON.writeValueAsString(o("nftables", commands));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void encode(long generation, ResolvedPolicy policy, List<NftEndpoint> endpoints) {
        for (NftEndpoint e : endpoints) {
            for (DropReason reason : countedDropReasons()) {
                counters.add(o("add", named("counter", Map.of("name", dropCounter(reason, e.id())))));
            }
            for (boolean sent : List.of(true, false)) {
                counters.add(o("add", named("counter", Map.of("name", trafficCounter(sent, e.id())))));
            }
        }
        for (ResolvedRule rule : policy.rules()) {
            Map<String, Object> counter = new LinkedHashMap<>();
            counter.put("name", ruleCounter(rule.id()));
            String comment = ruleComment(rule);
            if (!comment.isEmpty()) {
                counter.put("comment", comment);
            }
            counters.add(o("add", named("counter", counter)));
            ruleSets(rule);
        }
        List<Object> spoofJumps = new ArrayList<>();
        List<Object> lookupJumps = new ArrayList<>();
        List<Object> deliverJumps = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            NftEndpoint e = endpoints.get(i);
            deliver(i, e);
            deliverJumps.add(List.of(e.hostInterface(), jump(deliverChain(i))));
            antiSpoofing(i, e);
            spoofJumps.add(List.of(e.hostInterface(), jump(spoofChain(i))));
            lookup(i, e);
            lookupJumps.add(List.of(e.hostInterface(), jump(lookupChain(i))));
        }
        List<Object> egressJumps = new ArrayList<>();
        List<Object> ingressJumps = new ArrayList<>();
        List<Object> recheckEgressJumps = new ArrayList<>();
        List<Object> recheckIngressJumps = new ArrayList<>();
        for (ResolvedEndpoint re : policy.endpoints()) {
            int index = re.endpoint().index();
            if (index < 0 || index >= endpoints.size()) {
                throw new IllegalArgumentException("resolved endpoint index " + index + " has no NftEndpoint (" + endpoints.size() + " given)");
            }
            NftEndpoint e = endpoints.get(index);
            for (Direction d : Direction.values()) {
                EndpointRules at = re.rules(d);
                if (at.isolated() || !at.rules().isEmpty()) {
                    String chain = checkChain(d, index);
                    endpointChain(chain, d, e, at, false);
                    (d == Direction.EGRESS ? egressJumps : ingressJumps).add(List.of(e.hostInterface(), jump(chain)));
                    String recheck = recheckChain(d, index);
                    endpointChain(recheck, d, e, at, true);
                    // a reply travels towards the original sender (oifname) from the original receiver (iifname)
                    (d == Direction.EGRESS ? recheckEgressJumps : recheckIngressJumps).add(List.of(e.hostInterface(), jump(recheck)));
                }
            }
        }
        if (!spoofJumps.isEmpty()) {
            baseRules.add(rule(PREROUTING, vmap("iifname", spoofJumps)));
            baseRules.add(rule(PREROUTING, vmap("iifname", lookupJumps)));
            baseRules.add(rule(POSTROUTING, vmap("oifname", deliverJumps)));
        }
        baseRules.add(rule(FORWARD, match("in", ct("state"), List.of("established", "related")), match("==", ct("mark"), generation),
                verdict("accept")));
        baseRules.add(rule(FORWARD, match("in", ct("state"), List.of("established")), match("==", ct("direction"), "reply"),
                o("goto", o("target", RECHECK))));
        baseRules.add(rule(FORWARD, o("goto", o("target", EVALUATE))));
        chains.add(o("add", named("chain", Map.of("name", EVALUATE))));
        if (!egressJumps.isEmpty()) {
            rules.add(rule(EVALUATE, vmap("iifname", egressJumps)));
        }
        if (!ingressJumps.isEmpty()) {
            rules.add(rule(EVALUATE, vmap("oifname", ingressJumps)));
        }
        rules.add(rule(EVALUATE, o("mangle", o("key", ct("mark"), "value", generation)), verdict("accept")));
        chains.add(o("add", named("chain", Map.of("name", RECHECK))));
        if (!recheckEgressJumps.isEmpty()) {
            rules.add(rule(RECHECK, vmap("oifname", recheckEgressJumps)));
        }
        if (!recheckIngressJumps.isEmpty()) {
            rules.add(rule(RECHECK, vmap("iifname", recheckIngressJumps)));
        }
        rules.add(rule(RECHECK, o("mangle", o("key", ct("mark"), "value", generation)), verdict("accept")));
    }

    /** Chain {@code rc_eg_N} or {@code rc_in_N}: the re-check of a reply against the original direction's check. */
    static String recheckChain(Direction d, int index) {
        return "rc_" + checkChain(d, index);
    }

    /** Chain {@code eg_N} or {@code in_N}. */
    static String checkChain(Direction d, int index) {
        return (d == Direction.EGRESS ? "eg_" : "in_") + index;
    }

    static String spoofChain(int index) {
        return "spoof_" + index;
    }

    static String lookupChain(int index) {
        return "lookup_" + index;
    }

    static String deliverChain(int index) {
        return "deliver_" + index;
    }

    static String peerSet(ResolvedRule rule, IpFamily family) {
        return "r" + rule.id() + (family == IpFamily.IPV4 ? "_v4" : "_v6");
    }

    static String portSet(ResolvedRule rule) {
        return "r" + rule.id() + "_ports";
    }

    /** The peer and port sets of one rule (only the non-empty ones). */
    private void ruleSets(ResolvedRule rule) {
        if (!rule.peers().isAny()) {
            for (IpFamily family : IpFamily.values()) {
                List<Object> elements = prefixElements(rule.peers().prefixes(), family);
                if (!elements.isEmpty()) {
                    addSet(rule, peerSet(rule, family), family == IpFamily.IPV4 ? "ipv4_addr" : "ipv6_addr", elements);
                }
            }
        }
        List<Object> ports = portElements(rule.ports());
        if (!ports.isEmpty()) {
            addSet(rule, portSet(rule), List.of("inet_proto", "inet_service"), ports);
        }
    }

    private void addSet(ResolvedRule rule, String name, Object type, List<Object> elements) {
        budget(rule, elements.size());
        sets.add(o("add", named("set", o("name", name, "type", type, "flags", List.of("interval"), "elem", elements))));
    }

    private void budget(ResolvedRule rule, int more) {
        elements += more;
        if (elements > MAX_ELEMENTS) {
            throw new NftException("apply policies", "E2BIG", "policy " + rule.ref().policy() + " (rule " + rule.ref()
                    + ") brings the table past " + MAX_ELEMENTS + " set elements and rules, the most this provider installs");
        }
    }

    /**
     * The endpoint's own sources and the prefixes routed to it return; every other source is dropped as INVALID.
     * Overlapping sources are merged ({@link #prefixElements}), since an anonymous interval set refuses overlaps.
     */
    private void antiSpoofing(int index, NftEndpoint e) {
        String chain = spoofChain(index);
        chains.add(o("add", named("chain", Map.of("name", chain))));
        // what the endpoint sends to the gateway (not its multicast link chatter), counted before any check drops it
        rules.add(rule(chain, match("==", o("meta", o("key", "pkttype")), "host"), o("counter", trafficCounter(true, e.id()))));
        List<IpPrefix> sources = new ArrayList<>();
        for (IpAddress a : new TreeSet<>(e.addresses())) {
            sources.add(IpPrefix.host(a));
        }
        sources.addAll(e.routedPrefixes());
        // link-local and unspecified sources (neighbour discovery) first, unless a routed prefix covers them already
        List<IpPrefix> always = List.of(IpPrefix.parse("fe80::/10"), IpPrefix.parse("::/128"));
        sources.removeIf(s -> always.stream().anyMatch(a -> a.contains(s)));
        List<Object> v4 = prefixElements(sources, IpFamily.IPV4);
        List<Object> v6 = new ArrayList<>();
        for (IpPrefix a : always) {
            if (sources.stream().noneMatch(s -> s.contains(a))) {
                v6.addAll(prefixElements(List.of(a), IpFamily.IPV6));
            }
        }
        v6.addAll(prefixElements(sources, IpFamily.IPV6));
        if (!v4.isEmpty()) {
            rules.add(rule(chain, match("==", payload("ip", "saddr"), o("set", v4)), verdict("return")));
        }
        rules.add(rule(chain, match("==", payload("ip6", "saddr"), o("set", v6)), verdict("return")));
        rules.add(rule(chain, o("counter", dropCounter(DropReason.INVALID, e.id())), verdict("drop")));
    }

    /**
     * What the kernel's forwarding would drop, counted at the sending endpoint: a unicast destination (local and
     * multicast ones are not forwarded) whose route has no output interface (the blackhole default or a drop route) is
     * dropped here as NO_ROUTE; a packet to be forwarded with TTL (hop limit) 1 or less is counted as TTL_EXCEEDED and
     * left to the kernel, which drops it and sends the ICMP error.
     */
    private void lookup(int index, NftEndpoint e) {
        String chain = lookupChain(index);
        chains.add(o("add", named("chain", Map.of("name", chain))));
        Object forwarded = match("==", fib("type"), o("set", List.of("unicast", "blackhole")));
        rules.add(rule(chain, forwarded, match("==", fib("oif"), false), o("counter", dropCounter(DropReason.NO_ROUTE, e.id())),
                verdict("drop")));
        rules.add(rule(chain, forwarded, match("<=", payload("ip", "ttl"), 1), o("counter", dropCounter(DropReason.TTL_EXCEEDED, e.id()))));
        rules.add(rule(chain, forwarded, match("<=", payload("ip6", "hoplimit"), 1),
                o("counter", dropCounter(DropReason.TTL_EXCEEDED, e.id()))));
    }

    /** Counts the unicast packets delivered to the endpoint (not the host end's multicast link chatter). */
    private void deliver(int index, NftEndpoint e) {
        String chain = deliverChain(index);
        chains.add(o("add", named("chain", Map.of("name", chain))));
        rules.add(rule(chain, match("==", payload("ip", "daddr"), o("prefix", o("addr", "224.0.0.0", "len", 4))), verdict("return")));
        rules.add(rule(chain, match("==", payload("ip6", "daddr"), o("prefix", o("addr", "ff00::", "len", 8))), verdict("return")));
        rules.add(rule(chain, o("counter", trafficCounter(false, e.id()))));
    }

    /** A fib lookup of the destination address, result {@code result}. */
    private static Object fib(String result) {
        return o("fib", o("result", result, "flags", List.of("daddr")));
    }

    /**
     * One endpoint's check in one direction: its rules in precedence order, then default deny when isolated. As a
     * {@code recheck} of a reply packet (the flow's original direction, seen from the reply: the peer is on the other
     * side of the packet and the original destination port is the reply's source port) it counts nothing, returns when
     * the original direction is still allowed and otherwise goes on to {@value #EVALUATE}, where the reply is checked
     * as a new packet in its own direction.
     */
    private void endpointChain(String chain, Direction d, NftEndpoint e, EndpointRules at, boolean recheck) {
        chains.add(o("add", named("chain", Map.of("name", chain))));
        String peerField = (d == Direction.EGRESS) != recheck ? "daddr" : "saddr";
        String portField = recheck ? "sport" : "dport";
        for (ResolvedRule r : at.rules()) {
            List<Object> peers = new ArrayList<>();
            if (r.peers().isAny()) {
                peers.add(null);
            } else {
                for (IpFamily family : IpFamily.values()) {
                    if (!prefixElements(r.peers().prefixes(), family).isEmpty()) {
                        peers.add(match("==", payload(family == IpFamily.IPV4 ? "ip" : "ip6", peerField), "@" + peerSet(r, family)));
                    }
                }
            }
            for (Object peer : peers) {
                for (Object port : portMatches(r, portField)) {
                    List<Object> expr = new ArrayList<>();
                    if (peer != null) {
                        expr.add(peer);
                    }
                    if (port != null) {
                        expr.add(port);
                    }
                    budget(r, 1);
                    if (recheck) {
                        expr.add(r.action() == Action.DENY ? o("goto", o("target", EVALUATE)) : verdict("return"));
                        rules.add(rule(chain, expr.toArray()));
                        continue;
                    }
                    expr.add(o("counter", ruleCounter(r.id())));
                    if (r.action() == Action.DENY) {
                        expr.add(o("counter", dropCounter(DropReason.POLICY_DENIED, e.id())));
                        expr.add(verdict("drop"));
                    } else {
                        expr.add(verdict("return"));
                    }
                    rules.add(rule(chain, expr.toArray()));
                }
            }
        }
        if (at.isolated()) {
            rules.add(recheck ? rule(chain, o("goto", o("target", EVALUATE)))
                    : rule(chain, o("counter", dropCounter(DropReason.POLICY_DEFAULT_DENY, e.id())), verdict("drop")));
        }
    }

    /**
     * The alternatives of a rule's port list: {@code null} alone for any protocol and port; else a
     * {@code meta l4proto} match of the protocols listed without ports and a {@code meta l4proto . th dport} match of
     * its port set, whichever it has.
     */
    private static List<Object> portMatches(ResolvedRule r, String portField) {
        List<Object> out = new ArrayList<>();
        if (anyPort(r.ports())) {
            out.add(null);
            return out;
        }
        List<Object> protocols = r.ports().stream().filter(p -> p.range() == null).map(p -> (Object) p.protocol().number())
                .distinct().toList();
        if (!protocols.isEmpty()) {
            out.add(match("==", meta("l4proto"), o("set", protocols)));
        }
        if (r.ports().stream().anyMatch(p -> p.range() != null)) {
            out.add(match("==", o("concat", List.of(meta("l4proto"), payload("th", portField))), "@" + portSet(r)));
        }
        return out;
    }

    private static boolean anyPort(List<ResolvedPort> ports) {
        return ports.isEmpty() || ports.stream().anyMatch(p -> p.protocol() == Protocol.ANY && p.range() == null);
    }

    /**
     * The set elements of the prefixes of one family: a prefix inside another one is left out (it adds nothing, and
     * an interval set refuses overlapping elements); a host prefix is written as an address.
     */
    static List<Object> prefixElements(List<IpPrefix> prefixes, IpFamily family) {
        List<IpPrefix> sorted = prefixes.stream().filter(p -> p.family() == family)
                .sorted(Comparator.comparing(IpPrefix::address).thenComparingInt(IpPrefix::length)).toList();
        List<Object> out = new ArrayList<>();
        IpPrefix last = null;
        for (IpPrefix p : sorted) {
            if (last != null && last.contains(p)) {
                continue;
            }
            last = p;
            out.add(p.length() == family.bytes() * 8 ? p.address().toString()
                    : o("prefix", o("addr", p.address().toString(), "len", p.length())));
        }
        return out;
    }

    /** The {@code protocol . port-range} elements of the entries with ranges, overlapping and adjacent ranges merged. */
    static List<Object> portElements(List<ResolvedPort> ports) {
        if (anyPort(ports)) {
            return List.of();
        }
        Map<Integer, List<int[]>> byProtocol = new java.util.TreeMap<>();
        for (ResolvedPort p : ports) {
            if (p.range() != null) {
                byProtocol.computeIfAbsent(p.protocol().number(), k -> new ArrayList<>()).add(new int[] {p.range().from(), p.range().to()});
            }
        }
        List<Object> out = new ArrayList<>();
        byProtocol.forEach((protocol, ranges) -> {
            ranges.sort(Comparator.comparingInt(r -> r[0]));
            int from = ranges.getFirst()[0];
            int to = ranges.getFirst()[1];
            for (int[] r : ranges.subList(1, ranges.size())) {
                if (r[0] <= to + 1) {
                    to = Math.max(to, r[1]);
                } else {
                    out.add(portElement(protocol, from, to));
                    from = r[0];
                    to = r[1];
                }
            }
            out.add(portElement(protocol, from, to));
        });
        return out;
    }

    private static Object portElement(int protocol, int from, int to) {
        return o("concat", List.of(protocol, from == to ? (Object) from : o("range", List.of(from, to))));
    }

    // --- JSON building: maps and lists serialized by Jackson as they are ---

    private Map<String, Object> named(String kind, Map<String, Object> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("family", "inet");
        body.put(kind.equals("table") ? "name" : "table", table);
        body.putAll(fields);
        return o(kind, body);
    }

    private Map<String, Object> rule(String chain, Object... expressions) {
        return o("add", named("rule", o("chain", chain, "expr", List.of(expressions))));
    }

    private static Map<String, Object> vmap(String interfaceKey, List<Object> entries) {
        return o("vmap", o("key", meta(interfaceKey), "data", o("set", entries)));
    }

    private static Map<String, Object> match(String op, Object left, Object right) {
        return o("match", o("op", op, "left", left, "right", right));
    }

    private static Map<String, Object> payload(String protocol, String field) {
        return o("payload", o("protocol", protocol, "field", field));
    }

    private static Map<String, Object> meta(String key) {
        return o("meta", o("key", key));
    }

    private static Map<String, Object> ct(String key) {
        return o("ct", o("key", key));
    }

    private static Map<String, Object> jump(String chain) {
        return o("jump", o("target", chain));
    }

    private static Map<String, Object> verdict(String verdict) {
        return o(verdict.toLowerCase(Locale.ROOT), null);
    }

    /** An ordered JSON object of alternating keys and values (a value may be {@code null}). */
    static Map<String, Object> o(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }
}
