package dev.uniplane.provider.dpdk;

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
import dev.uniplane.spi.AbstractDataplane;
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
import dev.uniplane.provider.dpdk.internal.policy.CompiledPolicy;
import dev.uniplane.provider.dpdk.internal.policy.PolicyCompiler;
import dev.uniplane.provider.dpdk.internal.eal.StaleRuntimeDirectories;
import dev.uniplane.provider.dpdk.internal.state.SavedState;
import dev.uniplane.spi.StateFiles;
import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.Policy;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import java.io.UncheckedIOException;
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
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>After every change the configuration and the veths it uses are written to a {@link SavedState} file; when the JVM
 * dies without closing, forwarding stops, and the next open of the name restores the configuration from it, taking the
 * workloads' veths over ({@link #restore}). {@link #close()} and {@link #destroy()} delete it.
 */
final class DpdkDataplane extends AbstractDataplane {
    private static final Logger LOG = LoggerFactory.getLogger(DpdkDataplane.class);
    /** The workloads' default gateway. */
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
    private static final AtomicInteger VDEVS = new AtomicInteger();
    private static DpdkDataplane open;
    private static PacketPool pool;

    /**
     * What attach made for one endpoint: a veth ({@code hostName} is its host end, {@code socket} null) or a socket
     * attachment ({@code hostName} is the vdev name, {@code socket} the memif/vhost-user server socket).
     */
    private record Wiring(int slot, String hostName, EthPort port, MacAddress mac, AttachSpec spec, AttachKind kind,
                          SocketAttachment socket) {
    }

    private final NetNs node;
    private final RtNetlink nodeLinks;
    private final Eal eal;
    private final dev.uniplane.linux.NeighbourResolver gateways;
    private final EndpointCounters counters = new EndpointCounters(MAX_ENDPOINTS);
    private final EthPort uplinkPort;
    private final long uplinkMac;
    private final Map<EndpointId, Wiring> wirings = new LinkedHashMap<>();
    private final BitSet slots = new BitSet();
    private Map<IpPrefix, Route> routes = Map.of();
    private final RuleCounters ruleCounters = new RuleCounters(MAX_RULE_COUNTERS);
    private PolicySet policySet = PolicySet.empty();
    private List<RemoteEndpoint> remoteList = List.of();
    private Map<PolicyCompiler.RuleKey, Integer> ruleSlots = Map.of();
    private long revisions;
    private Router router;
    private boolean released;
    /** {@code /run/uniplane/dpdk-<name>.json}: the configuration after the last change, for the next open after a crash. */
    private final Path stateFile;
    private final SavedState.Owner owner = SavedState.Owner.current();
    /** While {@link #restore} runs: the saved endpoints (by id) whose veths may be taken over, and their slots. */
    private Map<EndpointId, SavedState.SavedEndpoint> restoring = Map.of();
    private final BitSet reservedSlots = new BitSet();
    private boolean restoringNow;
    private int readopted;

    private DpdkDataplane(DataplaneConfig config, Capabilities capabilities, NetNs node, RtNetlink nodeLinks, Eal eal,
                          EthPort uplinkPort, long uplinkMac) {
        super(DpdkProvider.NAME, config, capabilities);
        this.node = node;
        this.nodeLinks = nodeLinks;
        this.eal = eal;
        this.gateways = new dev.uniplane.linux.NeighbourResolver(node, nodeLinks, 0, java.time.Duration.ofSeconds(3));
        this.uplinkPort = uplinkPort;
        this.uplinkMac = uplinkMac;
        this.stateFile = SavedState.file(config.name());
    }

    static DpdkDataplane open(DataplaneConfig config, Capabilities capabilities) {
        config.rejectUnknownOptions(DpdkProvider.NAME, OPTIONS);
        synchronized (DpdkDataplane.class) {
            if (open != null) {
                throw new ConflictException("dataplane " + open.name() + " of provider dpdk is open in this JVM; EAL is one per "
                        + "process and its lcore runs one router, so close it before opening " + config.name());
            }
            Optional<SavedState> saved = readSavedState(config.name());
            StaleRuntimeDirectories.remove(); // of JVMs killed before their shutdown hook: EAL never removes them
            Eal eal = startEal(config);
            NetNs node = openNode(config);
            RtNetlink links = null;
            EthPort uplink = null;
            try {
                links = RtNetlink.open(node);
                long uplinkMac = 0;
                if (config.uplinkInterface().isPresent()) {
                    String name = config.uplinkInterface().get();
                    LinkInfo link = links.findLink(name).orElseThrow(() -> new InvalidSpecException("uplink", name,
                            "no such interface in the node namespace " + node.path()));
                    uplinkMac = MacAddress.ofBytes(link.mac().bytes()).value();
                    uplink = plug(eal, node, name);
                }
                DpdkDataplane dp = new DpdkDataplane(config, capabilities, node, links, eal, uplink, uplinkMac);
                dp.router = Router.start(eal, dp.counters, dp.ruleCounters,
                        new FlowTable(FLOW_ENTRIES, config.flowTimeouts()), dp.build(Map.of(), Map.of()));
                open = dp;
                LOG.info("DPDK dataplane {} open in {} (uplink {} on port {})", config.name(),
                        config.hostNetnsPath().orElse("the caller's namespace"), config.uplinkInterface().orElse("none"),
                        uplink == null ? "-" : uplink.id());
                saved.ifPresentOrElse(dp::restore, dp::persist);
                return dp;
            } catch (RuntimeException e) {
                if (uplink != null) {
                    unplugQuietly(eal, node, uplink, false);
                }
                if (links != null) {
                    links.close();
                }
                node.close();
                throw translate("open dataplane " + config.name(), e);
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
        try {
            return config.hostNetnsPath().map(p -> NetNs.open(Path.of(p))).orElseGet(NetNs::current);
        } catch (LinuxException e) {
            throw new InvalidSpecException("hostNetns", config.hostNetns(), "cannot open: " + e.errnoName());
        }
    }

    /**
     * Hot-plugs {@code iface} as an AF_PACKET port and starts it, all on a thread inside the node namespace
     * ({@link NetNs#run}). The af_packet driver works in the calling thread's namespace twice: {@code rte_dev_probe}
     * opens the packet socket and resolves the interface name there, and {@code rte_eth_dev_start}/{@code _stop}/
     * promiscuous mode open a fresh AF_INET socket for {@code SIOC[GS]IFFLAGS} by interface name (measured: a start
     * from the root namespace fails with ENODEV). The packet socket stays in the node namespace afterwards, whatever
     * thread (the lcore) polls it.
     */
    private static EthPort plug(Eal eal, NetNs node, String iface) {
        return plugDevice(eal, node, "net_af_packet" + VDEVS.getAndIncrement() + ",iface=" + iface + ",framecnt=4096");
    }

    /** Probes {@code devargs} and opens its port in the node namespace; a port that does not open is removed again. */
    private static EthPort plugDevice(Eal eal, NetNs node, String devargs) {
        return node.run(() -> {
            int id = eal.hotplug(devargs);
            try {
                return eal.openPort(id, pool);
            } catch (RuntimeException e) {
                int rc = dev.uniplane.provider.dpdk.internal.ffm.RteEal.devRemove(
                        dev.uniplane.provider.dpdk.internal.ffm.RteEthDev.device((short) id));
                if (rc < 0) {
                    e.addSuppressed(new IllegalStateException("rte_dev_remove(" + devargs + ") returned " + rc));
                }
                throw e;
            }
        });
    }

    /** Unplugs in the node namespace too: stopping the port clears IFF_UP/promiscuous through an ioctl by name. */
    private static void unplugQuietly(Eal eal, NetNs node, EthPort port, boolean retired) {
        try {
            node.execute(() -> {
                if (retired) {
                    eal.unplugRetired(port);
                } else {
                    eal.unplug(port);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("cannot unplug {}: {}", port, e.getMessage());
        }
    }

    // --- tables ---------------------------------------------------------------------------------------------------

    /** A complete table for these routes and endpoints; hops naming an endpoint that is not wired are left out. */
    private ForwardingTable build(Map<IpPrefix, Route> routeTable, Map<EndpointId, Wiring> endpoints) {
        return build(routeTable, endpoints, policySet, remoteList, ruleSlots);
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
            throw translate("build the forwarding table", e);
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
        SavedState.SavedEndpoint previous = restoring.get(spec.id());
        if (previous != null && previous.spec().equals(spec) && (kind == AttachKind.VETH || kind == AttachKind.AF_PACKET)) {
            Optional<Endpoint> adopted = readopt(spec, kind, previous);
            if (adopted.isPresent()) {
                return adopted.get();
            }
        }
        int slot = freeSlot();
        if (slot >= MAX_ENDPOINTS) {
            throw new BackendException("attach " + spec.id(), "ENOSPC", "more than " + MAX_ENDPOINTS + " endpoints");
        }
        if (kind == AttachKind.MEMIF || kind == AttachKind.VHOST_USER) {
            return attachSocket(spec, kind, slot);
        }
        NetNs workload;
        try {
            workload = NetNs.open(Path.of(spec.netns()));
        } catch (LinuxException e) {
            throw new InvalidSpecException("netns", spec.netns(), "cannot open the workload namespace: " + e.errnoName());
        }
        String hostName = hostInterfaceName(slot);
        EthPort port = null;
        boolean linked = false;
        try (workload) {
            nodeLinks.createVethPair(hostName, spec.interfaceName(), workload);
            linked = true;
            MacAddress mac = workloadMac(spec, slot);
            WorkloadSide.configure(workload, spec, mac, GATEWAY_MAC);
            WorkloadSide.disableTxOffload(workload, spec.interfaceName());
            nodeLinks.setUp(hostName, true);
            port = plug(eal, node, hostName);
            install(new Wiring(slot, hostName, port, mac, spec, kind, null));
            return new Endpoint(spec, kind, hostName, mac, GATEWAY_MAC);
        } catch (RuntimeException e) {
            if (port != null) {
                unplugQuietly(eal, node, port, true);
            }
            if (linked) {
                nodeLinks.deleteLinkIfPresent(hostName);
            }
            throw translate("attach " + spec.id(), e);
        }
    }

    /** Publishes a table with the new endpoint's port (fresh counters), then records it and saves the state. */
    private void install(Wiring wiring) {
        counters.reset(wiring.slot());
        Map<EndpointId, Wiring> next = new LinkedHashMap<>(wirings);
        next.put(wiring.spec().id(), wiring);
        publish(build(routes, next));
        wirings.put(wiring.spec().id(), wiring);
        slots.set(wiring.slot());
        persist();
    }

    /**
     * Attaches a DPDK-native workload: a memif or vhost-user vdev in server mode whose socket
     * ({@link SocketAttachment}) the endpoint reports as {@link Endpoint#hostInterface()}. The workload's namespace
     * and {@code interfaceName} are not touched (nothing is created there); the workload connects whenever it starts
     * (and may reconnect), sends to {@link #GATEWAY_MAC} and must use {@link Endpoint#mac()} as its own MAC.
     */
    private Endpoint attachSocket(AttachSpec spec, AttachKind kind, int slot) {
        SocketAttachment side = SocketAttachment.of(kind, name(), spec.id(), VDEVS.getAndIncrement());
        EthPort port = null;
        boolean prepared = false;
        try {
            side.prepare();
            prepared = true;
            port = plugDevice(eal, node, side.devargs(GATEWAY_MAC));
            MacAddress mac = workloadMac(spec, slot);
            install(new Wiring(slot, side.deviceName(), port, mac, spec, kind, side));
            LOG.info("endpoint {} of {}: {} on port {} ({}), socket {}", spec.id(), name(), kind, port.id(), side.deviceName(), side.socket());
            return new Endpoint(spec, kind, side.socket().toString(), mac, GATEWAY_MAC);
        } catch (RuntimeException e) {
            if (port != null) {
                unplugQuietly(eal, node, port, true);
            }
            if (prepared) { // before, the file may be another live dataplane's
                removeSocketQuietly(side);
            }
            if (prepared && port == null && e instanceof dev.uniplane.provider.dpdk.internal.ffm.DpdkException d) {
                throw new BackendException("attach " + spec.id(), d.errnoName(), d.getMessage() + " (is the PMD installed? "
                        + side.packageHint() + ")", d);
            }
            throw translate("attach " + spec.id(), e);
        }
    }

    /**
     * The lowest free slot whose host veth name is not taken: slots of veths that {@link #restore} may still take over
     * are skipped, and so are names a dead process left behind without a usable state file.
     */
    private int freeSlot() {
        int slot = slots.nextClearBit(0);
        while (slot < MAX_ENDPOINTS && (reservedSlots.get(slot) || nodeLinks.findLink(hostInterfaceName(slot)).isPresent())) {
            slot = slots.nextClearBit(slot + 1);
        }
        return slot;
    }

    /**
     * Takes over the veth a previous process of this dataplane made for this endpoint (restart after a crash): when its
     * host end still exists in the node namespace and its peer in the workload namespace, only the AF_PACKET port is
     * plugged again, so the workload keeps its interface, addresses, routes and the pinned gateway neighbour. Otherwise
     * (or when plugging fails) the leftover host end is deleted and empty is returned: the caller creates a new veth.
     */
    private Optional<Endpoint> readopt(AttachSpec spec, AttachKind kind, SavedState.SavedEndpoint previous) {
        String hostName = previous.hostName();
        int slot = previous.slot();
        reservedSlots.clear(slot);
        Optional<LinkInfo> host = nodeLinks.findLink(hostName);
        if (host.isEmpty() || slot < 0 || slot >= MAX_ENDPOINTS || slots.get(slot) || !hostName.equals(hostInterfaceName(slot))) {
            LOG.warn("endpoint {} of {}: its veth {} is gone; creating a new one", spec.id(), name(), hostName);
            return Optional.empty();
        }
        if (!"veth".equals(host.get().kind()) || !workloadHasInterface(spec)) {
            LOG.warn("endpoint {} of {}: {} is not a veth whose peer {} is in {}; replacing it", spec.id(), name(), hostName,
                    spec.interfaceName(), spec.netns());
            nodeLinks.deleteLinkIfPresent(hostName);
            return Optional.empty();
        }
        EthPort port = null;
        try {
            nodeLinks.setUp(hostName, true);
            port = plug(eal, node, hostName);
            install(new Wiring(slot, hostName, port, previous.mac(), spec, kind, null));
            readopted++;
            LOG.info("endpoint {} of {}: took over veth {} (port {}); the workload keeps its interface", spec.id(), name(),
                    hostName, port.id());
            return Optional.of(new Endpoint(spec, kind, hostName, previous.mac(), GATEWAY_MAC));
        } catch (RuntimeException e) {
            if (port != null) {
                unplugQuietly(eal, node, port, true);
            }
            LOG.warn("endpoint {} of {}: cannot take over veth {} ({}); replacing it", spec.id(), name(), hostName, e.getMessage());
            nodeLinks.deleteLinkIfPresent(hostName);
            return Optional.empty();
        }
    }

    private static boolean workloadHasInterface(AttachSpec spec) {
        try (NetNs workload = NetNs.open(Path.of(spec.netns())); RtNetlink links = RtNetlink.open(workload)) {
            return links.findLink(spec.interfaceName()).isPresent();
        } catch (LinuxException e) {
            return false;
        }
    }

    /** The spec's MAC, or a locally administered one derived from the dataplane, the slot and the endpoint id. */
    private MacAddress workloadMac(AttachSpec spec, int slot) {
        return spec.macAddress().orElseGet(() -> MacAddress.locallyAdministered(
                ((long) name().hashCode() << 16) ^ slot ^ ((long) spec.id().hashCode() << 24)));
    }

    /** Deletes a socket attachment's socket file (the vdev is unplugged already), or a veth's host end. */
    private void removeHostSide(Wiring w) {
        if (w.socket() != null) {
            removeSocketQuietly(w.socket());
        } else {
            nodeLinks.deleteLinkIfPresent(w.hostName());
        }
    }

    private static void removeSocketQuietly(SocketAttachment side) {
        try {
            side.removeSocket();
        } catch (RuntimeException e) {
            LOG.warn("cannot remove {}: {}", side.socket(), e.getMessage());
        }
    }

    private String hostInterfaceName(int slot) {
        String base = name().length() > 9 ? name().substring(0, 9) : name();
        return base + "d" + slot;
    }

    @Override
    protected void backendDetach(Endpoint endpoint) {
        Wiring w = wirings.get(endpoint.id());
        Map<EndpointId, Wiring> next = new LinkedHashMap<>(wirings);
        next.remove(endpoint.id());
        boolean quiesced = publish(build(routes, next));
        wirings.remove(endpoint.id());
        if (quiesced) {
            unplugQuietly(eal, node, w.port(), true);
        }
        removeHostSide(w);
        slots.clear(w.slot());
        persist();
    }


    // --- routes, policy -------------------------------------------------------------------------------------------

    @Override
    protected void backendUpdateRoutes(List<Route> upserts, List<IpPrefix> removals, Map<IpPrefix, Route> all) {
        Map<IpPrefix, Route> next = new LinkedHashMap<>(all);
        publish(build(next, wirings)); // resolves new gateways first: a failure changes nothing
        routes = next;
        persist();
    }

    /**
     * Compiles the set with counter slots (rules of policies equal to one in force keep theirs, others get fresh zeroed
     * slots), publishes it with the forwarding table in one swap, then frees the slots no longer used. A failed compile
     * changes nothing.
     */
    @Override
    protected void backendApplyPolicies(PolicySet policies) {
        Map<PolicyCompiler.RuleKey, Integer> next = assignRuleSlots(policies);
        ForwardingTable table = build(routes, wirings, policies, remoteList, next);
        publish(table);
        policySet = policies;
        ruleSlots = next;
        persist();
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
        publish(build(routes, wirings, policySet, next, ruleSlots));
        remoteList = next;
        persist();
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
        return new StatsSnapshot(Instant.now(), eps, rules);
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
            unplugQuietly(eal, node, w.port(), false);
            removeHostSide(w);
        }
        wirings.clear();
        deleteStateFile();
        SocketAttachment.removeDirectoryIfEmpty(name());
        if (uplinkPort != null) {
            unplugQuietly(eal, node, uplinkPort, false);
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

    /**
     * The state a previous process of this name left. Empty when there is none, and also when it cannot be used (does
     * not parse, another format version): then a warning says so and this open starts empty and replaces the file.
     *
     * @throws ConflictException when the process that wrote it still runs (the same name is open there)
     */
    static Optional<SavedState> readSavedState(String name) {
        Path file = SavedState.file(name);
        Optional<SavedState> saved;
        try {
            saved = SavedState.read(file);
        } catch (UncheckedIOException | IllegalStateException e) {
            LOG.warn("DPDK dataplane {}: its state file cannot be used ({}); starting empty and replacing it. Veths it named "
                    + "are not taken over (they go with their workload namespaces)", name, e.getMessage());
            return Optional.empty();
        }
        SavedState.Owner writer = saved.map(SavedState::owner).orElse(null);
        if (writer != null && writer.pid() != ProcessHandle.current().pid() && writer.alive()) {
            throw new ConflictException("dataplane " + name + " of provider dpdk is open in process " + writer.pid()
                    + " (state file " + file + "); close it there before opening it here");
        }
        return saved;
    }

    /**
     * Restores what a process that died without closing had configured ({@code saved}): every endpoint through
     * {@link #attach} (its veth taken over when it is still there, see {@link #readopt}, else made again), then the
     * remotes, the routes in one batch and the policy set, all through the same path as a user's calls, so the tables
     * and {@link #currentState()} equal the saved ones. What cannot be restored (an endpoint whose namespace is gone, a
     * route naming it, a gateway that does not answer) is dropped with a warning, never failing the open. The state
     * file is written once at the end: a crash in between leaves the previous one.
     */
    private void restore(SavedState saved) {
        restoringNow = true;
        Map<EndpointId, SavedState.SavedEndpoint> byId = new LinkedHashMap<>();
        saved.endpoints().forEach(e -> byId.put(e.spec().id(), e));
        restoring = byId;
        // keep the slots (names) of veths still there, so an endpoint re-created before them does not take one
        saved.endpoints().stream().filter(e -> e.slot() >= 0 && nodeLinks.findLink(e.hostName()).isPresent())
                .forEach(e -> reservedSlots.set(e.slot()));
        List<String> dropped = new ArrayList<>();
        try {
            for (SavedState.SavedEndpoint e : saved.endpoints()) {
                restoreStep(dropped, "endpoint " + e.spec().id(), () -> attach(e.spec()));
            }
            for (RemoteEndpoint r : saved.remotes()) {
                restoreStep(dropped, "remote endpoint " + r.id(), () -> registerRemote(r));
            }
            List<Route> restorable = new ArrayList<>();
            for (Route r : saved.routes()) {
                boolean dangling = r.nextHops().stream().anyMatch(h -> h instanceof NextHop.ToEndpoint t && !wirings.containsKey(t.endpoint()));
                if (dangling) {
                    dropped.add("route " + r.prefix() + " (its endpoint was not restored)");
                } else {
                    restorable.add(r);
                }
            }
            try {
                updateRoutes(restorable, List.of());
            } catch (RuntimeException batch) {
                LOG.warn("DPDK dataplane {}: the saved routes do not apply as one batch ({}); trying one by one", name(), batch.getMessage());
                for (Route r : restorable) {
                    restoreStep(dropped, "route " + r.prefix(), () -> addRoute(r));
                }
            }
            restoreStep(dropped, "policy set", () -> applyPolicies(saved.policies()));
        } catch (RuntimeException e) {
            // a bug, not a bad file: keep what was restored rather than fail an open whose router runs already
            LOG.error("DPDK dataplane {}: restoring stopped early", name(), e);
            dropped.add("the rest (" + e + ")");
        } finally {
            restoring = Map.of();
            reservedSlots.clear();
            restoringNow = false;
        }
        persist();
        LOG.info("DPDK dataplane {} restored from {}: {} of {} endpoints ({} veths taken over), {} routes, {} policies, "
                + "{} remotes; dropped: {}", name(), stateFile, wirings.size(), saved.endpoints().size(), readopted,
                routes.size(), policySet.policies().size(), remoteList.size(), dropped.isEmpty() ? "nothing" : dropped);
    }

    private void restoreStep(List<String> dropped, String what, Runnable step) {
        try {
            step.run();
        } catch (dev.uniplane.api.DataplaneException e) {
            LOG.warn("DPDK dataplane {}: cannot restore {}: {}; dropping it", name(), what, e.getMessage());
            dropped.add(what);
        }
    }

    /** Writes the configuration now in force (not while {@link #restore} runs); a failure is logged, not thrown. */
    private void persist() {
        if (restoringNow) {
            return;
        }
        List<SavedState.SavedEndpoint> endpoints = wirings.values().stream()
                .map(w -> new SavedState.SavedEndpoint(w.spec(), w.kind(), w.slot(), w.hostName(), w.mac())).toList();
        try {
            new SavedState(SavedState.VERSION, owner, endpoints, List.copyOf(routes.values()), policySet, remoteList).write(stateFile);
        } catch (RuntimeException e) {
            // the change is in force already; failing it now would leave the backend and the bookkeeping apart
            LOG.error("DPDK dataplane {}: cannot write its state file ({}); a restart after a crash would miss this change",
                    name(), e.getMessage());
        }
    }

    private void deleteStateFile() {
        try {
            StateFiles.delete(stateFile);
        } catch (UncheckedIOException e) {
            LOG.warn("DPDK dataplane {}: {}", name(), e.getMessage());
        }
    }

    private static RuntimeException translate(String operation, RuntimeException e) {
        if (e instanceof dev.uniplane.api.DataplaneException) {
            return e;
        }
        if (e instanceof LinuxException le) {
            return new BackendException(operation, le.errnoName(), le.getMessage(), le);
        }
        return new BackendException(operation, e.getClass().getSimpleName(), e.getMessage(), e);
    }

    /** The gateway's MAC (48-bit value), resolved by the node namespace's kernel. */
    private long gatewayMac(IpAddress gateway) {
        try {
            return dev.uniplane.api.MacAddress.ofBytes(gateways.resolve(gateway.toInetAddress()).bytes()).value();
        } catch (dev.uniplane.linux.LinuxException e) {
            throw new dev.uniplane.api.BackendException("resolve gateway " + gateway, e.errnoName(), e.getMessage(), e);
        }
    }
}
