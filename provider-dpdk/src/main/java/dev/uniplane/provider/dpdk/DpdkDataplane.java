package dev.uniplane.provider.dpdk;

import dev.uniplane.linux.Ethtool;
import dev.uniplane.linux.VethWorkload;
import java.util.EnumSet;
import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.spi.BackendErrors;
import dev.uniplane.spi.AbstractDataplane;
import dev.uniplane.spi.HostInterfaceNames;
import dev.uniplane.spi.NamespaceErrors;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.EalConfig;
import dev.uniplane.provider.dpdk.internal.eal.EthPort;
import dev.uniplane.provider.dpdk.internal.eal.PacketPool;
import dev.uniplane.provider.dpdk.internal.fastpath.EndpointCounters;
import dev.uniplane.provider.dpdk.internal.fastpath.ForwardingTable;
import dev.uniplane.provider.dpdk.internal.fastpath.Hop;
import dev.uniplane.provider.dpdk.internal.fastpath.PortBinding;
import dev.uniplane.provider.dpdk.internal.fastpath.Router;
import dev.uniplane.provider.dpdk.internal.fastpath.SourceFilter;
import dev.uniplane.provider.dpdk.internal.fastpath.TableRoute;
import dev.uniplane.provider.dpdk.internal.fastpath.FlowTable;
import dev.uniplane.provider.dpdk.internal.fastpath.RuleCounters;
import dev.uniplane.provider.dpdk.internal.program.CompiledPolicy;
import dev.uniplane.provider.dpdk.internal.program.PolicyCompiler;
import dev.uniplane.provider.dpdk.internal.eal.StaleRuntimeDirectories;
import dev.uniplane.provider.dpdk.internal.state.DpdkEndpointState;
import dev.uniplane.provider.dpdk.internal.state.DpdkState;
import dev.uniplane.spi.AdoptionResult;
import dev.uniplane.spi.state.SavedDataplane;
import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.Policy;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.provider.dpdk.internal.host.NodePorts;
import dev.uniplane.provider.dpdk.internal.host.SocketAttacher;
import dev.uniplane.provider.dpdk.internal.host.SocketAttachment;
import dev.uniplane.provider.dpdk.internal.host.Wiring;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Optional;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DPDK dataplane: a Java IPv4/IPv6 {@link Router} on the EAL lcore, polling one {@code net_af_packet} port per
 * endpoint (the host end of the endpoint's veth; a server-mode {@code net_memif}/{@code net_vhost} port for MEMIF and
 * VHOST_USER endpoints, see {@link SocketAttachment}) and one for the uplink. Workloads get a /32, a default route to
 * 169.254.1.1 and a permanent neighbour entry pinning it to {@link #GATEWAY_MAC}, so the router never answers ARP; on
 * the uplink the node namespace's kernel keeps the uplink address and does ARP (see {@link dev.uniplane.linux.NeighbourResolver}).
 *
 * <p>Every change (attach, detach, routes, policies, remote endpoints) builds a complete new {@link ForwardingTable}
 * (ports, LPM, ECMP groups, the policy compiled by {@link PolicyCompiler} with a new revision) and
 * publishes it with one reference swap; the old table's LPM is freed after the loop's next quiescent point. EAL is one
 * per JVM and the lcore runs one router, so one dataplane at a time per JVM: a second open while one is open is refused
 * with a {@link ConflictException}; after {@link #close()} another can be opened (EAL stays up until JVM exit).
 *
 * <p>After every change the SPI writes the configuration and the veths it uses to the saved state
 * ({@link SavedDataplane}); when the JVM dies without closing, forwarding stops, and the next open of the name restores
 * the configuration from it, taking the workloads' veths over ({@link DpdkAdoption}). {@link #close()} and
 * {@link #destroy()} delete it. The desired state is the SPI's ({@link #desired()}); this class keeps backend handles. Ports are plugged
 * by {@link NodePorts}; DPDK-native workloads attach through {@link SocketAttacher}.
 */
final class DpdkDataplane extends AbstractDataplane implements SocketAttacher.Owner {
    private static final Logger LOG = LoggerFactory.getLogger(DpdkDataplane.class);
    /** The MAC the workloads' permanent neighbour entry gives the gateway: "upk" in a locally administered unicast MAC. */
    static final MacAddress GATEWAY_MAC = MacAddress.parse("02:75:70:6b:00:01");
    static final String OPTION_MEMORY = "dpdk.memory";
    static final String OPTION_LCORE_CPU = "dpdk.lcore-cpu";
    static final Set<String> OPTIONS = Set.of(OPTION_MEMORY, OPTION_LCORE_CPU);
    static final int MAX_ENDPOINTS = 1024;
    private static final int POOL_SIZE = 8191;
    /** Rule counter slots (one per rule of the policy set in force, plus new ones during an apply). */
    static final int MAX_RULE_COUNTERS = 65536;
    /** Connection-tracker entries (64 bytes each). */
    static final int FLOW_ENTRIES = 1 << 16;
    private static DpdkDataplane open;
    private static PacketPool pool;

    // The backend handles of what is in force; DpdkAdoption replays a saved state through attach.
    private final NetNs node;
    final RtNetlink nodeLinks;
    private final Eal eal;
    private final NodePorts ports;
    private final dev.uniplane.linux.NeighbourResolver gateways;
    private final EndpointCounters counters = new EndpointCounters(MAX_ENDPOINTS);
    private final EthPort uplinkPort;
    private final long uplinkMac;
    final Map<EndpointId, Wiring> wirings = new LinkedHashMap<>();
    final BitSet slots = new BitSet();
    private final RuleCounters ruleCounters = new RuleCounters(MAX_RULE_COUNTERS);
    private Map<PolicyCompiler.RuleKey, Integer> ruleSlots = Map.of();
    private long revisions;
    private Router router;
    /** The router's connection tracker, read for its fill ({@link #TABLE_USAGE}). */
    private FlowTable flows;
    private boolean released;
    private final DpdkAdoption adoption;
    private final DpdkState.Owner owner = DpdkState.Owner.current();
    private final SocketAttacher socketAttacher;

    private DpdkDataplane(DataplaneConfig config, Capabilities capabilities, NetNs node, RtNetlink nodeLinks, Eal eal,
                          NodePorts ports, EthPort uplinkPort, long uplinkMac) {
        super(DpdkProvider.NAME, config, capabilities);
        this.node = node;
        this.nodeLinks = nodeLinks;
        this.eal = eal;
        this.ports = ports;
        this.gateways = new dev.uniplane.linux.NeighbourResolver(node, nodeLinks, 0, java.time.Duration.ofSeconds(3));
        this.uplinkPort = uplinkPort;
        this.uplinkMac = uplinkMac;
        this.adoption = new DpdkAdoption(this, ports);
        this.socketAttacher = new SocketAttacher(this, GATEWAY_MAC, ports);
    }

    static DpdkDataplane open(DataplaneConfig config, Capabilities capabilities) {
        config.rejectUnknownOptions(DpdkProvider.NAME, OPTIONS);
        synchronized (DpdkDataplane.class) {
            if (open != null) {
                throw new ConflictException("dataplane " + open.name() + " of provider dpdk is open in this JVM; EAL is one per "
                        + "process and its lcore runs one router, so close it before opening " + config.name());
            }
            Optional<SavedDataplane> saved = DpdkAdoption.readSavedState(config.name());
            StaleRuntimeDirectories.remove(); // of JVMs killed before their shutdown hook: EAL never removes them
            Eal eal = startEal(config);
            NetNs node = openNode(config);
            RtNetlink links = null;
            EthPort uplink = null;
            NodePorts ports = new NodePorts(eal, node, pool);
            try {
                links = RtNetlink.open(node);
                long uplinkMac = 0;
                if (config.uplinkInterface().isPresent()) {
                    String name = config.uplinkInterface().get();
                    LinkInfo link = links.findLink(name).orElseThrow(() -> new InvalidSpecException("uplink", name,
                            "no such interface in the node namespace " + node.path()));
                    uplinkMac = link.mac().value();
                    uplink = ports.plugUplink(links, name, config.name());
                }
                DpdkDataplane dp = new DpdkDataplane(config, capabilities, node, links, eal, ports, uplink, uplinkMac);
                dp.flows = new FlowTable(FLOW_ENTRIES, config.flowTimeouts());
                dp.router = Router.start(eal, dp.counters, dp.ruleCounters, dp.flows, dp.build(Map.of(), Map.of()));
                open = dp;
                LOG.info("DPDK dataplane {} open in {} (uplink {} on port {})", config.name(),
                        config.hostNetnsPath().orElse("the caller's namespace"), config.uplinkInterface().orElse("none"),
                        uplink == null ? "-" : uplink.id());
                dp.keepSavedState(SavedDataplane.file(DpdkProvider.NAME, config.name()), saved);
                return dp;
            } catch (RuntimeException e) {
                if (uplink != null) {
                    ports.unplugUplinkQuietly(uplink, links, config.name());
                }
                if (links != null) {
                    links.close();
                }
                node.close();
                throw BackendErrors.translate("open dataplane " + config.name(), e);
            }
        }
    }

    private static Eal startEal(DataplaneConfig config) {
        EalConfig defaults = EalConfig.defaults();
        EalConfig.Memory memory = switch (config.stringOption(OPTION_MEMORY, "no-huge")) {
            case "auto" -> EalConfig.Memory.AUTO;
            case "hugepages" -> EalConfig.Memory.HUGEPAGES;
            case "no-huge" -> EalConfig.Memory.NO_HUGE;
            default -> throw new InvalidSpecException("options." + OPTION_MEMORY, config.stringOption(OPTION_MEMORY, ""),
                    "must be auto, hugepages or no-huge");
        };
        int cpu = config.intOption(OPTION_LCORE_CPU, defaults.lcoreCpu());
        int cpus = Runtime.getRuntime().availableProcessors();
        if (cpu < 0 || cpu >= cpus) {
            // checked here: a bad argument inside Eal.start would count as a failed rte_eal_init for the rest of the JVM
            throw new InvalidSpecException("options." + OPTION_LCORE_CPU, cpu, "must be a CPU of this JVM, 0-" + (cpus - 1));
        }
        EalConfig wanted = defaults.withMemory(memory).withLcoreCpu(cpu);
        try {
            Eal eal = Eal.start(wanted);
            synchronized (DpdkDataplane.class) {
                if (pool == null) {
                    pool = eal.createPool("upd-dataplane", POOL_SIZE);
                }
            }
            return eal;
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new BackendException("start EAL", "EAL", e.getMessage(), e);
        }
    }

    private static NetNs openNode(DataplaneConfig config) {
        return NetNs.open(config.hostNetnsPath().map(Path::of), e -> NamespaceErrors.node(config, e.errnoName()));
    }

    // --- tables ---------------------------------------------------------------------------------------------------

    /** A complete table for these routes and endpoints; hops naming an endpoint that is not wired are left out. */
    private ForwardingTable build(Map<IpPrefix, Route> routeTable, Map<EndpointId, Wiring> endpoints) {
        return build(routeTable, endpoints, desired().policies(), List.copyOf(desired().remotes().values()), ruleSlots);
    }

    /**
     * A complete table with the policy compiled for these endpoints and remotes; a new policy revision each time (the
     * router re-checks live flows opened under another one). A compile failure (a limit) throws before anything is made.
     */
    private ForwardingTable build(Map<IpPrefix, Route> routeTable, Map<EndpointId, Wiring> endpoints, PolicySet set,
                                  List<RemoteEndpoint> remoteEndpoints, Map<PolicyCompiler.RuleKey, Integer> slotsOfRules) {
        List<PolicyCompiler.LocalEndpoint> locals = new ArrayList<>();
        endpoints.values().forEach(w -> locals.add(new PolicyCompiler.LocalEndpoint(w.slot(), w.spec().labels(), w.spec().addresses())));
        CompiledPolicy policy = PolicyCompiler.compile(set, locals, remoteEndpoints, slotsOfRules::get);
        List<PortBinding> ports = new ArrayList<>();
        if (uplinkPort != null) {
            ports.add(new PortBinding(uplinkPort.id(), PortBinding.UPLINK, uplinkMac));
        }
        endpoints.values().forEach(w -> ports.add(new PortBinding(w.port().id(), w.slot(), GATEWAY_MAC.value())));
        List<TableRoute> entries = new ArrayList<>();
        // Host routes of endpoints first: an explicit user route for the same /32 (/128) replaces it (service chaining).
        Map<Integer, List<SourceFilter.Prefix>> sources = new HashMap<>();
        for (Wiring w : endpoints.values()) {
            List<Hop> self = List.of(new Hop.ToEndpoint(w.slot(), w.port().id(), w.mac().value(), 1));
            List<SourceFilter.Prefix> own = sources.computeIfAbsent(w.slot(), k -> new ArrayList<>());
            for (IpAddress a : w.spec().addresses()) {
                IpPrefix host = IpPrefix.host(a);
                entries.add(tableRoute(host, self));
                own.add(sourcePrefix(host));
            }
        }
        for (Route r : routeTable.values()) {
            // anti-spoofing: an endpoint may send from prefixes routed to it (the reference model's rule)
            for (NextHop h : r.nextHops()) {
                if (h instanceof NextHop.ToEndpoint t && endpoints.containsKey(t.endpoint())) {
                    sources.get(endpoints.get(t.endpoint()).slot()).add(sourcePrefix(r.prefix()));
                }
            }
        }
        for (Route r : routeTable.values()) {
            List<Hop> hops = new ArrayList<>();
            for (NextHop h : r.nextHops()) {
                switch (h) {
                    case NextHop.Drop d -> hops.add(new Hop.Drop(1));
                    case NextHop.Gateway g -> hops.add(new Hop.ToGateway(uplinkPort.id(), uplinkMac, gatewayMac(g.address()), g.weight()));
                    case NextHop.ToEndpoint t -> {
                        Wiring w = endpoints.get(t.endpoint());
                        if (w != null) {
                            hops.add(new Hop.ToEndpoint(w.slot(), w.port().id(), w.mac().value(), t.weight()));
                        }
                    }
                }
            }
            if (!hops.isEmpty()) {
                entries.add(tableRoute(r.prefix(), hops));
            }
        }
        try {
            return ForwardingTable.build(eal.socket(), ports, entries, GATEWAY_MAC.value(), policy, ++revisions,
                    SourceFilter.of(sources));
        } catch (RuntimeException e) {
            throw BackendErrors.translate("build the forwarding table", e);
        }
    }

    private static TableRoute tableRoute(IpPrefix prefix, List<Hop> hops) {
        IpAddress a = prefix.address();
        return a.family() == IpFamily.IPV4 ? new TableRoute(a.v4Value(), prefix.length(), hops)
                : TableRoute.v6(a.high(), a.low(), prefix.length(), hops);
    }

    private static SourceFilter.Prefix sourcePrefix(IpPrefix prefix) {
        IpAddress a = prefix.address();
        return a.family() == IpFamily.IPV4 ? SourceFilter.Prefix.v4(a.v4Value(), prefix.length())
                : SourceFilter.Prefix.v6(a.high(), a.low(), prefix.length());
    }

    /**
     * Swaps the table in, waits for the loop's quiescent point, frees the old LPM. The new table is in force either way;
     * when the loop does not pass a quiescent point (it is stuck), the old table and whatever it references (a detached
     * port) are left alone rather than freed under it, and this returns false.
     */
    private boolean publish(ForwardingTable next) {
        try {
            router.publish(next).free();
            return true;
        } catch (IllegalStateException e) {
            LOG.error("dataplane {}: {}; the previous table and its ports are not released", name(), e.getMessage());
            return false;
        }
    }

    // --- attach ---------------------------------------------------------------------------------------------------

    @Override
    protected Endpoint backendAttach(AttachSpec spec, AttachKind kind) {
        Optional<Endpoint> takenOver = adoption.takeOver(spec, kind);
        if (takenOver.isPresent()) {
            return takenOver.get();
        }
        int slot = freeSlot();
        if (slot >= MAX_ENDPOINTS) {
            throw new BackendException("attach " + spec.id(), "ENOSPC", "more than " + MAX_ENDPOINTS + " endpoints");
        }
        if (kind == AttachKind.MEMIF || kind == AttachKind.VHOST_USER) {
            return socketAttacher.attach(spec, kind, slot);
        }
        String hostName = hostInterfaceName(slot);
        EthPort port = null;
        boolean linked = false;
        try {
            MacAddress mac = workloadMac(spec, slot);
            // Checksum offload off: frames that reach the dataplane through AF_PACKET must carry complete checksums.
            VethWorkload.create(nodeLinks, hostName, spec, mac, GATEWAY_MAC, EnumSet.of(Ethtool.Offload.TX_CHECKSUM));
            linked = true;
            nodeLinks.setUp(hostName, true);
            port = ports.plugInterface(hostName);
            install(new Wiring(slot, hostName, port, mac, spec, kind, null));
            return new Endpoint(spec, kind, hostName, mac, GATEWAY_MAC);
        } catch (RuntimeException e) {
            if (port != null) {
                ports.unplugQuietly(port, true);
            }
            if (linked) {
                nodeLinks.deleteLinkIfPresent(hostName);
            }
            throw e;
        }
    }

    /** Publishes a table with the new endpoint's port (fresh counters), then records it. */
    @Override
    public void install(Wiring wiring) {
        counters.reset(wiring.slot());
        Map<EndpointId, Wiring> next = new LinkedHashMap<>(wirings);
        next.put(wiring.spec().id(), wiring);
        publish(build(desired().routes(), next));
        wirings.put(wiring.spec().id(), wiring);
        slots.set(wiring.slot());
    }

    /**
     * The lowest free slot whose host veth name is not taken: slots of veths that {@link DpdkAdoption} may still take over
     * are skipped, and so are names a dead process left behind without a usable state file.
     */
    private int freeSlot() {
        int slot = slots.nextClearBit(0);
        while (slot < MAX_ENDPOINTS && (adoption.reserved(slot) || nodeLinks.findLink(hostInterfaceName(slot)).isPresent())) {
            slot = slots.nextClearBit(slot + 1);
        }
        return slot;
    }

    /** The spec's MAC, or a locally administered one derived from the dataplane, the slot and the endpoint id. */
    @Override
    public MacAddress workloadMac(AttachSpec spec, int slot) {
        return spec.macAddress().orElseGet(() -> MacAddress.locallyAdministered(
                ((long) name().hashCode() << 16) ^ slot ^ ((long) spec.id().hashCode() << 24)));
    }

    /** Deletes a socket attachment's socket file (the vdev is unplugged already), or a veth's host end. */
    private void removeHostSide(Wiring w) {
        if (w.socket() != null) {
            SocketAttacher.removeSocketQuietly(w.socket());
        } else {
            nodeLinks.deleteLinkIfPresent(w.hostName());
        }
    }

    String hostInterfaceName(int slot) {
        return HostInterfaceNames.of(name(), "d", slot);
    }

    @Override
    protected void backendDetach(Endpoint endpoint) {
        Wiring w = wirings.get(endpoint.id());
        Map<EndpointId, Wiring> next = new LinkedHashMap<>(wirings);
        next.remove(endpoint.id());
        boolean quiesced = publish(build(desired().routes(), next));
        wirings.remove(endpoint.id());
        if (quiesced) {
            ports.unplugQuietly(w.port(), true);
        }
        removeHostSide(w);
        slots.clear(w.slot());
    }


    // --- routes, policy -------------------------------------------------------------------------------------------

    @Override
    protected void backendUpdateRoutes(List<Route> upserts, List<IpPrefix> removals, Map<IpPrefix, Route> all) {
        Map<IpPrefix, Route> next = new LinkedHashMap<>(all);
        publish(build(next, wirings)); // resolves new gateways first: a failure changes nothing
    }

    /**
     * Compiles the set with counter slots (rules of policies equal to one in force keep theirs, others get fresh zeroed
     * slots), publishes it with the forwarding table in one swap, then frees the slots no longer used. A failed compile
     * changes nothing.
     */
    @Override
    protected void backendApplyPolicies(PolicySet policies) {
        Map<PolicyCompiler.RuleKey, Integer> next = assignRuleSlots(policies);
        ForwardingTable table = build(desired().routes(), wirings, policies, List.copyOf(desired().remotes().values()), next);
        publish(table);
        ruleSlots = next;
    }

    private Map<PolicyCompiler.RuleKey, Integer> assignRuleSlots(PolicySet set) {
        Map<PolicyCompiler.RuleKey, Integer> next = new HashMap<>();
        Set<Integer> used = new HashSet<>(ruleSlots.values());
        List<PolicyCompiler.RuleKey> fresh = new ArrayList<>();
        for (Policy p : set.policies()) {
            for (Direction d : Direction.values()) {
                int n = p.rules(d).map(List::size).orElse(0);
                for (int i = 0; i < n; i++) {
                    PolicyCompiler.RuleKey key = new PolicyCompiler.RuleKey(p, d, i);
                    Integer kept = ruleSlots.get(key);
                    if (kept != null) {
                        next.put(key, kept);
                    } else {
                        fresh.add(key);
                    }
                }
            }
        }
        int candidate = 0;
        for (PolicyCompiler.RuleKey key : fresh) {
            while (candidate < MAX_RULE_COUNTERS && used.contains(candidate)) {
                candidate++;
            }
            if (candidate >= MAX_RULE_COUNTERS) {
                throw new InvalidSpecException("policies", set.ruleCount() + " rules", "exceeds the DPDK provider's limit of "
                        + MAX_RULE_COUNTERS + " rule counters (DpdkDataplane.MAX_RULE_COUNTERS)");
            }
            next.put(key, candidate);
            used.add(candidate);
            candidate++;
        }
        // fresh slots are used by no published table: zero them before the swap
        for (PolicyCompiler.RuleKey key : fresh) {
            ruleCounters.reset(next.get(key));
        }
        return next;
    }

    @Override
    protected void backendSetRemotes(List<RemoteEndpoint> remotes) {
        List<RemoteEndpoint> next = List.copyOf(remotes);
        publish(build(desired().routes(), wirings, desired().policies(), next, ruleSlots));
    }

    @Override
    protected dev.uniplane.spi.BackendView backendInspect() {
        return new DpdkInspector(this, router.table()).inspect();
    }

    // --- stats ----------------------------------------------------------------------------------------------------

    @Override
    protected StatsSnapshot backendStats() {
        Map<EndpointId, EndpointStats> eps = new LinkedHashMap<>();
        wirings.forEach((id, w) -> {
            Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
            for (DropReason r : DropReason.values()) {
                drops.put(r, counters.read(w.slot(), EndpointCounters.DROPS + r.ordinal()));
            }
            eps.put(id, new EndpointStats(id, counters.read(w.slot(), EndpointCounters.RX_PACKETS),
                    counters.read(w.slot(), EndpointCounters.RX_BYTES), counters.read(w.slot(), EndpointCounters.TX_PACKETS),
                    counters.read(w.slot(), EndpointCounters.TX_BYTES), drops));
        });
        Map<RuleRef, RuleStats> rules = new HashMap<>();
        ruleSlots.forEach((key, slot) -> {
            Action action = key.policy().rules(key.direction()).orElseThrow().get(key.index()).action();
            rules.put(key.ref(), new RuleStats(key.ref(), action, ruleCounters.read(slot)));
        });
        return new StatsSnapshot(Instant.now(), eps, rules, Map.of(TABLE_USAGE, tableUsage()));
    }

    /** The {@link StatsSnapshot#extensions()} entry with the connection tracker's fill (gauges {@code used}/{@code limit}). */
    public static final String TABLE_USAGE = "dpdk.tables";

    /** Live flow entries against the table's size (read without a barrier from the lcore's table: a gauge, not exact). */
    private dev.uniplane.api.ProviderStats tableUsage() {
        return new dev.uniplane.api.ProviderStats(Map.of("flow_table", new dev.uniplane.api.ProviderStats.Row(Map.of(),
                Map.of("used", (long) flows.live(), "limit", (long) FLOW_ENTRIES), Map.of("full", flows.fullCount()))));
    }

    // --- lifecycle ------------------------------------------------------------------------------------------------

    /**
     * Stops the router, unplugs every port, deletes the endpoints' veths, frees the table and deletes the state file
     * (nothing is left to restore: a close is the user ending the dataplane, as the contract has it without
     * RESTART_SURVIVAL). EAL and the packet pool stay for the next dataplane of this JVM. Only a JVM that dies without
     * closing (crash, SIGKILL) leaves veths and state file for the next open to restore. When the router cannot be
     * stopped, the ports, veths and the state file stay.
     */
    @Override
    protected void backendClose() {
        if (released) {
            return;
        }
        released = true;
        try {
            router.stop();
        } catch (RuntimeException e) {
            LOG.error("cannot stop the router of {}: {}; its ports stay plugged", name(), e.getMessage());
            return;
        } finally {
            synchronized (DpdkDataplane.class) {
                open = null;
            }
        }
        for (Wiring w : wirings.values()) {
            ports.unplugQuietly(w.port(), false);
            removeHostSide(w);
        }
        wirings.clear();
        deleteSavedState();
        SocketAttachment.removeDirectoryIfEmpty(name());
        if (uplinkPort != null) {
            ports.unplugUplinkQuietly(uplinkPort, nodeLinks, name());
        }
        router.table().free();
        nodeLinks.close();
        node.close();
        LOG.info("DPDK dataplane {} closed (router slept {} times while idle, ignored {} frames, answered {} ARP requests "
                + "and {} neighbour solicitations)", name(), router.idleSleeps(), router.ignoredFrames(), router.arpReplies(),
                router.neighbourAdvertisements());
    }

    /** The base class has detached every endpoint already; closing releases the rest and deletes the state file. */
    @Override
    protected void backendDestroy() {
        backendClose();
    }

    // --- restart after a crash --------------------------------------------------------------------------------------

    /** Per endpoint, its slot and host side (the rest is in the {@link Endpoint}). */
    @Override
    protected Object endpointRecord(Endpoint endpoint) {
        Wiring w = wirings.get(endpoint.id());
        return new DpdkEndpointState(w.slot(), w.hostName());
    }

    /** The process that owns the dataplane (a live one keeps another process from opening it). */
    @Override
    protected Object backendRecord() {
        return new DpdkState(owner);
    }

    /** Replays what a process that died without closing had configured ({@link DpdkAdoption#restore}). */
    @Override
    protected AdoptionResult backendAdopt(SavedDataplane saved) {
        adoption.restore(saved);
        return AdoptionResult.of(desired());
    }


    /** The gateway's MAC (48-bit value), resolved by the node namespace's kernel. */
    private long gatewayMac(IpAddress gateway) {
        try {
            return gateways.resolve(gateway).value();
        } catch (dev.uniplane.linux.LinuxException e) {
            throw new dev.uniplane.api.BackendException("resolve gateway " + gateway, e.errnoName(), e.getMessage(), e);
        }
    }
}
