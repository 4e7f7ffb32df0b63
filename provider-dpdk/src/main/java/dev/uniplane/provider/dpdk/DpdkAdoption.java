package dev.uniplane.provider.dpdk;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.dpdk.internal.eal.EthPort;
import dev.uniplane.provider.dpdk.internal.state.DpdkEndpointState;
import dev.uniplane.provider.dpdk.internal.state.DpdkState;
import dev.uniplane.spi.state.SavedDataplane;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Survival of a JVM crash: after every change the SPI writes the configuration and the veths it uses to the saved state
 * ({@link SavedDataplane}, {@code /run/uniplane/dpdk-<name>.json}); when the JVM dies without closing, forwarding stops,
 * and the next open of the name replays it through the dataplane's own API, taking the workloads' veths over
 * ({@link #takeOver}). Close and destroy delete the file.
 */
final class DpdkAdoption {
    private static final Logger LOG = LoggerFactory.getLogger(DpdkAdoption.class);

    /** A saved endpoint as {@link #takeOver} needs it. */
    private record Previous(AttachSpec spec, int slot, String hostName, MacAddress mac) {
    }

    private final DpdkDataplane dp;
    private final NodePorts ports;
    /** While {@link #restore} runs: the saved endpoints (by id) whose veths may be taken over, and their slots. */
    private Map<EndpointId, Previous> restoring = Map.of();
    private final BitSet reservedSlots = new BitSet();
    private int readopted;

    DpdkAdoption(DpdkDataplane dp, NodePorts ports) {
        this.dp = dp;
        this.ports = ports;
    }

    /**
     * The state a previous process of this name left. Empty when there is none, and also when it cannot be used (does
     * not parse, another format version): then a warning says so and this open starts empty and replaces the file.
     *
     * @throws ConflictException when the process that wrote it still runs (the same name is open there)
     */
    static Optional<SavedDataplane> readSavedState(String name) {
        Path file = SavedDataplane.file(DpdkProvider.NAME, name);
        Optional<SavedDataplane> saved;
        DpdkState.Owner writer;
        try {
            saved = SavedDataplane.read(file);
            writer = saved.flatMap(s -> s.backend(DpdkState.class)).map(DpdkState::owner).orElse(null);
        } catch (UncheckedIOException | IllegalStateException e) {
            LOG.warn("DPDK dataplane {}: its state file cannot be used ({}); starting empty and replacing it. Veths it named "
                    + "are not taken over (they go with their workload namespaces)", name, e.getMessage());
            return Optional.empty();
        }
        if (writer != null && writer.pid() != ProcessHandle.current().pid() && writer.alive()) {
            throw new ConflictException("dataplane " + name + " of provider dpdk is open in process " + writer.pid()
                    + " (state file " + file + "); close it there before opening it here");
        }
        return saved;
    }

    /**
     * Restores what a process that died without closing had configured ({@code saved}): every endpoint through
     * {@link DpdkDataplane#attach} (its veth taken over when it is still there, see {@link #takeOver}, else made again),
     * then the remotes, the routes in one batch and the policy set, all through the same path as a user's calls, so the
     * tables and {@link DpdkDataplane#currentState()} equal the saved ones. What cannot be restored (an endpoint whose
     * namespace is gone, a route naming it, a gateway that does not answer) is dropped with a warning, never failing
     * the open. The SPI writes the saved state once, after this returns: a crash in between leaves the previous one.
     */
    void restore(SavedDataplane saved) {
        Map<EndpointId, Previous> byId = new LinkedHashMap<>();
        for (SavedDataplane.SavedEndpoint e : saved.endpoints()) {
            DpdkEndpointState state = e.backend(DpdkEndpointState.class).orElseThrow();
            byId.put(e.endpoint().id(), new Previous(e.endpoint().spec(), state.slot(), state.hostName(), e.endpoint().mac()));
        }
        restoring = byId;
        // keep the slots (names) of veths still there, so an endpoint re-created before them does not take one
        byId.values().stream().filter(e -> e.slot() >= 0 && dp.nodeLinks.findLink(e.hostName()).isPresent())
                .forEach(e -> reservedSlots.set(e.slot()));
        List<String> dropped = new ArrayList<>();
        try {
            for (Previous e : byId.values()) {
                restoreStep(dropped, "endpoint " + e.spec().id(), () -> dp.attach(e.spec()));
            }
            for (RemoteEndpoint r : saved.desired().remotes()) {
                restoreStep(dropped, "remote endpoint " + r.id(), () -> dp.registerRemote(r));
            }
            List<Route> restorable = new ArrayList<>();
            for (Route r : saved.desired().routes()) {
                boolean dangling = r.nextHops().stream().anyMatch(h -> h instanceof NextHop.ToEndpoint t && !dp.wirings.containsKey(t.endpoint()));
                if (dangling) {
                    dropped.add("route " + r.prefix() + " (its endpoint was not restored)");
                } else {
                    restorable.add(r);
                }
            }
            try {
                dp.updateRoutes(restorable, List.of());
            } catch (RuntimeException batch) {
                LOG.warn("DPDK dataplane {}: the saved routes do not apply as one batch ({}); trying one by one", dp.name(), batch.getMessage());
                for (Route r : restorable) {
                    restoreStep(dropped, "route " + r.prefix(), () -> dp.addRoute(r));
                }
            }
            restoreStep(dropped, "policy set", () -> dp.applyPolicies(saved.desired().policies()));
        } catch (RuntimeException e) {
            // a bug, not a bad file: keep what was restored rather than fail an open whose router runs already
            LOG.error("DPDK dataplane {}: restoring stopped early", dp.name(), e);
            dropped.add("the rest (" + e + ")");
        } finally {
            restoring = Map.of();
            reservedSlots.clear();
        }
        LOG.info("DPDK dataplane {} restored from {}: {} of {} endpoints ({} veths taken over), {} routes, {} policies, "
                + "{} remotes; dropped: {}", dp.name(), SavedDataplane.file(DpdkProvider.NAME, dp.name()), dp.wirings.size(),
                saved.endpoints().size(), readopted, dp.routes().size(), dp.policies().policies().size(), dp.remotes().size(),
                dropped.isEmpty() ? "nothing" : dropped);
    }

    private void restoreStep(List<String> dropped, String what, Runnable step) {
        try {
            step.run();
        } catch (DataplaneException e) {
            LOG.warn("DPDK dataplane {}: cannot restore {}: {}; dropping it", dp.name(), what, e.getMessage());
            dropped.add(what);
        }
    }

    /** Whether a veth that {@link #restore} may still take over holds this slot (its name). */
    boolean reserved(int slot) {
        return reservedSlots.get(slot);
    }

    /**
     * While restoring, for an endpoint saved with the same spec and a veth-like kind: takes over the veth a previous
     * process of this dataplane made for it. When its host end still exists in the node namespace and its peer in the
     * workload namespace, only the AF_PACKET port is plugged again, so the workload keeps its interface, addresses,
     * routes and the pinned gateway neighbour. Otherwise (or when plugging fails) the leftover host end is deleted and
     * empty is returned: the caller creates a new veth.
     */
    Optional<Endpoint> takeOver(AttachSpec spec, AttachKind kind) {
        Previous previous = restoring.get(spec.id());
        if (previous == null || !previous.spec().equals(spec) || (kind != AttachKind.VETH && kind != AttachKind.AF_PACKET)) {
            return Optional.empty();
        }
        String hostName = previous.hostName();
        int slot = previous.slot();
        reservedSlots.clear(slot);
        Optional<LinkInfo> host = dp.nodeLinks.findLink(hostName);
        if (host.isEmpty() || slot < 0 || slot >= DpdkDataplane.MAX_ENDPOINTS || dp.slots.get(slot)
                || !hostName.equals(dp.hostInterfaceName(slot))) {
            LOG.warn("endpoint {} of {}: its veth {} is gone; creating a new one", spec.id(), dp.name(), hostName);
            return Optional.empty();
        }
        if (!"veth".equals(host.get().kind()) || !workloadHasInterface(spec)) {
            LOG.warn("endpoint {} of {}: {} is not a veth whose peer {} is in {}; replacing it", spec.id(), dp.name(), hostName,
                    spec.interfaceName(), spec.netns());
            dp.nodeLinks.deleteLinkIfPresent(hostName);
            return Optional.empty();
        }
        EthPort port = null;
        try {
            dp.nodeLinks.setUp(hostName, true);
            port = ports.plugInterface(hostName);
            dp.install(new Wiring(slot, hostName, port, previous.mac(), spec, kind, null));
            readopted++;
            LOG.info("endpoint {} of {}: took over veth {} (port {}); the workload keeps its interface", spec.id(), dp.name(),
                    hostName, port.id());
            return Optional.of(new Endpoint(spec, kind, hostName, previous.mac(), DpdkDataplane.GATEWAY_MAC));
        } catch (RuntimeException e) {
            if (port != null) {
                ports.unplugQuietly(port, true);
            }
            LOG.warn("endpoint {} of {}: cannot take over veth {} ({}); replacing it", spec.id(), dp.name(), hostName, e.getMessage());
            dp.nodeLinks.deleteLinkIfPresent(hostName);
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
}
