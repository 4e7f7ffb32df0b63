package dev.uniplane.provider.bgp.internal.program;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.Action;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.linux.NetNs;
import dev.uniplane.provider.bgp.internal.ffm.LibNftables;
import dev.uniplane.provider.bgp.internal.ffm.NftException;
import dev.uniplane.spi.policy.ResolvedPolicy;
import dev.uniplane.spi.policy.ResolvedRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The policy of one dataplane enforced by the kernel: one nftables table ({@code inet} family) in the node namespace,
 * laid out by {@link NftRuleset}, written through libnftables in JSON. Every change is one nft transaction, so the
 * kernel holds either the whole old or the whole new ruleset. Thread-safe (one call at a time).
 */
public final class NftPolicyProgram implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NetNs node;
    private final String table;
    /** Rule counters of the last apply by id, for rules whose counter carries no comment (very long policy names). */
    private final Map<Integer, Map.Entry<RuleRef, Action>> appliedRules = new LinkedHashMap<>();
    private boolean closed;

    private NftPolicyProgram(NetNs node, String table) {
        this.node = Objects.requireNonNull(node, "node");
        this.table = Objects.requireNonNull(table, "table");
    }

    /**
     * Creates table {@code table} ({@code inet} family) with its base chains in namespace {@code node}, one transaction;
     * a table of that name that exists already is emptied in the same transaction.
     */
    public static NftPolicyProgram create(NetNs node, String table) {
        NftPolicyProgram p = new NftPolicyProgram(node, table);
        p.apply(new ResolvedPolicy(List.of(), List.of(), Map.of()), List.of());
        return p;
    }

    /**
     * Adopts the existing table {@code table} a previous process left (restart) without changing it.
     *
     * @throws NftException {@code ENOENT} when there is no such table
     */
    public static NftPolicyProgram adopt(NetNs node, String table) {
        NftPolicyProgram p = new NftPolicyProgram(node, table);
        p.read();
        return p;
    }

    /** Whether namespace {@code node} has table {@code table} ({@code inet} family). */
    public static boolean exists(NetNs node, String table) {
        try {
            new NftPolicyProgram(node, table).read();
            return true;
        } catch (NftException e) {
            if (e.errorCode().equals("ENOENT")) {
                return false;
            }
            throw e;
        }
    }

    /** The table's name. */
    public String table() {
        return table;
    }

    /**
     * Replaces the whole ruleset of the table in one nft transaction: anti-spoofing per endpoint, per endpoint and
     * direction isolation, the rules in resolved order. On failure the old ruleset stays in force.
     *
     * @param endpoints the local endpoints; position in the list = {@link dev.uniplane.spi.policy.PolicyEndpoint#index()}
     * @throws NftException (a {@link dev.uniplane.spi.BackendFailure}) naming nft's error
     */
    public void apply(ResolvedPolicy policy, List<NftEndpoint> endpoints) {
        apply(policy, endpoints, UnaryOperator.identity());
    }

    /** {@link #apply(ResolvedPolicy, List)} with the commands passed through {@code tamper} first (tests force failures). */
    synchronized void apply(ResolvedPolicy policy, List<NftEndpoint> endpoints, UnaryOperator<List<Object>> tamper) {
        checkOpen();
        NftTable current = readOrEmpty();
        long generation = (current.generation() + 1) & 0xffff_ffffL;
        List<Object> commands = NftRuleset.replace(table, generation == 0 ? 1 : generation, policy, endpoints, current);
        run("apply policies to nftables table " + table, NftRuleset.document(tamper.apply(new ArrayList<>(commands))));
        appliedRules.clear();
        for (ResolvedRule r : policy.rules()) {
            appliedRules.put(r.id(), Map.entry(r.ref(), r.action()));
        }
    }

    /** Per rule counters (since the last apply) and per endpoint drop reasons, read in one {@code list counters}. */
    public synchronized NftCounters counters() {
        checkOpen();
        NftTable now = parse(run("list nftables counters of table " + table, NftRuleset.document(NftRuleset.listCounters(table))));
        Map<RuleRef, List<RuleStats>> rules = new TreeMap<>();
        Map<EndpointId, Map<DropReason, Long>> drops = new TreeMap<>();
        Map<EndpointId, NftCounters.Traffic> traffic = new TreeMap<>();
        for (NftTable.Counter c : now.counters().values()) {
            Optional<Map.Entry<EndpointId, Boolean>> direction = NftRuleset.parseTrafficCounter(c.name());
            if (direction.isPresent()) {
                EndpointId id = direction.get().getKey();
                NftCounters.Traffic t = traffic.getOrDefault(id, NftCounters.Traffic.ZERO);
                traffic.put(id, direction.get().getValue()
                        ? new NftCounters.Traffic(c.packets(), c.bytes(), t.rxPackets(), t.rxBytes())
                        : new NftCounters.Traffic(t.txPackets(), t.txBytes(), c.packets(), c.bytes()));
            } else if (c.name().startsWith("rule_")) {
                Optional<Map.Entry<RuleRef, Action>> rule = NftRuleset.parseRuleComment(c.comment());
                if (rule.isEmpty()) {
                    rule = ruleId(c.name()).map(appliedRules::get);
                }
                rule.ifPresent(r -> rules.put(r.getKey(), List.of(new RuleStats(r.getKey(), r.getValue(), c.packets()))));
            } else {
                NftRuleset.parseDropCounter(c.name()).ifPresent(d ->
                        drops.computeIfAbsent(d.getKey(), k -> new TreeMap<>()).put(d.getValue(), c.packets()));
            }
        }
        return new NftCounters(rules, drops, traffic);
    }

    /** What the table holds now (chains, sets, counters, generation). */
    public synchronized NftTable inspect() {
        checkOpen();
        return read();
    }

    /** The table as nft lists it, JSON (for diagnostics and tests). */
    public synchronized String listing() {
        checkOpen();
        return run("list nftables table " + table, NftRuleset.document(NftRuleset.list(table)));
    }

    /** Deletes the table (and with it every chain, set and counter of it). */
    public synchronized void destroy() {
        checkOpen();
        run("delete nftables table " + table, NftRuleset.document(NftRuleset.destroy(table)));
    }

    /** Releases this handle; the table stays (use {@link #destroy()} to remove it). */
    @Override
    public synchronized void close() {
        closed = true;
    }

    private static Optional<Integer> ruleId(String counterName) {
        try {
            return Optional.of(Integer.parseInt(counterName.substring("rule_".length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private NftTable readOrEmpty() {
        try {
            return read();
        } catch (NftException e) {
            if (e.errorCode().equals("ENOENT")) {
                return NftTable.EMPTY;
            }
            throw e;
        }
    }

    private NftTable read() {
        return parse(run("list nftables table " + table, NftRuleset.document(NftRuleset.list(table))));
    }

    private NftTable parse(String listing) {
        try {
            return NftTable.parse(JSON.readTree(listing), table);
        } catch (JsonProcessingException e) {
            throw new NftException("list nftables table " + table, "NFT_ERROR", "unparseable JSON listing: " + e.getOriginalMessage());
        }
    }

    private String run(String operation, String document) {
        return node.run(() -> LibNftables.run(operation, document));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("nftables program of table " + table + " is closed");
        }
    }
}
