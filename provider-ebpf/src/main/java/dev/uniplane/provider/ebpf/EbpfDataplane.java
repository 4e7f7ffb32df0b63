package dev.uniplane.provider.ebpf;

import dev.uniplane.linux.VethWorkload;
import dev.uniplane.api.Action;
import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.ebpf.internal.ffm.TcAttachment;
import dev.uniplane.provider.ebpf.internal.program.CompiledPolicy;
import dev.uniplane.provider.ebpf.internal.program.DatapathConfig;
import dev.uniplane.provider.ebpf.internal.program.DatapathMaps;
import dev.uniplane.provider.ebpf.internal.program.EndpointCounters;
import dev.uniplane.provider.ebpf.internal.program.EndpointRecord;
import dev.uniplane.provider.ebpf.internal.program.Identities;
import dev.uniplane.provider.ebpf.internal.program.NextHopGroup;
import dev.uniplane.provider.ebpf.internal.program.PolicyCompiler;
import dev.uniplane.provider.ebpf.internal.program.RouteEncoder;
import dev.uniplane.provider.ebpf.internal.state.EbpfEndpointState;
import dev.uniplane.provider.ebpf.internal.state.EbpfState;
import dev.uniplane.spi.AdoptionResult;
import dev.uniplane.spi.BackendErrors;
import dev.uniplane.spi.AbstractDataplane;
import dev.uniplane.spi.state.SavedDataplane;
import dev.uniplane.spi.HostInterfaceNames;
import dev.uniplane.spi.NamespaceErrors;
import dev.uniplane.provider.ebpf.internal.host.Uplink;
import dev.uniplane.provider.ebpf.internal.host.Wiring;
import dev.uniplane.provider.ebpf.internal.program.NextHopGroups;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The eBPF dataplane: tc programs on the host side of each endpoint's veth and on the uplink, driven through maps
 * ({@link DatapathMaps}). Workloads get a /32 (/128) address and a default route to a fixed gateway (169.254.1.1,
 * fe80::1) whose MAC is pinned in a permanent neighbour entry, so no bridge and no ARP proxy are needed; the programs
 * deliver with {@code bpf_redirect_peer} and send to gateways with {@code bpf_redirect_neigh}.
 *
 * <p>Everything runs in the node namespace ({@link DataplaneConfig#hostNetns()}): links are made through a netlink
 * socket opened there, and tc attachments happen on a thread that entered it.
 *
 * <p>{@link #close()} leaves programs, pinned maps and the saved state in force; the next open of the name adopts them
 * ({@link EbpfAdoption}). The desired state is the SPI's ({@link #desired()}); this class keeps only backend handles.
 */
final class EbpfDataplane extends AbstractDataplane {
    private static final Logger LOG = LoggerFactory.getLogger(EbpfDataplane.class);
    static final Set<String> OPTIONS = Set.of("maps.policy-entries", "maps.routes", "maps.conntrack");
    private static final int MAX_ENDPOINTS = 4095;
    private static final int TC_HANDLE = 1;
    private static final int TC_PRIORITY = 1;

    // The backend handles of what is in force; EbpfAdoption fills them when a later open adopts the dataplane.
    private final NetNs node;
    final RtNetlink nodeLinks;
    final DatapathMaps maps;
    private final PolicyCompiler compiler;
    Identities.Allocator identities = new Identities.Allocator();
    final Map<EndpointId, Wiring> wirings = new LinkedHashMap<>();
    final BitSet usedIndexes = new BitSet();
    final Map<IpPrefix, Integer> routeGroups = new HashMap<>();
    /** Per routed prefix, the host ifindexes of its endpoint next hops (they may send from that prefix). */
    final Map<IpPrefix, Set<Integer>> sourceRoutes = new HashMap<>();
    final NextHopGroups groups;
    final Map<String, List<PolicyCompiler.AddressIdentity>> remoteIdentities = new LinkedHashMap<>();
    final int uplinkIfindex;
    private final Path pinDir;
    private CompiledPolicy compiled;
    private boolean released;

    private EbpfDataplane(DataplaneConfig config, Capabilities capabilities, NetNs node, RtNetlink nodeLinks,
                          DatapathMaps maps, int uplinkIfindex, Path pinDir) {
        super(EbpfProvider.NAME, config, capabilities);
        this.pinDir = pinDir;
        this.node = node;
        this.nodeLinks = nodeLinks;
        this.maps = maps;
        this.compiler = new PolicyCompiler(maps.limits());
        this.groups = new NextHopGroups(maps.maxNextHopGroups());
        this.uplinkIfindex = uplinkIfindex;
        usedIndexes.set(0); // index 0 counts unattributed traffic
    }

    static EbpfDataplane open(DataplaneConfig config, Capabilities capabilities) {
        config.rejectUnknownOptions(EbpfProvider.NAME, OPTIONS);
        Map<String, Integer> sizes = new HashMap<>();
        int policyEntries = config.positiveIntOption("maps.policy-entries", 0);
        if (policyEntries > 0) {
            sizes.put("up_policy_slot0", policyEntries);
            sizes.put("up_policy_slot1", policyEntries);
        }
        int routes = config.positiveIntOption("maps.routes", 0);
        if (routes > 0) {
            sizes.put("up_routes_v4", routes);
            sizes.put("up_routes_v6", routes);
        }
        int conntrack = config.positiveIntOption("maps.conntrack", 0);
        if (conntrack > 0) {
            sizes.put("up_ct", conntrack);
        }
        NetNs node = openNode(config);
        RtNetlink links = null;
        DatapathMaps maps = null;
        try {
            links = RtNetlink.open(node);
            int uplink = 0;
            if (config.uplinkInterface().isPresent()) {
                String name = config.uplinkInterface().get();
                RtNetlink l = links;
                uplink = l.findLink(name).orElseThrow(() -> new InvalidSpecException("uplink", name,
                        "no such interface in the node namespace " + node.path())).index();
                Uplink.recordBefore(links, name, config.name());
            }
            Path pins = EbpfAdoption.pinDirOf(config.name());
            Path state = SavedDataplane.file(EbpfProvider.NAME, config.name());
            Optional<SavedDataplane> saved = EbpfAdoption.savedState(pins, state);
            maps = DatapathMaps.load(sizes, pins);
            maps.setConfig(new DatapathConfig(config.flowTimeouts(), uplink, 0));
            EbpfDataplane dp = new EbpfDataplane(config, capabilities, node, links, maps, uplink, pins);
            if (saved.isPresent()) {
                dp.keepSavedState(state, saved);
                LOG.info("eBPF dataplane {} adopted its pinned state in {}", config.name(), node.path());
                return dp;
            }
            if (uplink != 0) {
                try {
                    dp.attachProgram(uplink, true);
                } catch (dev.uniplane.provider.ebpf.internal.ffm.BpfException e) {
                    if (e.errno() == dev.uniplane.linux.Errno.EEXIST) {
                        throw new dev.uniplane.api.ConflictException("uplink " + config.uplink()
                                + " already carries a tc ingress program (handle 1, priority 1): another dataplane owns it");
                    }
                    throw e;
                }
            }
            dp.compilePolicy(PolicySet.empty(), List.of());
            dp.keepSavedState(state, Optional.empty());
            LOG.info("eBPF dataplane {} open in {} (uplink {})", config.name(), config.hostNetnsPath().orElse("the caller's namespace"), config.uplinkInterface().orElse("none"));
            return dp;
        } catch (RuntimeException | java.io.IOException e) {
            if (maps != null) {
                maps.close();
            }
            Uplink.forgetAfterFailedFirstOpen(links, config.name());
            if (links != null) {
                links.close();
            }
            node.close();
            throw BackendErrors.translate("open dataplane " + config.name(), e instanceof RuntimeException re ? re : new java.io.UncheckedIOException((java.io.IOException) e));
        }
    }

    private static NetNs openNode(DataplaneConfig config) {
        return NetNs.open(config.hostNetnsPath().map(Path::of), e -> NamespaceErrors.node(config, e.errnoName()));
    }

    // --- attach ---------------------------------------------------------------------------------------------------

    @Override
    protected Endpoint backendAttach(AttachSpec spec, AttachKind kind) {
        int index = usedIndexes.nextClearBit(1);
        if (index > MAX_ENDPOINTS) {
            throw new BackendException("attach " + spec.id(), "ENOSPC", "more than " + MAX_ENDPOINTS + " endpoints (up_ep_stats)");
        }
        String hostName = hostInterfaceName(index);
        Wiring wiring = null;
        try {
            MacAddress mac = spec.macAddress().orElseGet(() -> MacAddress.locallyAdministered(
                    ((long) name().hashCode() << 16) ^ index ^ ((long) spec.id().hashCode() << 24)));
            var host = VethWorkload.createWithHostEndAsGateway(nodeLinks, hostName, spec, mac, Set.of());
            MacAddress hostMac = host.mac();
            nodeLinks.setUp(host.index(), true);
            List<PolicyCompiler.AddressIdentity> ids = spec.addresses().stream()
                    .map(a -> new PolicyCompiler.AddressIdentity(a, identities.next())).toList();
            wiring = new Wiring(index, hostName, host.index(), mac, hostMac, ids, spec);
            attachProgram(host.index(), false);
            maps.resetEndpointCounters(index);
            for (PolicyCompiler.AddressIdentity id : ids) {
                maps.putEndpointAddress(id.address(), localRecord(index, host.index(), mac, hostMac, id, desired().routes()));
            }
            maps.putIfindex(host.index(), index);
            wirings.put(spec.id(), wiring);
            usedIndexes.set(index);
            // Selectors may match the new endpoint: recompile with it.
            compilePolicy(desired().policies(), desired().remotes().values());
            return endpointOf(wiring, kind);
        } catch (RuntimeException e) {
            wirings.remove(spec.id());
            usedIndexes.clear(index);
            if (wiring != null) {
                removeFromMaps(wiring);
            }
            nodeLinks.deleteLinkIfPresent(hostName);
            throw e;
        }
    }

    private String hostInterfaceName(int index) {
        return HostInterfaceNames.of(name(), "e", index);
    }

    private void attachProgram(int ifindex, boolean uplink) {
        attachProgram(ifindex, uplink, false);
    }

    /** With {@code replace}, swaps the program of our existing filter atomically (adoption after a restart). */
    void attachProgram(int ifindex, boolean uplink, boolean replace) {
        node.execute(() -> {
            TcAttachment.createHook(ifindex);
            TcAttachment.attach(ifindex, TcAttachment.Point.INGRESS, uplink ? maps.fromUplink() : maps.fromEndpoint(),
                    TC_HANDLE, TC_PRIORITY, replace);
        });
    }

    @Override
    protected void backendDetach(Endpoint endpoint) {
        Wiring w = wirings.get(endpoint.id());
        removeFromMaps(w);
        nodeLinks.deleteLinkIfPresent(w.hostName());
        wirings.remove(endpoint.id());
        usedIndexes.clear(w.index());
        compilePolicy(desired().policies(), desired().remotes().values());
    }

    static Endpoint endpointOf(Wiring w, AttachKind kind) {
        return new Endpoint(w.spec(), kind, w.hostName(), w.mac(), w.hostMac());
    }

    void removeFromMaps(Wiring w) {
        w.identities().forEach(id -> maps.removeEndpointAddress(id.address()));
        maps.removeIfindex(w.hostIfindex());
    }


    // --- routes ---------------------------------------------------------------------------------------------------

    @Override
    protected void backendUpdateRoutes(List<Route> upserts, List<IpPrefix> removals, Map<IpPrefix, Route> all) {
        // Encode everything first: a bad route fails before any map changes.
        Map<IpPrefix, NextHopGroup> encoded = new LinkedHashMap<>();
        for (Route r : upserts) {
            encoded.put(r.prefix(), encode(r));
        }
        if (!groups.fits(encoded.values())) {
            throw new InvalidSpecException("routes", groups.inUse() + groups.missing(encoded.values()) + " distinct next-hop sets",
                    "exceeds up_nh_groups max_entries=" + groups.capacity());
        }
        maps.routeCapacity().check(routeGroups.keySet(), sourceRoutes, encoded, removals);
        RouteRollback rollback = new RouteRollback(Map.copyOf(routeGroups), Map.copyOf(sourceRoutes), groups.snapshot());
        try {
            writeRoutes(encoded, removals, all);
        } catch (RuntimeException e) {
            // Capacity was checked, so this is the kernel refusing a write half-way: put back what was in force.
            rollBack(rollback, encoded.keySet(), removals, e);
            throw e;
        }
    }

    /** What the route bookkeeping was before a batch, to put back when the kernel refuses part of it. */
    private record RouteRollback(Map<IpPrefix, Integer> routeGroups, Map<IpPrefix, Set<Integer>> sourceRoutes,
                                 NextHopGroups.Snapshot groups) {
    }

    private void rollBack(RouteRollback before, Set<IpPrefix> upserted, List<IpPrefix> removals, RuntimeException failure) {
        Set<IpPrefix> touched = new java.util.LinkedHashSet<>(upserted);
        touched.addAll(removals);
        Set<Integer> groupsAfterFailure = groups.ids();
        groups.restore(before.groups());
        routeGroups.clear();
        routeGroups.putAll(before.routeGroups());
        Map<Integer, NextHopGroup> rewrite = new LinkedHashMap<>();
        Map<IpPrefix, Integer> restore = new LinkedHashMap<>();
        List<IpPrefix> delete = new ArrayList<>();
        for (IpPrefix prefix : touched) {
            Integer group = before.routeGroups().get(prefix);
            if (group == null) {
                delete.add(prefix);
            } else {
                restore.put(prefix, group);
                rewrite.put(group, groups.value(group));
            }
        }
        // Each step on its own: the map that refused the batch may refuse its part of the undo too.
        bestEffort(failure, () -> maps.putRoutes(rewrite, restore, List.of()));
        delete.forEach(prefix -> bestEffort(failure, () -> maps.removeRoute(prefix)));
        groupsAfterFailure.stream().filter(id -> !groups.isReferenced(id))
                .forEach(id -> bestEffort(failure, () -> maps.clearNextHopGroup(id)));
        for (IpPrefix prefix : touched) {
            Set<Integer> wanted = before.sourceRoutes().getOrDefault(prefix, Set.of());
            Set<Integer> present = new java.util.HashSet<>(sourceRoutes.getOrDefault(prefix, Set.of()));
            present.addAll(wanted);
            sourceRoutes.put(prefix, present); // as if all were there, so setSourceRoutes deletes every stray one
            bestEffort(failure, () -> setSourceRoutes(prefix, wanted));
        }
    }

    private static void bestEffort(RuntimeException failure, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private void writeRoutes(Map<IpPrefix, NextHopGroup> encoded, List<IpPrefix> removals, Map<IpPrefix, Route> all) {
        Map<Integer, NextHopGroup> groupWrites = new LinkedHashMap<>();
        Map<IpPrefix, Integer> prefixWrites = new LinkedHashMap<>();
        List<Integer> released = new ArrayList<>();
        for (var e : encoded.entrySet()) {
            int group = groups.retain(e.getValue(), groupWrites);
            Integer previous = routeGroups.put(e.getKey(), group);
            if (previous != null) {
                released.add(previous);
            }
            prefixWrites.put(e.getKey(), group);
        }
        // Batched: new groups first, then the prefixes (bpf_map_update_batch, see NOTES 2.6).
        maps.putRoutes(groupWrites, prefixWrites, removals);
        for (var e : encoded.entrySet()) {
            setSourceRoutes(e.getKey(), e.getValue().hops().stream()
                    .filter(h -> h.type() == dev.uniplane.provider.ebpf.internal.program.NextHopEntry.Type.ENDPOINT)
                    .map(h -> h.ifindex()).collect(java.util.stream.Collectors.toSet()));
        }
        for (IpPrefix prefix : removals) {
            Integer group = routeGroups.remove(prefix);
            setSourceRoutes(prefix, Set.of());
            maps.removeRoute(prefix);
            if (group != null) {
                released.add(group);
            }
        }
        // Only now that no prefix points at them may unused groups be emptied.
        released.stream().filter(groups::release).forEach(maps::clearNextHopGroup);
        // An explicit host route for an endpoint's address takes its traffic (the endpoint record says so).
        java.util.stream.Stream.concat(encoded.keySet().stream(), removals.stream())
                .filter(IpPrefix::isHost).forEach(prefix -> refreshEndpointRecord(prefix, all));
    }

    NextHopGroup encode(Route r) {
        return RouteEncoder.group(r, uplinkIfindex, id -> Optional.ofNullable(wirings.get(id))
                .map(w -> new RouteEncoder.LocalHop(w.index(), w.hostIfindex(), w.mac(), w.hostMac())));
    }

    /** The record of a local endpoint address, flagged ROUTED while an explicit host route overrides it. */
    private EndpointRecord localRecord(int index, int ifindex, MacAddress mac, MacAddress hostMac, PolicyCompiler.AddressIdentity id,
                                       Map<IpPrefix, Route> routes) {
        boolean routed = routes.containsKey(IpPrefix.host(id.address()));
        return new EndpointRecord(index, ifindex, mac, hostMac, id.identity(),
                EndpointRecord.LOCAL | (routed ? EndpointRecord.ROUTED : 0));
    }

    private void refreshEndpointRecord(IpPrefix hostPrefix, Map<IpPrefix, Route> routes) {
        for (Wiring w : wirings.values()) {
            for (PolicyCompiler.AddressIdentity id : w.identities()) {
                if (IpPrefix.host(id.address()).equals(hostPrefix)) {
                    maps.putEndpointAddress(id.address(), localRecord(w.index(), w.hostIfindex(), w.mac(), w.hostMac(), id, routes));
                }
            }
        }
    }

    private void setSourceRoutes(IpPrefix prefix, Set<Integer> ifindexes) {
        Set<Integer> before = sourceRoutes.getOrDefault(prefix, Set.of());
        before.stream().filter(i -> !ifindexes.contains(i)).forEach(i -> maps.removeSourceRoute(i, prefix));
        ifindexes.stream().filter(i -> !before.contains(i)).forEach(i -> maps.putSourceRoute(i, prefix));
        if (ifindexes.isEmpty()) {
            sourceRoutes.remove(prefix);
        } else {
            sourceRoutes.put(prefix, Set.copyOf(ifindexes));
        }
    }

    // --- policy ---------------------------------------------------------------------------------------------------

    @Override
    protected void backendApplyPolicies(PolicySet policies) {
        compilePolicy(policies, desired().remotes().values());
    }

    /**
     * Compiles against the wired endpoints and {@code remoteEndpoints} (with the identities in {@link #remoteIdentities})
     * and flips it in atomically; a failure changes nothing.
     */
    void compilePolicy(PolicySet set, Collection<RemoteEndpoint> remoteEndpoints) {
        List<PolicyCompiler.LocalEndpoint> locals = new ArrayList<>();
        wirings.values().forEach(w -> locals.add(new PolicyCompiler.LocalEndpoint(w.index(), w.spec().labels(), w.identities())));
        List<PolicyCompiler.RemoteEndpoint> remotes = new ArrayList<>();
        remoteEndpoints.forEach(r -> remotes.add(new PolicyCompiler.RemoteEndpoint(r.id(), r.labels(), remoteIdentities.get(r.id()))));
        CompiledPolicy next = compiler.compile(set, locals, remotes);
        maps.applyPolicy(next);
        compiled = next;
    }

    @Override
    protected void backendSetRemotes(List<RemoteEndpoint> remotes) {
        Map<String, List<PolicyCompiler.AddressIdentity>> nextIds = new LinkedHashMap<>();
        for (RemoteEndpoint r : remotes) {
            List<PolicyCompiler.AddressIdentity> old = remoteIdentities.getOrDefault(r.id(), List.of());
            nextIds.put(r.id(), r.addresses().stream().map(a -> old.stream().filter(o -> o.address().equals(a)).findFirst()
                    .orElseGet(() -> new PolicyCompiler.AddressIdentity(a, identities.next()))).toList());
        }
        Map<String, List<PolicyCompiler.AddressIdentity>> previous = new LinkedHashMap<>(remoteIdentities);
        replaceRemotes(nextIds);
        try {
            compilePolicy(desired().policies(), remotes);
        } catch (RuntimeException e) {
            replaceRemotes(previous);
            throw e;
        }
    }

    private void replaceRemotes(Map<String, List<PolicyCompiler.AddressIdentity>> ids) {
        remoteIdentities.values().forEach(l -> l.forEach(a -> maps.removeEndpointAddress(a.address())));
        remoteIdentities.clear();
        remoteIdentities.putAll(ids);
        remoteIdentities.values().forEach(l -> l.forEach(a -> maps.putEndpointAddress(a.address(), EndpointRecord.remote(a.identity()))));
    }

    @Override
    protected dev.uniplane.spi.BackendView backendInspect() {
        return new EbpfInspector(this).inspect();
    }

    // --- stats ----------------------------------------------------------------------------------------------------

    @Override
    protected StatsSnapshot backendStats() {
        Instant now = Instant.now();
        Map<EndpointId, EndpointStats> eps = new LinkedHashMap<>();
        wirings.forEach((id, w) -> {
            EndpointCounters c = maps.endpointCounters(w.index());
            Map<DropReason, Long> drops = new HashMap<>();
            for (DropReason r : DropReason.values()) {
                drops.put(r, c.drops(r));
            }
            eps.put(id, new EndpointStats(id, c.rxPackets(), c.rxBytes(), c.txPackets(), c.txBytes(), drops));
        });
        Map<RuleRef, RuleStats> rules = new LinkedHashMap<>();
        maps.ruleCounters(compiled).forEach((ref, packets) -> rules.put(ref, new RuleStats(ref, actionOf(ref), packets)));
        return new StatsSnapshot(now, eps, rules, Map.of(MAP_USAGE, mapUsage()));
    }

    /** The {@link StatsSnapshot#extensions()} entry with the maps' fill: a row per map, gauges {@code used}/{@code limit}. */
    public static final String MAP_USAGE = "ebpf.maps";

    /** How full the bounded maps are, from this dataplane's bookkeeping (what it wrote), against their max_entries. */
    private dev.uniplane.api.ProviderStats mapUsage() {
        dev.uniplane.provider.ebpf.internal.program.RouteCapacity capacity = maps.routeCapacity();
        PolicyCompiler.Limits limits = maps.limits();
        long v4 = routeGroups.keySet().stream().filter(p -> p.family() == dev.uniplane.api.IpFamily.IPV4).count();
        Map<String, dev.uniplane.api.ProviderStats.Row> rows = new LinkedHashMap<>();
        rows.put("up_routes_v4", usage(v4, capacity.routesV4()));
        rows.put("up_routes_v6", usage(routeGroups.size() - v4, capacity.routesV6()));
        rows.put("up_src_routes", usage(sourceRoutes.values().stream().mapToLong(Set::size).sum(), capacity.sourceRoutes()));
        rows.put("up_nh_groups", usage(groups.inUse(), groups.capacity()));
        rows.put("up_policy", usage(compiled == null ? 0 : compiled.entries().size(), limits.policyEntries()));
        rows.put("up_rule_stats", usage(compiled == null ? 0 : compiled.rules().size(), limits.rules()));
        return new dev.uniplane.api.ProviderStats(rows);
    }

    private static dev.uniplane.api.ProviderStats.Row usage(long used, long limit) {
        return new dev.uniplane.api.ProviderStats.Row(Map.of(), Map.of("used", used, "limit", limit), Map.of());
    }

    private Action actionOf(RuleRef ref) {
        return desired().policies().policy(ref.policy()).flatMap(p -> p.rules(ref.direction()))
                .map(list -> list.get(ref.index()).action()).orElse(Action.ALLOW);
    }

    // --- lifecycle ------------------------------------------------------------------------------------------------

    /**
     * Closes our handles only: the veths, the tc filters (which hold the programs), the pinned maps and the state file
     * stay, so traffic keeps flowing under the last configuration and the next open of this name adopts it.
     */
    @Override
    protected void backendClose() {
        if (released) {
            return;
        }
        released = true;
        maps.close();
        nodeLinks.close();
        node.close();
    }

    /** Endpoints are detached already (by the base class); removes the uplink filter and the pins (the SPI, the state). */
    @Override
    protected void backendDestroy() {
        wirings.values().forEach(w -> nodeLinks.deleteLinkIfPresent(w.hostName()));
        wirings.clear();
        if (uplinkIfindex != 0) {
            try {
                node.execute(() -> new TcAttachment(uplinkIfindex, TcAttachment.Point.INGRESS, TC_HANDLE, TC_PRIORITY, 0).detach());
            } catch (RuntimeException e) {
                LOG.warn("cannot detach the uplink program: {}", e.getMessage());
            }
        }
        Uplink.restoreBefore(nodeLinks, name());
        try {
            DatapathMaps.unpin(pinDir);
        } catch (RuntimeException e) {
            LOG.warn("cannot remove the pins of {}: {}", name(), e.getMessage());
        }
        backendClose();
    }

    // --- restart ------------------------------------------------------------------------------------------------

    /** Per endpoint, what a restarted process needs to find it again (the rest is in the {@link Endpoint}). */
    @Override
    protected Object endpointRecord(Endpoint endpoint) {
        Wiring w = wirings.get(endpoint.id());
        return new EbpfEndpointState(w.index(), w.hostIfindex(), w.identities());
    }

    /** The route groups and remote identities in force. */
    @Override
    protected Object backendRecord() {
        return new EbpfState(routeGroups.entrySet().stream().map(e -> new EbpfState.RouteGroup(e.getKey(), e.getValue())).toList(),
                remoteIdentities.entrySet().stream().map(e -> new EbpfState.RemoteIdentities(e.getKey(), e.getValue())).toList());
    }

    /** Takes over what a previous process left ({@link EbpfAdoption#adopt}). */
    @Override
    protected AdoptionResult backendAdopt(SavedDataplane saved) {
        return EbpfAdoption.adopt(this, saved);
    }
}
