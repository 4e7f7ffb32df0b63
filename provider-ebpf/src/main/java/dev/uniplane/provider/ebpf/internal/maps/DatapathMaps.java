package dev.uniplane.provider.ebpf.internal.maps;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.RuleRef;
import dev.uniplane.provider.ebpf.internal.ffm.BpfMap;
import dev.uniplane.provider.ebpf.internal.ffm.BpfObject;
import dev.uniplane.provider.ebpf.internal.ffm.BpfProgram;

/**
 * The loaded datapath object and typed access to every map: what the eBPF dataplane class drives. Single-writer:
 * the dataplane serialises calls (the program reads concurrently, which the slot flip makes safe for policy).
 */
public final class DatapathMaps implements AutoCloseable {

    /** Class-path location of the compiled object inside the provider jar. */
    public static final String RESOURCE = "dev/uniplane/provider/ebpf/uniplane.bpf.o";
    public static final String PROG_FROM_ENDPOINT = "from_endpoint";
    public static final String PROG_FROM_UPLINK = "from_uplink";

    private static final int BATCH = 4096;

    /** Every map of the object: what a dataplane pins to survive a restart. */
    public static final List<String> MAP_NAMES = List.of("up_state", "up_config", "up_endpoints", "up_ifindex",
            "up_src_routes", "up_routes_v4", "up_routes_v6", "up_nh_groups", "up_policy_slot0", "up_policy_slot1",
            "up_policy", "up_ipcache_v4_slot0", "up_ipcache_v4_slot1", "up_ipcache_v4", "up_ipcache_v6_slot0",
            "up_ipcache_v6_slot1", "up_ipcache_v6", "up_ct", "up_ep_stats", "up_rule_stats");

    private final BpfObject object;
    private final BpfMap state;
    private final BpfMap config;
    private final BpfMap endpoints;
    private final BpfMap ifindexes;
    private final BpfMap routesV4;
    private final BpfMap routesV6;
    private final BpfMap groups;
    private final BpfMap sourceRoutes;
    private final BpfMap policyOuter;
    private final BpfMap[] policy = new BpfMap[2];
    private final BpfMap[] ipcacheV4 = new BpfMap[2];
    private final BpfMap[] ipcacheV6 = new BpfMap[2];
    private final BpfMap conntrack;
    private final BpfMap endpointStats;
    private final BpfMap ruleStats;

    private DatapathMaps(BpfObject object) {
        this.object = object;
        state = object.map("up_state");
        config = object.map("up_config");
        endpoints = object.map("up_endpoints");
        ifindexes = object.map("up_ifindex");
        routesV4 = object.map("up_routes_v4");
        routesV6 = object.map("up_routes_v6");
        groups = object.map("up_nh_groups");
        sourceRoutes = object.map("up_src_routes");
        policyOuter = object.map("up_policy");
        for (int s = 0; s < 2; s++) {
            policy[s] = object.map("up_policy_slot" + s);
            ipcacheV4[s] = object.map("up_ipcache_v4_slot" + s);
            ipcacheV6[s] = object.map("up_ipcache_v6_slot" + s);
        }
        conntrack = object.map("up_ct");
        endpointStats = object.map("up_ep_stats");
        ruleStats = object.map("up_rule_stats");
    }

    /** Loads the object from the provider jar with the default capacities and default flow timeouts. */
    public static DatapathMaps load() {
        return load(Map.of());
    }

    /**
     * Loads the object with some map capacities changed (map name → max_entries; for slotted maps name both
     * slots, e.g. {@code up_policy_slot0} and {@code up_policy_slot1}, with the same value).
     */
    public static DatapathMaps load(Map<String, Integer> maxEntries) {
        DatapathMaps maps = load(maxEntries, null);
        maps.setConfig(new DatapathConfig(FlowTimeouts.DEFAULT, 0, 0));
        return maps;
    }

    /**
     * Loads the object with its maps pinned under {@code pinDir} (created if needed): maps already pinned there are
     * reused with their entries, the others are created and pinned. {@code null} pins nothing. The config map is left
     * as found, so an adopting caller sees the previous configuration.
     */
    public static DatapathMaps load(Map<String, Integer> maxEntries, java.nio.file.Path pinDir) {
        BpfObject obj = BpfObject.openResource(DatapathMaps.class.getClassLoader(), RESOURCE);
        try {
            maxEntries.forEach(obj::setMaxEntries);
            if (pinDir != null) {
                java.nio.file.Files.createDirectories(pinDir);
                for (String name : MAP_NAMES) {
                    obj.setPinPath(name, pinDir.resolve(name).toString());
                }
            }
            obj.load();
            return new DatapathMaps(obj);
        } catch (java.io.IOException e) {
            obj.close();
            throw new java.io.UncheckedIOException("cannot create the pin directory " + pinDir, e);
        } catch (RuntimeException | Error e) {
            obj.close();
            throw e;
        }
    }

    public BpfObject object() {
        return object;
    }

    public BpfProgram fromEndpoint() {
        return object.program(PROG_FROM_ENDPOINT);
    }

    public BpfProgram fromUplink() {
        return object.program(PROG_FROM_UPLINK);
    }

    /** A map by its C name, for tools and tests. */
    public BpfMap map(String name) {
        return object.map(name);
    }

    // ------------------------------------------------------------------------------------------ config

    public void setConfig(DatapathConfig value) {
        config.update(U32Value.encode(0), value.encode());
    }

    public DatapathConfig config() {
        return DatapathConfig.decode(config.lookup(U32Value.encode(0)).orElseThrow());
    }

    // ------------------------------------------------------------------------------------------ endpoints

    /** Adds or replaces one address of a local or remote endpoint. */
    public void putEndpointAddress(IpAddress address, EndpointRecord record) {
        endpoints.update(new EndpointKey(address).encode(), record.encode());
    }

    public boolean removeEndpointAddress(IpAddress address) {
        return endpoints.delete(new EndpointKey(address).encode());
    }

    public Optional<EndpointRecord> endpointAddress(IpAddress address) {
        return endpoints.lookup(new EndpointKey(address).encode()).map(EndpointRecord::decode);
    }

    /** Every endpoint address (for adoption after a restart). */
    public Map<IpAddress, EndpointRecord> endpointAddresses() {
        Map<IpAddress, EndpointRecord> out = new HashMap<>();
        for (byte[] k : endpoints.keys()) {
            endpoints.lookup(k).ifPresent(v -> out.put(EndpointKey.decode(k).address(), EndpointRecord.decode(v)));
        }
        return out;
    }

    /** Maps a host veth ifindex to its endpoint index (the sender of packets arriving there). */
    public void putIfindex(int ifindex, int endpointIndex) {
        ifindexes.update(U32Value.encode(ifindex), U32Value.encode(endpointIndex));
    }

    public boolean removeIfindex(int ifindex) {
        return ifindexes.delete(U32Value.encode(ifindex));
    }

    // ------------------------------------------------------------------------------------------ routes

    /** Points a prefix at a next-hop group (write the group first). */
    public void putRoute(IpPrefix prefix, int group) {
        routes(prefix.family()).update(new LpmKey(prefix).encode(), U32Value.encode(group));
    }

    public boolean removeRoute(IpPrefix prefix) {
        return routes(prefix.family()).delete(new LpmKey(prefix).encode());
    }

    public Optional<Integer> route(IpPrefix prefix) {
        return routes(prefix.family()).lookup(new LpmKey(prefix).encode()).map(U32Value::decode);
    }

    /** {@link #putRoutes(Map, Map, java.util.Collection)} without removals. */
    public void putRoutes(Map<Integer, NextHopGroup> newGroups, Map<IpPrefix, Integer> prefixes) {
        putRoutes(newGroups, prefixes, List.of());
    }

    /**
     * Deletes the removed prefixes (those not written again), writes many groups, then points many prefixes at them,
     * with batch updates (the program never follows a prefix into an unwritten group: groups go first). Removing first
     * lets a batch that replaces some routes by others fit a full map ({@link RouteCapacity}).
     */
    public void putRoutes(Map<Integer, NextHopGroup> newGroups, Map<IpPrefix, Integer> prefixes,
                          java.util.Collection<IpPrefix> removals) {
        removals.stream().filter(p -> !prefixes.containsKey(p)).forEach(this::removeRoute);
        List<byte[]> gk = new ArrayList<>();
        List<byte[]> gv = new ArrayList<>();
        newGroups.forEach((g, v) -> {
            checkGroup(g);
            gk.add(U32Value.encode(g));
            gv.add(v.encode());
        });
        groups.updateBatch(gk, gv, BATCH);
        for (IpFamily f : IpFamily.values()) {
            List<byte[]> rk = new ArrayList<>();
            List<byte[]> rv = new ArrayList<>();
            prefixes.forEach((p, g) -> {
                if (p.family() == f) {
                    rk.add(new LpmKey(p).encode());
                    rv.add(U32Value.encode(g));
                }
            });
            routes(f).updateBatch(rk, rv, BATCH);
        }
    }

    /** The max_entries of the maps a route batch fills ({@link RouteCapacity#check}, before anything is written). */
    public RouteCapacity routeCapacity() {
        return new RouteCapacity(routesV4.maxEntries(), routesV6.maxEntries(), sourceRoutes.maxEntries());
    }

    /** Lets the endpoint behind {@code hostIfindex} send from addresses in {@code prefix} (routed to it). */
    public void putSourceRoute(int hostIfindex, IpPrefix prefix) {
        sourceRoutes.update(new SourceRouteKey(hostIfindex, prefix).encode(), new byte[] {1});
    }

    /** Removes the pins under {@code pinDir} and the directory; the maps live on while programs use them. */
    public static void unpin(java.nio.file.Path pinDir) {
        try {
            if (java.nio.file.Files.isDirectory(pinDir)) {
                try (var files = java.nio.file.Files.list(pinDir)) {
                    for (java.nio.file.Path f : files.toList()) {
                        java.nio.file.Files.deleteIfExists(f);
                    }
                }
                java.nio.file.Files.deleteIfExists(pinDir);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot remove the pins under " + pinDir, e);
        }
    }

    public boolean removeSourceRoute(int hostIfindex, IpPrefix prefix) {
        return sourceRoutes.delete(new SourceRouteKey(hostIfindex, prefix).encode());
    }

    /** Writes next-hop group {@code group} (0..max_entries-1); one update, so the program sees old or new hops. */
    public void putNextHopGroup(int group, NextHopGroup value) {
        checkGroup(group);
        groups.update(U32Value.encode(group), value.encode());
    }

    /** Empties a group (count 0: NO_ROUTE for any route still pointing at it). */
    public void clearNextHopGroup(int group) {
        putNextHopGroup(group, new NextHopGroup(List.of()));
    }

    public NextHopGroup nextHopGroup(int group) {
        checkGroup(group);
        return NextHopGroup.decode(groups.lookup(U32Value.encode(group)).orElseThrow());
    }

    public int maxNextHopGroups() {
        return groups.maxEntries();
    }

    private void checkGroup(int group) {
        if (group < 0 || group >= groups.maxEntries()) {
            throw new IllegalArgumentException("next-hop group " + group + " outside 0.." + (groups.maxEntries() - 1)
                    + " (up_nh_groups max_entries)");
        }
    }

    private BpfMap routes(IpFamily family) {
        return family == IpFamily.IPV4 ? routesV4 : routesV6;
    }

    // ------------------------------------------------------------------------------------------ policy

    /** The compiler limits that match this object's map capacities. */
    public PolicyCompiler.Limits limits() {
        return new PolicyCompiler.Limits(policy[0].maxEntries(), Math.min(ipcacheV4[0].maxEntries(),
                ipcacheV6[0].maxEntries()), ruleStats.maxEntries() / 2 - 1);
    }

    /** The live slot and revision ({@code 0, 0} before the first apply). */
    public PolicyState policyState() {
        return state.lookup(U32Value.encode(0)).map(PolicyState::decode).orElse(new PolicyState(0, 0));
    }

    /**
     * Installs a compiled policy atomically: fills the inactive slot's inner maps (policy LPM, both ipcaches),
     * zeroes the inactive half of the rule counters, then flips {@code up_state} with one update (new slot,
     * revision + 1), and waits until no program run can still be using the old set. Packets see the old set until
     * the flip and the whole new set after it; tracked flows are re-evaluated at their next packet because the
     * revision changed.
     *
     * @return the new state
     */
    public PolicyState applyPolicy(CompiledPolicy compiled) {
        Objects.requireNonNull(compiled, "compiled");
        PolicyCompiler.Limits limits = limits();
        if (compiled.entries().size() > limits.policyEntries() || compiled.rules().size() > limits.rules()) {
            throw new IllegalArgumentException("compiled policy exceeds " + limits + "; compile with limits()");
        }
        PolicyState current = policyState();
        int slot = current.inactiveSlot();
        int base = ruleBase(slot);

        policy[slot].clear();
        List<byte[]> keys = new ArrayList<>(compiled.entries().size());
        List<byte[]> values = new ArrayList<>(compiled.entries().size());
        compiled.entries().forEach((k, v) -> {
            keys.add(k.encode());
            values.add(new PolicyValue(v.verdict(), v.ruleId() == 0 ? 0 : v.ruleId() + base).encode());
        });
        policy[slot].updateBatch(keys, values, BATCH);

        for (IpFamily f : IpFamily.values()) {
            BpfMap ipcache = f == IpFamily.IPV4 ? ipcacheV4[slot] : ipcacheV6[slot];
            ipcache.clear();
            List<byte[]> ck = new ArrayList<>();
            List<byte[]> cv = new ArrayList<>();
            for (CompiledPolicy.PrefixIdentity p : compiled.ipcache(f)) {
                ck.add(new LpmKey(p.prefix()).encode());
                cv.add(U32Value.encode(p.identity()));
            }
            ipcache.updateBatch(ck, cv, BATCH);
        }

        byte[] zero = new byte[ruleStats.valueSize()];
        for (int id = 1; id <= compiled.rules().size(); id++) {
            ruleStats.updatePerCpu(U32Value.encode(base + id), zero);
        }

        PolicyState next = new PolicyState(slot, current.revision() + 1);
        state.update(U32Value.encode(0), next.encode()); // the flip: ONE update, a hash element swap
        waitForRunningPrograms(slot);
        return next;
    }

    /**
     * Re-stores the live slot's inner map into {@code up_policy}: the kernel answers every ARRAY_OF_MAPS update with
     * synchronize_rcu(), so when this returns no program run that read the previous flip word is still going. Hence
     * the old set is out of force when {@link #applyPolicy} returns, and the next apply may refill the other slot.
     */
    private void waitForRunningPrograms(int liveSlot) {
        policyOuter.update(U32Value.encode(liveSlot), U32Value.encode(policy[liveSlot].fd()));
    }

    /** Packets decided by each rule of {@code compiled}, which must be the policy last applied. */
    public Map<RuleRef, Long> ruleCounters(CompiledPolicy compiled) {
        int base = ruleBase(policyState().activeSlot());
        Map<RuleRef, Long> out = new HashMap<>();
        for (int id = 1; id <= compiled.rules().size(); id++) {
            out.put(compiled.rules().get(id - 1), ruleStats.sumPerCpuCounters(U32Value.encode(base + id))[0]);
        }
        return out;
    }

    /** Slot {@code s} uses rule counter ids {@code s * max/2 + 1 ...}, so an apply never resets live counters. */
    private int ruleBase(int slot) {
        return slot * (ruleStats.maxEntries() / 2);
    }

    // ------------------------------------------------------------------------------------------ counters, conntrack

    public EndpointCounters endpointCounters(int endpointIndex) {
        return EndpointCounters.fromWords(endpointStats.sumPerCpuCounters(U32Value.encode(endpointIndex)));
    }

    /** Zeroes an endpoint index's counters (on attach, so counters start at attach). */
    public void resetEndpointCounters(int endpointIndex) {
        endpointStats.updatePerCpu(U32Value.encode(endpointIndex), new byte[EndpointCounters.SIZE]);
    }

    public Optional<CtEntry> conntrack(CtKey key) {
        return conntrack.lookup(key.encode()).map(CtEntry::decode);
    }

    public int flushConntrack() {
        return conntrack.clear();
    }

    @Override
    public void close() {
        object.close();
    }
}
