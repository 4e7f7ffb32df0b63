package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.ovsdpdk.FlowTables.Kind;
import dev.uniplane.provider.ovsdpdk.FlowTables.Local;
import dev.uniplane.provider.ovsdpdk.FlowTables.WeightedActions;
import dev.uniplane.provider.ovsdpdk.internal.daemon.OvsInstance;
import dev.uniplane.provider.ovsdpdk.internal.state.SavedState;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Action;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.FlowStats;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Labeled;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Match;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowStatsRequest;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OpenFlowChannel;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.PortStats;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.PortSpec;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.Rows.InterfaceRow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OVS-DPDK dataplane: one netdev bridge named after the dataplane, one OpenFlow channel to it, and (unless options
 * {@code ovs.db-socket} and {@code ovs.run-dir} name an instance someone else runs) a private ovsdb-server +
 * ovs-vswitchd-dpdk pair per node namespace ({@link InstancePool}, in {@code /run/uniplane/ovs/<key>/}), started by the
 * first dataplane there, outliving the JVM, and stopped by the destroy that removes its last bridge.
 *
 * <p>vswitchd runs in the node namespace ({@link DataplaneConfig#hostNetns()}), entered with {@code nsenter --net}
 * before exec: a DPDK af_packet port binds to the interface name in the namespace of the process that opens it. Each
 * endpoint is a veth pair whose host end is a DPDK af_packet port ({@code ofport} = endpoint index); the uplink is one
 * too, behind a checksum shim ({@link UplinkShim}). Forwarding is the OpenFlow program of {@link FlowTables}; workloads are set up like the eBPF provider's
 * ({@link WorkloadSide}) with one gateway MAC per dataplane that no kernel interface has, so the node kernel ignores
 * the copies of workload traffic it also receives on the host ends.
 *
 * <p>{@link #close()} (RESTART_SURVIVAL) leaves the instance, the bridge, ports, veths, the uplink shim and the flows
 * running and only closes our sockets; the state file ({@link SavedState}, rewritten after every change) lets a later
 * open of the same name, in any JVM, adopt them: flows are compared with the computed program and only the differences
 * are sent ({@link FlowDiff}). A lost instance is rebuilt from the state file. vswitchd and ovsdb-server restarts are
 * reconciled while open. {@link #destroy()} removes everything.
 */
final class OvsDpdkDataplane extends dev.uniplane.spi.AbstractDataplane {
    private static final Logger LOG = LoggerFactory.getLogger(OvsDpdkDataplane.class);
    static final String DB_SOCKET = "ovs.db-socket";
    static final String RUN_DIR = "ovs.run-dir";
    static final Set<String> OPTIONS = Set.of(DB_SOCKET, RUN_DIR);
    private static final int MAX_ENDPOINTS = 4095;
    private static final Duration OPENFLOW_TIMEOUT = Duration.ofSeconds(10);
    static final Path STATE_ROOT = Path.of("/run/uniplane");
    /** Names of the dataplanes open in this JVM (a closed one's bridge stays in force for a later open to adopt). */
    private static final Set<String> OPEN = new java.util.HashSet<>();

    /** What attach made for one endpoint. */
    private record Wiring(int index, long ofport, String hostName, MacAddress mac, AttachSpec spec, AttachKind kind) {
    }

    /** The uplink as an af_packet port, and how to reach gateways through it. */
    private record Uplink(long ofport, MacAddress mac, dev.uniplane.linux.NeighbourResolver resolver, UplinkShim shim) {
    }

    private final NetNs node;
    private final RtNetlink nodeLinks;
    private final OvsInstance ovs;
    private volatile OpenFlowChannel openflow;
    private final Optional<Uplink> uplink;
    private final MacAddress gatewayMac;
    private final FlowTables tables;
    private final Map<EndpointId, Wiring> wirings = new LinkedHashMap<>();
    private final BitSet usedIndexes = new BitSet();
    private Map<IpPrefix, Integer> routeIds = new HashMap<>();
    private int nextRouteId = 1;
    private final Map<IpPrefix, Route> routes = new LinkedHashMap<>();
    private final Path stateFile;
    private PolicySet policySet = PolicySet.empty();
    private List<RemoteEndpoint> remoteEndpoints = List.of();
    private Map<Integer, dev.uniplane.api.RuleRef> ruleRefs = Map.of();
    private Map<Integer, dev.uniplane.api.Action> ruleActions = Map.of();
    private volatile boolean released;
    /** Between the OpenFlow connection's loss and the reconcile that replaces it. */
    private volatile boolean openflowLost;
    private final Runnable ovsdbReconnected = this::onOvsdbReconnected;
    /** What the last convergence of the switch's flows did (tests check that adoption re-added nothing). */
    private volatile FlowDiff lastConvergence = new FlowDiff(List.of(), List.of(), 0);

    private OvsDpdkDataplane(DataplaneConfig config, Capabilities capabilities, NetNs node, RtNetlink nodeLinks, OvsInstance ovs,
                             OpenFlowChannel openflow, Optional<Uplink> uplink, MacAddress gatewayMac) {
        super(OvsDpdkProvider.NAME, config, capabilities);
        this.node = node;
        this.nodeLinks = nodeLinks;
        this.ovs = ovs;
        this.openflow = openflow;
        this.uplink = uplink;
        this.gatewayMac = gatewayMac;
        this.tables = new FlowTables(gatewayMac, zoneOf(config.name()));
        this.stateFile = stateFileOf(config.name());
        usedIndexes.set(0);
    }

    static Path stateFileOf(String name) {
        return STATE_ROOT.resolve("ovsdpdk-" + name + ".json");
    }

    static OvsDpdkDataplane open(DataplaneConfig config, Capabilities capabilities) {
        config.rejectUnknownOptions(OvsDpdkProvider.NAME, OPTIONS);
        Optional<String> dbSocket = config.option(DB_SOCKET);
        Optional<String> runDir = config.option(RUN_DIR);
        if (dbSocket.isPresent() != runDir.isPresent()) {
            throw new InvalidSpecException(dbSocket.isPresent() ? RUN_DIR : DB_SOCKET, "(missing)",
                    "give both " + DB_SOCKET + " and " + RUN_DIR + " to use a running instance, or neither");
        }
        long t0 = System.nanoTime();
        String bridge = config.name();
        synchronized (OPEN) {
            if (!OPEN.add(bridge)) {
                throw new ConflictException("dataplane " + bridge + " is open already in this process");
            }
        }
        NetNs node;
        try {
            node = openNode(config);
        } catch (RuntimeException e) {
            forget(bridge);
            throw e;
        }
        RtNetlink links = null;
        OvsInstance ovs = null;
        OpenFlowChannel openflow = null;
        UplinkShim shim = null;
        boolean bridgeCreated = false;
        OvsDpdkDataplane created = null;
        Path stateFile = stateFileOf(bridge);
        try {
            Optional<SavedState> saved = readSaved(stateFile);
            links = RtNetlink.open(node);
            int uplinkIfindex = 0;
            if (config.uplinkInterface().isPresent()) {
                String name = config.uplinkInterface().get();
                uplinkIfindex = links.findLink(name).orElseThrow(() -> new InvalidSpecException("uplink", name,
                        "no such interface in the node namespace " + node.path())).index();
            }
            boolean adopt;
            if (dbSocket.isPresent()) {
                ovs = OvsInstance.connect(Path.of(dbSocket.get()), Path.of(runDir.get()));
                adopt = saved.isPresent() && ovs.ovsdb().bridge(bridge).isPresent();
                if (!adopt && ovs.ovsdb().bridge(bridge).isPresent()) {
                    throw new ConflictException("bridge " + bridge + " exists already in " + dbSocket.get()
                            + " (another dataplane of this name, or leftovers: ovs-vsctl del-br " + bridge + ")");
                }
            } else {
                // The node's instance: found running (an earlier JVM started it) or started now, on the database it left.
                ovs = InstancePool.acquire(config.hostNetnsPath());
                adopt = saved.isPresent() && ovs.ovsdb().bridge(bridge).isPresent();
                if (!adopt && ovs.ovsdb().bridge(bridge).isPresent()) {
                    LOG.warn("removing leftover bridge {} (no state file)", bridge);
                    ovs.ovsdb().deleteBridge(bridge);
                }
            }
            if (!adopt) {
                // A state file without its bridge (the instance was stopped or lost its database): the configuration
                // is rebuilt from the file on a new bridge (restoreSaved); without a file the dataplane starts empty.
                ovs.ovsdb().addBridge(bridge, "netdev", Map.of("owner", "uniplane", "uniplane-dataplane", bridge));
                bridgeCreated = true;
            }
            Optional<Uplink> uplink = Optional.empty();
            if (uplinkIfindex != 0) {
                String name = config.uplinkInterface().get();
                Optional<InterfaceRow> existing = adopt ? ovs.ovsdb().iface(bridge + "-up") : Optional.empty();
                InterfaceRow row;
                if (existing.isPresent() && existing.get().ofport().isPresent()
                        && links.findLink(base(bridge) + "ui").isPresent()) {
                    shim = UplinkShim.existing(node, links, config.hostNetnsPath().map(Path::of), name, base(bridge));
                    row = existing.get();
                } else {
                    if (existing.isPresent()) {
                        ovs.ovsdb().deletePort(bridge, bridge + "-up");
                    }
                    shim = UplinkShim.create(node, links, config.hostNetnsPath().map(Path::of), name, base(bridge));
                    row = ovs.ovsdb().addPort(bridge, PortSpec.dpdkAfPacket(bridge + "-up", shim.portInterface())
                            .withOfportRequest(FlowTables.UPLINK_OFPORT));
                }
                MacAddress mac = MacAddress.ofBytes(links.link(uplinkIfindex).mac().bytes());
                uplink = Optional.of(new Uplink(row.ofport().orElseThrow(), mac, new dev.uniplane.linux.NeighbourResolver(node, links, uplinkIfindex, java.time.Duration.ofSeconds(3)), shim));
            }
            openflow = OpenFlowChannel.connect(ovs.mgmtSocket(bridge), OPENFLOW_TIMEOUT);
            MacAddress gatewayMac = MacAddress.locallyAdministered(0x7570_0000_0000L | (bridge.hashCode() & 0xffff_ffffL));
            OvsDpdkDataplane dp = new OvsDpdkDataplane(config, capabilities, node, links, ovs, openflow, uplink, gatewayMac);
            created = dp;
            openflow.onLost(dp::onOpenFlowLost);
            ovs.onReconnected(dp.ovsdbReconnected);
            if (saved.isPresent()) {
                dp.adoptSaved(saved.get());
                LOG.info("OVS-DPDK dataplane {} {} in {} ms ({} endpoints, {} routes; flows: {} kept, {} added, {} removed)", bridge,
                        adopt ? "adopted its bridge" : "restored its saved state on a new bridge", (System.nanoTime() - t0) / 1_000_000,
                        dp.wirings.size(), dp.routes.size(), dp.lastConvergence.unchanged(), dp.lastConvergence.adds().size(),
                        dp.lastConvergence.deletes().size());
                return dp;
            }
            openflow.apply(dp.tables.base(uplink.map(u -> OptionalLong.of(u.ofport())).orElse(OptionalLong.empty())));
            dp.persist();
            LOG.info("OVS-DPDK dataplane {} open in {} ms ({}, uplink {})", bridge, (System.nanoTime() - t0) / 1_000_000, ovs,
                    config.uplinkInterface().orElse("none"));
            return dp;
        } catch (RuntimeException e) {
            if (openflow != null) {
                openflow.close();
            }
            if (ovs != null) {
                if (created != null) {
                    ovs.removeReconnectListener(created.ovsdbReconnected);
                }
                closeInstance(ovs, bridge, bridgeCreated, e);
            }
            if (shim != null) {
                shim.remove();
            }
            if (links != null) {
                links.close();
            }
            node.close();
            forget(bridge);
            throw translate("open dataplane " + bridge, e);
        }
    }

    private static void forget(String bridge) {
        synchronized (OPEN) {
            OPEN.remove(bridge);
        }
    }

    private static Optional<SavedState> readSaved(Path stateFile) {
        if (!java.nio.file.Files.exists(stateFile)) {
            return Optional.empty();
        }
        try {
            return Optional.of(SavedState.read(stateFile));
        } catch (RuntimeException e) {
            LOG.warn("ignoring unreadable state {}: {}", stateFile, e.getMessage());
            return Optional.empty();
        }
    }

    private static void deleteLeftoverLink(RtNetlink links, String name) {
        try {
            if (links.findLink(name).isPresent()) {
                links.deleteLink(name);
            }
        } catch (LinuxException e) {
            LOG.warn("cannot delete leftover {}: {}", name, e.getMessage());
        }
    }

    /**
     * Takes over the saved configuration. On an adopted bridge every endpoint whose veth and port are still there is
     * kept as it is; an endpoint that lost them (a new bridge after the instance was lost, or its veth vanished) is
     * wired again with the same index (veth, workload side, port), and dropped, with the routes that pointed at it,
     * when that fails (its namespace is gone). Then the switch's flows converge on the computed program
     * ({@link #converge}): identical flows stay untouched, so traffic and counters go on.
     */
    private void adoptSaved(SavedState saved) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (SavedState.SavedEndpoint e : saved.endpoints()) {
            Optional<InterfaceRow> port = ovs.ovsdb().iface(e.hostName());
            Wiring w;
            if (nodeLinks.findLink(e.hostName()).isPresent() && port.isPresent() && port.get().ofport().orElse(-1L) == e.ofport()) {
                w = new Wiring(e.index(), e.ofport(), e.hostName(), e.mac(), e.spec(), e.kind());
            } else {
                try {
                    deletePortQuietly(e.hostName(), null);
                    deleteLeftoverLink(nodeLinks, e.hostName());
                    w = wire(e.spec(), e.kind(), e.index());
                    LOG.info("endpoint {} of {} wired again (port {})", e.spec().id(), name(), e.hostName());
                } catch (RuntimeException failure) {
                    LOG.warn("endpoint {} of {} cannot be wired again ({}); dropping it", e.spec().id(), name(), failure.getMessage());
                    deletePortQuietly(e.hostName(), null);
                    deleteLeftoverLink(nodeLinks, e.hostName());
                    continue;
                }
            }
            wirings.put(e.spec().id(), w);
            usedIndexes.set(e.index());
            endpoints.add(new Endpoint(e.spec(), e.kind(), e.hostName(), w.mac(), gatewayMac));
        }
        List<Route> kept = new ArrayList<>();
        nextRouteId = saved.nextRouteId();
        for (SavedState.SavedRoute r : saved.routes()) {
            boolean dangling = r.route().nextHops().stream()
                    .anyMatch(h -> h instanceof NextHop.ToEndpoint t && !wirings.containsKey(t.endpoint()));
            if (dangling) {
                LOG.warn("route {} pointed at a vanished endpoint; removing it", r.route().prefix());
                continue;
            }
            routeIds.put(r.route().prefix(), r.id());
            routes.put(r.route().prefix(), r.route());
            kept.add(r.route());
        }
        remoteEndpoints = List.copyOf(saved.remotes());
        policySet = saved.policies();
        converge();
        adopt(endpoints, kept, saved.policies(), remoteEndpoints);
        persist();
    }

    /**
     * Makes the switch's flows the computed program (base, endpoints, routes, policy) by difference
     * ({@link FlowDiff}): stale flows are deleted, missing or different ones added, identical ones left alone, all in
     * one atomic bundle; then the datapath is purged if anything changed. Conntrack is kept.
     */
    private void converge() {
        List<Labeled> program = forwardingFlows();
        PolicyFlows.Compiled compiled = compilePolicy(policySet, wirings, remoteEndpoints);
        program.addAll(compiled.flows());
        FlowDiff diff = FlowDiff.between(openflow.flowStats(), program);
        if (!diff.isEmpty()) {
            openflow.applyBundle(diff.messages());
            syncDatapath();
        }
        ruleRefs = compiled.rules();
        ruleActions = compiled.actions();
        lastConvergence = diff;
        LOG.debug("flows of {}: {} kept, {} added, {} removed", name(), diff.unchanged(), diff.adds().size(), diff.deletes().size());
    }

    /** What the last convergence did (tests: an adoption must not re-add identical flows). */
    FlowDiff lastConvergence() {
        return lastConvergence;
    }

    /** Every flow of our bridge as the switch reports it (tests read durations and counters). */
    synchronized List<FlowStats> installedFlows() {
        return openflow.flowStats();
    }

    /**
     * ovsdb-server came back (the instance's client reconnected): re-creates our bridge and ports if the database lost
     * them (same names and ofports; vswitchd re-opens them), then converges the flows if the OpenFlow connection
     * survived (if vswitchd dropped the bridge meanwhile, the OpenFlow reconcile does it once the bridge is back).
     */
    private void onOvsdbReconnected() {
        long t0 = System.nanoTime();
        synchronized (this) {
            if (released) {
                return;
            }
            try {
                var db = ovs.ovsdb();
                if (db.bridge(name()).isEmpty()) {
                    LOG.warn("bridge {} is gone from the database; creating it again", name());
                    db.addBridge(name(), "netdev", Map.of("owner", "uniplane", "uniplane-dataplane", name()));
                }
                uplink.ifPresent(u -> {
                    if (db.iface(name() + "-up").isEmpty()) {
                        db.addPort(name(), PortSpec.dpdkAfPacket(name() + "-up", u.shim().portInterface())
                                .withOfportRequest(FlowTables.UPLINK_OFPORT));
                    }
                });
                for (Wiring w : wirings.values()) {
                    if (db.iface(w.hostName()).isEmpty()) {
                        db.addPort(name(), PortSpec.dpdkAfPacket(w.hostName(), w.hostName()).withOfportRequest(w.index()));
                    }
                }
                if (!openflowLost) {
                    converge();
                }
                LOG.info("OVS-DPDK dataplane {} re-ensured its rows {} ms after the OVSDB reconnect", name(),
                        (System.nanoTime() - t0) / 1_000_000);
            } catch (RuntimeException e) {
                LOG.warn("re-ensuring {} after the OVSDB reconnect failed: {}", name(), e.getMessage());
            }
        }
    }

    /** The flows of the current bookkeeping without policy: base program, endpoints, routes. */
    private List<Labeled> forwardingFlows() {
        List<Labeled> flows = new ArrayList<>(tables.base(uplink.map(u -> OptionalLong.of(u.ofport())).orElse(OptionalLong.empty()))
                .stream().filter(l -> !l.label().equals("delete all groups")).toList());
        wirings.values().forEach(w -> flows.addAll(tables.endpoint(w.index(), new Local(w.ofport(), w.mac()), w.spec().addresses())));
        routes.values().forEach(r -> flows.addAll(tables.route(routeIds.get(r.prefix()), r.prefix(),
                r.isDrop() ? List.of() : r.nextHops().stream().map(this::actionsOf).toList())));
        return flows;
    }

    /**
     * Reconcile: the OpenFlow connection dropped while we are open (vswitchd exited or restarted). A background thread
     * reconnects to {@code <bridge>.mgmt} (every 20 ms) and, once the restarted vswitchd listens there, re-installs the
     * whole desired flow set in one bundle (ports and bridges come back from OVSDB by themselves; flows do not).
     */
    private void onOpenFlowLost() {
        if (released) {
            return;
        }
        openflowLost = true;
        LOG.warn("OpenFlow connection of {} lost; reconciling once vswitchd is back", name());
        Thread.ofPlatform().daemon().name("ovsdpdk-reconcile-" + name()).start(this::reconcile);
    }

    private void reconcile() {
        long t0 = System.nanoTime();
        while (!released) {
            OpenFlowChannel ch = null;
            try {
                // The full request timeout: right after a restart vswitchd may take seconds to answer (DPDK ports re-open),
                // and a timed-out request ends the channel for good.
                ch = OpenFlowChannel.connect(ovs.mgmtSocket(name()), OPENFLOW_TIMEOUT);
                synchronized (this) {
                    if (released) {
                        ch.close();
                        return;
                    }
                    openflow = ch;
                    openflowLost = false;
                    converge();
                    ch.onLost(this::onOpenFlowLost);
                }
                LOG.info("OVS-DPDK dataplane {} reconciled {} ms after the connection loss", name(), (System.nanoTime() - t0) / 1_000_000);
                return;
            } catch (RuntimeException e) {
                if (ch != null) {
                    ch.close();
                }
                LOG.debug("reconcile {}: {}", name(), e.getMessage());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The OVS instance (tests restart its vswitchd). */
    OvsInstance instance() {
        return ovs;
    }

    /** Writes the state file (atomically); a failure is logged, the dataplane keeps working. */
    private void persist() {
        try {
            new SavedState(SavedState.VERSION, ovs.dbSocket().toString(), ovs.runDir().toString(),
                    wirings.values().stream().map(w -> new SavedState.SavedEndpoint(w.spec(), w.kind(), w.index(), w.ofport(),
                            w.hostName(), w.mac())).toList(),
                    routes.values().stream().map(r -> new SavedState.SavedRoute(r, routeIds.get(r.prefix()))).toList(),
                    nextRouteId, policySet, remoteEndpoints).write(stateFile);
        } catch (RuntimeException e) {
            LOG.warn("cannot write the state of {} to {}: {}", name(), stateFile, e.getMessage());
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
     * Deletes our bridge (when {@code ours}), then gives up the instance: a private one stops when no bridge is left in
     * it ({@code exit --cleanup}); a connected one only loses our client.
     */
    private static void closeInstance(OvsInstance ovs, String bridge, boolean ours, RuntimeException failure) {
        try {
            if (ours && ovs.ovsdb().bridge(bridge).isPresent()) {
                ovs.ovsdb().deleteBridge(bridge);
            }
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                LOG.warn("cannot delete bridge {}: {}", bridge, e.getMessage());
            }
        }
        try {
            if (ovs.owned()) {
                if (ours) {
                    InstancePool.releaseAndStopIfUnused(ovs);
                } else {
                    InstancePool.release(ovs);
                }
            } else {
                ovs.close();
            }
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                LOG.warn("cannot stop {}: {}", ovs, e.getMessage());
            }
        }
    }

    // --- attach ---------------------------------------------------------------------------------------------------

    @Override
    protected synchronized Endpoint backendAttach(AttachSpec spec, AttachKind kind) {
        int index = usedIndexes.nextClearBit(1);
        if (index > MAX_ENDPOINTS) {
            throw new BackendException("attach " + spec.id(), "ENOSPC", "more than " + MAX_ENDPOINTS + " endpoints");
        }
        Wiring wiring;
        try {
            wiring = wire(spec, kind, index);
        } catch (RuntimeException e) {
            throw translate("attach " + spec.id(), e);
        }
        boolean flowsAdded = false;
        try {
            openflow.applyBundle(tables.endpoint(index, new Local(wiring.ofport(), wiring.mac()), spec.addresses()));
            flowsAdded = true;
            Map<EndpointId, Wiring> after = new LinkedHashMap<>(wirings);
            after.put(spec.id(), wiring);
            installPolicy(policySet, after, remoteEndpoints, false);
            wirings.put(spec.id(), wiring);
            usedIndexes.set(index);
            persist();
            return new Endpoint(spec, kind, wiring.hostName(), wiring.mac(), gatewayMac);
        } catch (RuntimeException e) {
            if (flowsAdded) {
                try {
                    openflow.apply(tables.removeEndpoint(index));
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            deletePortQuietly(wiring.hostName(), e);
            nodeLinks.deleteLinkIfPresent(wiring.hostName());
            throw translate("attach " + spec.id(), e);
        }
    }

    /**
     * Everything of an endpoint but its flows: the veth pair (host end {@code <name>e<index>}), the workload side, and
     * the host end as a DPDK af_packet port with {@code ofport = index}. Undone on failure.
     */
    private Wiring wire(AttachSpec spec, AttachKind kind, int index) {
        NetNs workload;
        try {
            workload = NetNs.open(Path.of(spec.netns()));
        } catch (LinuxException e) {
            throw new InvalidSpecException("netns", spec.netns(), "cannot open the workload namespace: " + e.errnoName());
        }
        String hostName = hostInterfaceName(index);
        try (workload) {
            nodeLinks.createVethPair(hostName, spec.interfaceName(), workload);
            WorkloadSide.quietHostEnd(node, hostName);
            nodeLinks.setUp(hostName, true);
            MacAddress mac = spec.macAddress().orElseGet(() -> MacAddress.locallyAdministered(
                    ((long) name().hashCode() << 16) ^ index ^ ((long) spec.id().hashCode() << 24)));
            WorkloadSide.configure(workload, spec, mac, gatewayMac);
            InterfaceRow row = ovs.ovsdb().addPort(name(), PortSpec.dpdkAfPacket(hostName, hostName).withOfportRequest(index));
            return new Wiring(index, row.ofport().orElseThrow(), hostName, mac, spec, kind);
        } catch (RuntimeException e) {
            nodeLinks.deleteLinkIfPresent(hostName);
            throw e;
        }
    }

    /** Kernel interface names have at most 15 characters: 9 of the dataplane name, "e" and the index (up to 4095). */
    private String hostInterfaceName(int index) {
        return base(name()) + "e" + index;
    }

    private static String base(String name) {
        return name.length() > 9 ? name.substring(0, 9) : name;
    }

    @Override
    protected synchronized void backendDetach(Endpoint endpoint) {
        Wiring w = wirings.get(endpoint.id());
        try {
            openflow.apply(tables.removeEndpoint(w.index()));
            Map<EndpointId, Wiring> after = new LinkedHashMap<>(wirings);
            after.remove(endpoint.id());
            installPolicy(policySet, after, remoteEndpoints, false);
        } catch (RuntimeException e) {
            throw translate("detach " + endpoint.id(), e);
        }
        deletePortQuietly(w.hostName(), null);
        nodeLinks.deleteLinkIfPresent(w.hostName());
        wirings.remove(endpoint.id());
        usedIndexes.clear(w.index());
        persist();
    }

    private void deletePortQuietly(String port, RuntimeException failure) {
        try {
            if (ovs.ovsdb().iface(port).isPresent()) {
                ovs.ovsdb().deletePort(name(), port);
            }
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                LOG.warn("cannot delete port {}: {}", port, e.getMessage());
            }
        }
    }


    // --- routes ---------------------------------------------------------------------------------------------------

    /** All changes go in one atomic bundle; the bookkeeping changes only once the switch committed it. */
    @Override
    protected synchronized void backendUpdateRoutes(List<Route> upserts, List<IpPrefix> removals, Map<IpPrefix, Route> all) {
        Map<IpPrefix, Integer> ids = new HashMap<>(routeIds);
        int next = nextRouteId;
        List<Labeled> messages = new ArrayList<>();
        try {
            for (IpPrefix prefix : removals) {
                int id = ids.remove(prefix);
                messages.addAll(tables.removeRoute(id, prefix));
            }
            for (Route r : upserts) {
                Integer id = ids.get(r.prefix());
                if (id == null) {
                    id = next++;
                    ids.put(r.prefix(), id);
                }
                List<WeightedActions> hops = r.isDrop() ? List.of() : r.nextHops().stream().map(this::actionsOf).toList();
                messages.addAll(tables.route(id, r.prefix(), hops));
            }
            openflow.applyBundle(messages);
            syncDatapath();
        } catch (RuntimeException e) {
            throw translate("update routes", e);
        }
        routeIds = ids;
        nextRouteId = next;
        routes.clear();
        routes.putAll(all);
        persist();
    }

    /**
     * Makes the new tables govern the very next packet by flushing the datapath's cached megaflows (they are rebuilt
     * by upcalls). Measured: without it a removed route kept forwarding for ~1-2 s, until a revalidator round;
     * {@code revalidator/wait} fixes that too but takes ~505 ms per change, {@code revalidator/purge} 6-9 ms. The cost
     * is one upcall per active flow of the instance after each change.
     */
    private void syncDatapath() {
        ovs.appctl("revalidator/purge");
    }

    private WeightedActions actionsOf(NextHop hop) {
        return switch (hop) {
            case NextHop.ToEndpoint t -> {
                Wiring w = wirings.get(t.endpoint());
                yield tables.toEndpoint(t.weight(), new Local(w.ofport(), w.mac()));
            }
            case NextHop.Gateway g -> {
                Uplink u = uplink.orElseThrow();
                yield new WeightedActions(g.weight(), FlowTables.toGateway(u.ofport(), u.mac(), gatewayMac(u, g.address())));
            }
            case NextHop.Drop d -> throw new IllegalStateException("a drop next hop stands alone");
        };
    }

    // --- policy ---------------------------------------------------------------------------------------------------

    /** The conntrack zone of a dataplane: 1..65535 from its name (bridges of one instance share the tracker). */
    static int zoneOf(String name) {
        return 1 + Math.floorMod(name.hashCode(), 65535);
    }

    @Override
    protected synchronized void backendApplyPolicies(PolicySet policies) {
        try {
            installPolicy(policies, wirings, remoteEndpoints, true);
            persist();
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("policies", policies.policies().size() + " policies", e.getMessage());
        } catch (RuntimeException e) {
            throw translate("apply policies", e);
        }
    }

    @Override
    protected synchronized void backendSetRemotes(List<RemoteEndpoint> remotes) {
        try {
            installPolicy(policySet, wirings, remotes, false);
        } catch (RuntimeException e) {
            throw translate("set remote endpoints", e);
        }
        remoteEndpoints = List.copyOf(remotes);
        persist();
    }

    /**
     * Replaces every policy flow in one bundle (delete by cookie kind + add; for a new set also the learned SCTP
     * flows), then, for a new set, flushes this dataplane's conntrack zone: every live connection's next packet is new
     * again and takes the new set's checks (no grandfathering), and the datapath's cached megaflows are purged.
     */
    private void installPolicy(PolicySet set, Map<EndpointId, Wiring> endpoints, List<RemoteEndpoint> remotes, boolean newSet) {
        PolicyFlows.Compiled compiled = compilePolicy(set, endpoints, remotes);
        long t0 = System.nanoTime();
        List<Labeled> flows = new ArrayList<>(compiled.flows());
        if (newSet) {
            flows.add(PolicyFlows.forgetSctpFlows()); // SCTP's equivalent of the conntrack flush below
        }
        openflow.applyBundle(flows);
        if (newSet) {
            ovs.appctl("dpctl/flush-conntrack", "zone=" + tables.zone());
        }
        syncDatapath();
        LOG.debug("policy of {}: {} flows in {} ms", name(), compiled.flows().size(), (System.nanoTime() - t0) / 1_000_000);
        policySet = set;
        ruleRefs = compiled.rules();
        ruleActions = compiled.actions();
    }

    /** The policy flows (with the deletes of the previous ones first) for these endpoints and remotes. No I/O. */
    private PolicyFlows.Compiled compilePolicy(PolicySet set, Map<EndpointId, Wiring> endpoints, List<RemoteEndpoint> remotes) {
        List<PolicyFlows.Member> members = new ArrayList<>();
        List<PolicyFlows.Identity> identities = new ArrayList<>();
        endpoints.values().forEach(w -> {
            members.add(new PolicyFlows.Member(w.index(), w.ofport(), w.spec().labels(), w.spec().addresses()));
            identities.add(new PolicyFlows.Identity(w.spec().labels(), w.spec().addresses()));
        });
        remotes.forEach(r -> identities.add(new PolicyFlows.Identity(r.labels(), r.addresses())));
        return PolicyFlows.compile(set, members, identities, tables.zone());
    }

    // --- stats ----------------------------------------------------------------------------------------------------

    /**
     * Port counters seen from the workload (the port's rx is what the workload sent) and the packet counts of the
     * endpoints' NO_ROUTE flows in table 2 (drop routes also lead there).
     */
    @Override
    protected synchronized StatsSnapshot backendStats() {
        Instant now = Instant.now();
        Map<Long, PortStats> ports = new HashMap<>();
        Map<Long, Long> noRoute;
        Map<Long, Long> ttl;
        Map<Long, Long> invalid;
        Map<Long, Long> denied;
        Map<Long, Long> defaultDenied;
        Map<Integer, Long> perRule = new HashMap<>();
        Map<Long, long[]> unrouted = new HashMap<>();
        try {
            openflow.portStats().forEach(p -> ports.put(p.portNo(), p));
            if (!policySet.policies().isEmpty()) {
                syncDatapath(); // cached megaflows hand their counts to the rules when purged
            }
            noRoute = dropCounters(FlowTables.NO_ROUTE, Kind.NO_ROUTE);
            for (FlowStats f : openflow.flowStats(new FlowStatsRequest(0, FlowTables.CLASSIFY, Action.PORT_ANY, Action.PORT_ANY,
                    FlowTables.kindOf(Kind.LOCAL), FlowTables.KIND_MASK, Match.any()))) {
                unrouted.merge(f.cookie() & 0xffff_ffffL, new long[] {f.packetCount(), f.byteCount()},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            }
            ttl = dropCounters(FlowTables.CLASSIFY, Kind.TTL);
            invalid = dropCounters(FlowTables.CLASSIFY, Kind.INVALID);
            denied = dropCounters(FlowTables.INGRESS, Kind.POLICY_DENY, 0xfff);
            dropCounters(FlowTables.EGRESS, Kind.POLICY_DENY, 0xfff).forEach((k, v) -> denied.merge(k, v, Long::sum));
            defaultDenied = dropCounters(FlowTables.INGRESS, Kind.POLICY_DEFAULT, 0xfff);
            dropCounters(FlowTables.EGRESS, Kind.POLICY_DEFAULT, 0xfff).forEach((k, v) -> defaultDenied.merge(k, v, Long::sum));
            for (Kind k : List.of(Kind.POLICY_ALLOW, Kind.POLICY_DENY)) {
                for (int table : List.of(FlowTables.EGRESS, FlowTables.INGRESS)) {
                    dropCounters(table, k, 0xffff_ffffL).forEach((id, v) -> perRule.merge((int) (id >>> 12), v, Long::sum));
                }
            }
        } catch (RuntimeException e) {
            throw translate("read stats", e);
        }
        Map<EndpointId, EndpointStats> endpoints = new LinkedHashMap<>();
        wirings.forEach((id, w) -> {
            PortStats p = ports.get(w.ofport());
            Map<DropReason, Long> drops = Map.of(DropReason.NO_ROUTE, noRoute.getOrDefault((long) w.index(), 0L),
                    DropReason.TTL_EXCEEDED, ttl.getOrDefault((long) w.index(), 0L),
                    DropReason.POLICY_DENIED, denied.getOrDefault((long) w.index(), 0L),
                    DropReason.POLICY_DEFAULT_DENY, defaultDenied.getOrDefault((long) w.index(), 0L),
                    DropReason.INVALID, invalid.getOrDefault((long) w.index(), 0L));
            endpoints.put(id, p == null ? new EndpointStats(id, 0, 0, 0, 0, drops)
                    : new EndpointStats(id, counter(p.txPackets()), counter(p.txBytes()),
                    counter(p.rxPackets() - unrouted.getOrDefault((long) w.index(), new long[2])[0]),
                    counter(p.rxBytes() - unrouted.getOrDefault((long) w.index(), new long[2])[1]), drops));
        });
        Map<dev.uniplane.api.RuleRef, dev.uniplane.api.RuleStats> rules = new java.util.TreeMap<>();
        ruleRefs.forEach((n, ref) -> rules.put(ref, new dev.uniplane.api.RuleStats(ref, ruleActions.get(n), perRule.getOrDefault(n, 0L))));
        return new StatsSnapshot(now, endpoints, rules);
    }

    /** Packet counts of the drop flows of one kind in one table, summed per endpoint index (the cookie's id). */
    private Map<Long, Long> dropCounters(int table, Kind kind) {
        return dropCounters(table, kind, 0xffff_ffffL);
    }

    /** Packet counts of one kind's flows in one table, summed per {@code cookie id & idMask}. */
    private Map<Long, Long> dropCounters(int table, Kind kind, long idMask) {
        Map<Long, Long> counts = new HashMap<>();
        for (FlowStats f : openflow.flowStats(new FlowStatsRequest(0, table, Action.PORT_ANY, Action.PORT_ANY,
                FlowTables.kindOf(kind), FlowTables.KIND_MASK, Match.any()))) {
            counts.merge(f.cookie() & 0xffff_ffffL & idMask, f.packetCount(), Long::sum);
        }
        return counts;
    }

    /** Unsupported counters read as -1 (all ones on the wire). */
    private static long counter(long value) {
        return Math.max(0, value);
    }

    // --- lifecycle ------------------------------------------------------------------------------------------------

    /**
     * RESTART_SURVIVAL: closes only our sockets and handles. The instance (its daemons run in their own session, so
     * they outlive this JVM), the bridge, its ports and flows, the veths and the uplink shim stay in force, and so does
     * the state file that a later open of this name, in this JVM or another, adopts.
     */
    @Override
    protected synchronized void backendClose() {
        if (released) {
            return;
        }
        released = true;
        persist();
        openflow.close();
        ovs.removeReconnectListener(ovsdbReconnected);
        if (ovs.owned()) {
            InstancePool.release(ovs);
        } else {
            ovs.close();
        }
        nodeLinks.close();
        node.close();
        forget(name());
    }

    /**
     * Removes everything: our bridge (and the private instance with {@code exit --cleanup} when no bridge is left in
     * it), the uplink shim, the veths of endpoints still attached and the state file.
     */
    @Override
    protected synchronized void backendDestroy() {
        if (released) {
            return;
        }
        released = true;
        openflow.close();
        ovs.removeReconnectListener(ovsdbReconnected);
        closeInstance(ovs, name(), true, null);
        uplink.ifPresent(u -> u.shim().remove());
        wirings.values().forEach(w -> nodeLinks.deleteLinkIfPresent(w.hostName()));
        wirings.clear();
        try {
            java.nio.file.Files.deleteIfExists(stateFile);
        } catch (java.io.IOException e) {
            LOG.warn("cannot delete {}: {}", stateFile, e.getMessage());
        }
        nodeLinks.close();
        node.close();
        forget(name());
    }

    private static RuntimeException translate(String operation, RuntimeException e) {
        if (e instanceof DataplaneException) {
            return e;
        }
        if (e instanceof LinuxException le) {
            return new BackendException(operation, le.errnoName(), le.getMessage(), le);
        }
        return new BackendException(operation, e.getClass().getSimpleName(), String.valueOf(e.getMessage()), e);
    }

    /** The gateway's MAC, resolved by the node namespace's kernel on the uplink. */
    private static MacAddress gatewayMac(Uplink uplink, dev.uniplane.api.IpAddress gateway) {
        try {
            return MacAddress.ofBytes(uplink.resolver().resolve(gateway.toInetAddress()).bytes());
        } catch (dev.uniplane.linux.LinuxException e) {
            throw new dev.uniplane.api.BackendException("resolve gateway " + gateway, e.errnoName(), e.getMessage(), e);
        }
    }
}
