package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.NeighbourResolver;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.UplinkSnapshot;
import dev.uniplane.provider.ovsdpdk.internal.host.OvsInstance;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OpenFlowChannel;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.Rows.InterfaceRow;
import dev.uniplane.spi.HostInterfaceNames;
import dev.uniplane.spi.NamespaceErrors;
import dev.uniplane.spi.state.SavedDataplane;
import dev.uniplane.provider.ovsdpdk.internal.host.InstancePool;
import dev.uniplane.provider.ovsdpdk.internal.host.Uplink;
import dev.uniplane.provider.ovsdpdk.internal.host.UplinkShim;
import dev.uniplane.provider.ovsdpdk.internal.program.FlowDiff;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an OVS-DPDK dataplane: the node's instance (or the one named by options), our bridge (adopted when the state
 * file and the bridge are both there, else created), the uplink port behind its shim, the OpenFlow channel; then
 * either the saved configuration is taken over ({@link OvsDpdkAdoption}) or the base program is installed. What it
 * made is undone when any step fails. Also the other end: giving up the instance on close and destroy.
 */
final class OvsDpdkOpener {
    private static final Logger LOG = LoggerFactory.getLogger(OvsDpdkOpener.class);
    static final String DB_SOCKET = "ovs.db-socket";
    static final String RUN_DIR = "ovs.run-dir";
    static final Set<String> OPTIONS = Set.of(DB_SOCKET, RUN_DIR);
    /** Names of the dataplanes open in this JVM (a closed one's bridge stays in force for a later open to adopt). */
    private static final Set<String> OPEN = new HashSet<>();

    private OvsDpdkOpener() {
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
        Path stateFile = SavedDataplane.file(OvsDpdkProvider.NAME, bridge);
        try {
            Optional<SavedDataplane> saved = OvsDpdkAdoption.readSavedState(bridge);
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
                // is rebuilt from the file on a new bridge (OvsDpdkAdoption); without a file the dataplane starts empty.
                ovs.ovsdb().addBridge(bridge, "netdev", OvsDpdkDataplane.bridgeMarkers(bridge));
                bridgeCreated = true;
            }
            Optional<Uplink> uplink = Optional.empty();
            if (uplinkIfindex != 0) {
                String name = config.uplinkInterface().get();
                String base = HostInterfaceNames.stem(bridge);
                Optional<InterfaceRow> existing = adopt ? ovs.ovsdb().iface(Uplink.portName(bridge)) : Optional.empty();
                InterfaceRow row;
                if (existing.isPresent() && existing.get().ofport().isPresent() && links.findLink(base + "ui").isPresent()) {
                    shim = UplinkShim.existing(node, links, config.hostNetnsPath().map(Path::of), name, base, UplinkSnapshot.recordFile(OvsDpdkProvider.NAME, bridge));
                    row = existing.get();
                } else {
                    if (existing.isPresent()) {
                        ovs.ovsdb().deletePort(bridge, Uplink.portName(bridge));
                    }
                    shim = UplinkShim.create(node, links, config.hostNetnsPath().map(Path::of), name, base, UplinkSnapshot.recordFile(OvsDpdkProvider.NAME, bridge));
                    row = ovs.ovsdb().addPort(bridge, Uplink.port(bridge, shim));
                }
                MacAddress mac = links.link(uplinkIfindex).mac();
                uplink = Optional.of(new Uplink(row.ofport().orElseThrow(), mac,
                        new NeighbourResolver(node, links, uplinkIfindex, Duration.ofSeconds(3)), shim));
            }
            openflow = OpenFlowChannel.connect(ovs.mgmtSocket(bridge), OvsDpdkDataplane.OPENFLOW_TIMEOUT);
            MacAddress gatewayMac = MacAddress.locallyAdministered(0x7570_0000_0000L | (bridge.hashCode() & 0xffff_ffffL));
            OvsDpdkDataplane dp = new OvsDpdkDataplane(config, capabilities, node, links, ovs, openflow, uplink, gatewayMac);
            created = dp;
            openflow.onLost(dp.reconciler::onOpenFlowLost);
            ovs.onReconnected(dp.reconciler.ovsdbReconnected);
            if (saved.isPresent()) {
                dp.start(stateFile, saved);
                FlowDiff convergence = dp.lastConvergence();
                LOG.info("OVS-DPDK dataplane {} {} in {} ms ({} endpoints, {} routes; flows: {} kept, {} added, {} removed)", bridge,
                        adopt ? "adopted its bridge" : "restored its saved state on a new bridge", (System.nanoTime() - t0) / 1_000_000,
                        dp.wirings.size(), dp.routes().size(), convergence.unchanged(), convergence.adds().size(),
                        convergence.deletes().size());
                return dp;
            }
            openflow.apply(dp.tables.base(uplink.map(u -> OptionalLong.of(u.ofport())).orElse(OptionalLong.empty())));
            dp.start(stateFile, Optional.empty());
            LOG.info("OVS-DPDK dataplane {} open in {} ms ({}, uplink {})", bridge, (System.nanoTime() - t0) / 1_000_000, ovs,
                    config.uplinkInterface().orElse("none"));
            return dp;
        } catch (RuntimeException e) {
            if (openflow != null) {
                openflow.close();
            }
            if (ovs != null) {
                if (created != null) {
                    ovs.removeReconnectListener(created.reconciler.ovsdbReconnected);
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
            throw dev.uniplane.spi.BackendErrors.translate("open dataplane " + bridge, e);
        }
    }

    /** The name may be opened again in this JVM. */
    static void forget(String bridge) {
        synchronized (OPEN) {
            OPEN.remove(bridge);
        }
    }

    private static NetNs openNode(DataplaneConfig config) {
        return NetNs.open(config.hostNetnsPath().map(Path::of), e -> NamespaceErrors.node(config, e.errnoName()));
    }

    /**
     * Deletes our bridge (when {@code ours}), then gives up the instance: a private one stops when no bridge is left in
     * it ({@code exit --cleanup}); a connected one only loses our client.
     */
    static void closeInstance(OvsInstance ovs, String bridge, boolean ours, RuntimeException failure) {
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
}
