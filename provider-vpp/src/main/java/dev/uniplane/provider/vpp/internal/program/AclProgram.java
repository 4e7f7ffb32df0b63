package dev.uniplane.provider.vpp.internal.program;

import dev.uniplane.api.Action;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.provider.vpp.internal.program.AclEncoding.Ace;
import dev.uniplane.provider.vpp.internal.program.AclEncoding.EndpointAcls;
import dev.uniplane.provider.vpp.internal.stats.StatsSegment;
import dev.uniplane.provider.vpp.internal.stats.StatsSegmentSource;
import dev.uniplane.provider.vpp.internal.wire.Messages;
import dev.uniplane.provider.vpp.internal.wire.VppApiClient;
import dev.uniplane.provider.vpp.internal.wire.VppApiException;
import dev.uniplane.spi.policy.ResolvedPolicy;
import dev.uniplane.spi.policy.ResolvedRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Programs a resolved policy into VPP's ACL plugin, two ACLs per endpoint ({@link AclEncoding}: input = its egress
 * policy and anti-spoofing, output = its ingress policy), make-before-break: every new ACL is created first, then each
 * interface's ACL list is switched in one {@code acl_interface_set_acl_list} (atomic per interface), then the old ACLs
 * are deleted. On a failure the interfaces already switched get their old lists back and the new ACLs are deleted, so
 * the old policy stays in force.
 *
 * <p>No grandfathering: the plugin's sessions outlive an ACL change unless {@code reclassify-sessions} is on (then a
 * packet of a session made under an older ACL list of that interface direction is classified again), which no binary
 * API message sets: it is set once per connection with {@code cli_inband("set acl-plugin reclassify-sessions 1")}
 * (the startup.conf equivalent is {@code acl-plugin { reclassify sessions 1 }}).
 *
 * <p>Counters come from the stats segment ({@code /acl/<index>/matches}, one combined counter per ACE, enabled with
 * {@code acl_stats_intf_counters_enable}), mapped back through each ACE's {@link AceRole}. What the plugin cannot
 * give: it counts only packets that were classified, i.e. that matched no session: the first packet of each flow (and
 * every packet of a denied one), which is what a rule counter counts; but a flow's packets that arrive after an ACL
 * change are classified again (reclassify-sessions) and count again; there are no byte counts per rule here (the
 * plugin has them, the API has no place for them); drops of packets no ACL saw (non-IP) are not counted; and without
 * a stats socket every counter reads 0. Counters of replaced ACLs are carried over, so they stay monotonic; across a
 * VPP restart what the dead ACLs counted after the last {@link #counters()} call is lost.
 *
 * <p>Anti-spoofing is part of every endpoint's input ACL, so it is in force only for the endpoints of the last
 * {@link #apply} (call it with the empty set on attach, too).
 */
public final class AclProgram {
    private static final Logger LOG = LoggerFactory.getLogger(AclProgram.class);
    private static final String RECLASSIFY = "set acl-plugin reclassify-sessions 1";
    private static final int TAG_BYTES = 63;

    private final Object lock = new Object();
    private final StatsSegmentSource stats;
    private VppApiClient api;
    private boolean configured;
    private ResolvedPolicy policy;
    private List<AclEndpoint> endpoints = List.of();
    private List<Installed> installed = List.of();
    /** Counts of ACLs that no longer exist, carried so that counters stay monotonic. */
    private final Map<RuleRef, Long> retiredRules = new HashMap<>();
    private final Map<EndpointId, Map<DropReason, Long>> retiredDrops = new HashMap<>();
    /** The last counts read per ACL index, folded into the retired counts when VPP restarts. */
    private final Map<Integer, long[]> lastRead = new HashMap<>();

    /** One endpoint as programmed: its ACEs and the indexes of its two ACLs. */
    private record Installed(AclEndpoint endpoint, EndpointAcls acls, int input, int output) {
    }

    /** A program without counters (no stats socket): {@link #counters()} reads 0 everywhere. */
    public AclProgram(VppApiClient api) {
        this(api, new StatsSegmentSource(null));
    }

    /** A program that reads its counters from the stats segment behind {@code statsSocket} (opened when first needed). */
    public AclProgram(VppApiClient api, Path statsSocket) {
        this(api, new StatsSegmentSource(statsSocket));
    }

    /** A program that reads its counters from {@code stats}, a segment mapping shared with the dataplane's other readers. */
    public AclProgram(VppApiClient api, StatsSegmentSource stats) {
        this.api = Objects.requireNonNull(api, "api");
        this.stats = Objects.requireNonNull(stats, "stats");
    }

    /**
     * Programs the resolved policy (plus anti-spoofing on each endpoint's ingress) make-before-break: new ACLs are
     * created, then each interface's ACL list is switched in one message, then the old ACLs are deleted. On failure
     * nothing changes and a {@link dev.uniplane.spi.BackendFailure} is thrown ({@link VppApiException} for a VPP
     * error, {@link BackendException} when VPP cannot be reached); an {@link dev.uniplane.api.InvalidSpecException}
     * when the set is too large, before anything is touched.
     *
     * @param endpoints the local endpoints; list index == {@code PolicyEndpoint.index()} in {@code policy}
     */
    public void apply(ResolvedPolicy policy, List<AclEndpoint> endpoints) {
        Objects.requireNonNull(policy, "policy");
        List<AclEndpoint> copy = List.copyOf(endpoints);
        List<EndpointAcls> encoded = new ArrayList<>();
        for (int i = 0; i < copy.size(); i++) {
            encoded.add(AclEncoding.encode(policy, i, copy.get(i)));
        }
        synchronized (lock) {
            program(policy, copy, encoded);
        }
    }

    /** Re-creates everything after VPP restarted (all ACL indices are gone), on the same connection. */
    public void reapply() {
        synchronized (lock) {
            reapply(api, endpoints);
        }
    }

    /**
     * Re-creates everything after VPP restarted, through {@code reconnected} (the client of the new VPP process) and
     * with the endpoints' new interfaces ({@code endpoints} in the same order as before).
     */
    public void reapply(VppApiClient reconnected, List<AclEndpoint> endpoints) {
        synchronized (lock) {
            api = Objects.requireNonNull(reconnected, "reconnected");
            configured = false;
            stats.reset();
            // The old ACLs died with VPP: keep what they had counted, forget their indexes.
            for (Installed e : installed) {
                retire(e, lastRead.get(e.input()), true);
                retire(e, lastRead.get(e.output()), false);
            }
            lastRead.clear();
            installed = List.of();
            if (policy == null) {
                return;
            }
            List<AclEndpoint> copy = List.copyOf(endpoints);
            List<EndpointAcls> encoded = new ArrayList<>();
            for (int i = 0; i < copy.size(); i++) {
                encoded.add(AclEncoding.encode(policy, i, copy.get(i)));
            }
            program(policy, copy, encoded);
        }
    }

    /** Per rule counters and per-endpoint drop reasons, where the ACL plugin gives them (see the class comment). */
    public AclCounters counters() {
        synchronized (lock) {
            Map<RuleRef, Long> rules = new HashMap<>(retiredRules);
            Map<EndpointId, Map<DropReason, Long>> drops = new HashMap<>();
            retiredDrops.forEach((id, reasons) -> drops.put(id, new EnumMap<>(reasons)));
            for (Installed e : installed) {
                long[] in = read(e.input());
                long[] out = read(e.output());
                add(e, e.acls().input(), in, rules, drops);
                add(e, e.acls().output(), out, rules, drops);
            }
            Map<RuleRef, List<RuleStats>> ruleStats = new LinkedHashMap<>();
            if (policy != null) {
                for (ResolvedRule r : policy.rules()) {
                    ruleStats.put(r.ref(), List.of(new RuleStats(r.ref(), r.action(), rules.getOrDefault(r.ref(), 0L))));
                }
            }
            Map<EndpointId, Map<DropReason, Long>> endpointDrops = new HashMap<>();
            for (AclEndpoint e : endpoints) {
                Map<DropReason, Long> reasons = new EnumMap<>(DropReason.class);
                for (DropReason reason : List.of(DropReason.POLICY_DENIED, DropReason.POLICY_DEFAULT_DENY, DropReason.INVALID)) {
                    reasons.put(reason, drops.getOrDefault(e.id(), Map.of()).getOrDefault(reason, 0L));
                }
                endpointDrops.put(e.id(), Map.copyOf(reasons));
            }
            return new AclCounters(ruleStats, endpointDrops);
        }
    }

    /** Deletes every ACL this program created (the interfaces' ACL lists are emptied first). */
    public void clear() {
        synchronized (lock) {
            for (Installed e : installed) {
                bestEffort("acl_interface_set_acl_list", () -> api.call(
                        new Messages.AclInterfaceSetAclList(e.endpoint().swIfIndex(), List.of(), List.of())));
                retire(e, read(e.input()), true);
                retire(e, read(e.output()), false);
                bestEffort("acl_del", () -> api.call(new Messages.AclDel(e.input())));
                bestEffort("acl_del", () -> api.call(new Messages.AclDel(e.output())));
            }
            installed = List.of();
            lastRead.clear();
            policy = null;
            endpoints = List.of();
        }
    }

    /** The indexes of the ACLs in force, input then output per endpoint in order (for diagnostics and tests). */
    public List<Integer> aclIndexes() {
        synchronized (lock) {
            List<Integer> out = new ArrayList<>();
            installed.forEach(e -> {
                out.add(e.input());
                out.add(e.output());
            });
            return out;
        }
    }

    private void program(ResolvedPolicy newPolicy, List<AclEndpoint> newEndpoints, List<EndpointAcls> encoded) {
        configure();
        List<Integer> created = new ArrayList<>();
        List<Installed> next = new ArrayList<>();
        List<Installed> switched = new ArrayList<>();
        Map<Integer, Installed> oldBySwIfIndex = new HashMap<>();
        installed.forEach(e -> oldBySwIfIndex.put(e.endpoint().swIfIndex(), e));
        try {
            for (int i = 0; i < newEndpoints.size(); i++) {
                AclEndpoint endpoint = newEndpoints.get(i);
                int input = create(tag(endpoint, "in"), encoded.get(i).input(), created);
                int output = create(tag(endpoint, "out"), encoded.get(i).output(), created);
                next.add(new Installed(endpoint, encoded.get(i), input, output));
            }
            for (Installed e : next) {
                api.call(new Messages.AclInterfaceSetAclList(e.endpoint().swIfIndex(), List.of(e.input()),
                        List.of(e.output())));
                switched.add(e);
            }
        } catch (IOException | RuntimeException e) {
            rollBack(switched, oldBySwIfIndex, created);
            throw failure(e);
        }
        // In force. Interfaces that left the set lose their ACLs; then the old ACLs go (their counts are kept).
        java.util.Set<Integer> inUse = new java.util.HashSet<>();
        next.forEach(e -> inUse.add(e.endpoint().swIfIndex()));
        for (Installed old : installed) {
            if (!inUse.contains(old.endpoint().swIfIndex())) {
                bestEffort("acl_interface_set_acl_list", () -> api.call(
                        new Messages.AclInterfaceSetAclList(old.endpoint().swIfIndex(), List.of(), List.of())));
            }
            retire(old, read(old.input()), true);
            retire(old, read(old.output()), false);
            lastRead.remove(old.input());
            lastRead.remove(old.output());
            bestEffort("acl_del", () -> api.call(new Messages.AclDel(old.input())));
            bestEffort("acl_del", () -> api.call(new Messages.AclDel(old.output())));
        }
        policy = newPolicy;
        endpoints = newEndpoints;
        installed = List.copyOf(next);
        // An endpoint that is gone takes its carried drop counts with it.
        java.util.Set<EndpointId> ids = new java.util.HashSet<>();
        newEndpoints.forEach(e -> ids.add(e.id()));
        retiredDrops.keySet().retainAll(ids);
    }

    /** Counters on and sessions re-classified after an ACL change: once per connection (VPP forgets both on restart). */
    private void configure() {
        if (configured) {
            return;
        }
        try {
            api.call(new Messages.AclStatsIntfCountersEnable(true));
            String answer = api.call(new Messages.CliInband(RECLASSIFY));
            if (!answer.isBlank()) {
                throw new BackendException("apply policies", "VPP_CLI", "'" + RECLASSIFY + "' answered: " + answer.strip());
            }
        } catch (IOException | RuntimeException e) {
            throw failure(e);
        }
        configured = true;
    }

    private int create(String tag, List<Ace> aces, List<Integer> created) throws IOException {
        int index = api.call(new Messages.AclAddReplace(Messages.ALL_ONES, tag, aces.stream().map(Ace::rule).toList()));
        created.add(index);
        return index;
    }

    private void rollBack(List<Installed> switched, Map<Integer, Installed> old, List<Integer> created) {
        for (Installed e : switched) {
            Installed before = old.get(e.endpoint().swIfIndex());
            List<Integer> in = before == null ? List.of() : List.of(before.input());
            List<Integer> out = before == null ? List.of() : List.of(before.output());
            bestEffort("roll back acl_interface_set_acl_list", () -> api.call(
                    new Messages.AclInterfaceSetAclList(e.endpoint().swIfIndex(), in, out)));
        }
        for (int index : created) {
            bestEffort("roll back acl_add_replace", () -> api.call(new Messages.AclDel(index)));
        }
    }

    /** The per-ACE packet counts of ACL {@code index} (empty without stats), remembered for a restart. */
    private long[] read(int index) {
        Optional<StatsSegment> segment = stats.segment();
        if (segment.isEmpty()) {
            return new long[0];
        }
        long[] packets = segment.get().combinedCounter("/acl/" + index + "/matches").map(c -> {
            long[] out = new long[c.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = c.packets(i);
            }
            return out;
        }).orElse(new long[0]);
        lastRead.put(index, packets);
        return packets;
    }

    private void retire(Installed e, long[] packets, boolean input) {
        if (packets == null) {
            return;
        }
        Map<DropReason, Long> drops = retiredDrops.computeIfAbsent(e.endpoint().id(), id -> new EnumMap<>(DropReason.class));
        List<Ace> aces = e.acls().aces(input);
        for (int i = 0; i < aces.size() && i < packets.length; i++) {
            count(aces.get(i).role(), packets[i], retiredRules, drops);
        }
    }

    private static void add(Installed e, List<Ace> aces, long[] packets, Map<RuleRef, Long> rules,
                            Map<EndpointId, Map<DropReason, Long>> drops) {
        Map<DropReason, Long> reasons = drops.computeIfAbsent(e.endpoint().id(), id -> new EnumMap<>(DropReason.class));
        for (int i = 0; i < aces.size() && i < packets.length; i++) {
            count(aces.get(i).role(), packets[i], rules, reasons);
        }
    }

    private static void count(AceRole role, long packets, Map<RuleRef, Long> rules, Map<DropReason, Long> drops) {
        if (packets == 0) {
            return;
        }
        switch (role) {
            case AceRole.Rule r -> {
                rules.merge(r.ref(), packets, Long::sum);
                if (r.action() == Action.DENY) {
                    drops.merge(DropReason.POLICY_DENIED, packets, Long::sum);
                }
            }
            case AceRole.DefaultDeny d -> drops.merge(DropReason.POLICY_DEFAULT_DENY, packets, Long::sum);
            case AceRole.AntiSpoof s -> drops.merge(DropReason.INVALID, packets, Long::sum);
            case AceRole.Open o -> { }
            case AceRole.NeighborDiscovery n -> { }
        }
    }

    private static String tag(AclEndpoint endpoint, String direction) {
        String tag = "uniplane " + endpoint.id().value() + " " + direction;
        byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= TAG_BYTES ? tag : new String(bytes, 0, TAG_BYTES, StandardCharsets.US_ASCII);
    }

    private static RuntimeException failure(Exception e) {
        if (e instanceof VppApiException || e instanceof BackendException) {
            return (RuntimeException) e;
        }
        if (e instanceof IOException io) {
            return new BackendException("apply policies", "VPP_API_IO", io.getMessage(), io);
        }
        return (RuntimeException) e;
    }

    @FunctionalInterface
    private interface Call {
        void run() throws IOException;
    }

    private static void bestEffort(String what, Call call) {
        try {
            call.run();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} failed: {}", what, e.toString());
        }
    }
}
