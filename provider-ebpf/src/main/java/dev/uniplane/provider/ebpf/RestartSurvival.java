package dev.uniplane.provider.ebpf;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.provider.ebpf.internal.maps.DatapathMaps;
import dev.uniplane.provider.ebpf.internal.maps.Identities;
import dev.uniplane.provider.ebpf.internal.maps.PolicyCompiler;
import dev.uniplane.provider.ebpf.internal.state.SavedState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What lets an eBPF dataplane outlive its process: the maps stay pinned in {@code /sys/fs/bpf/uniplane/<name>} and the
 * configuration is written to {@code /run/uniplane/<name>.json} after every change; the next open of the name adopts
 * both.
 */
final class RestartSurvival {
    private static final Logger LOG = LoggerFactory.getLogger(RestartSurvival.class);
    /** Pinned maps of dataplane NAME live in PIN_ROOT/NAME; what it was told, in STATE_ROOT/NAME.json. */
    static final Path PIN_ROOT = Path.of("/sys/fs/bpf/uniplane");
    static final Path STATE_ROOT = Path.of("/run/uniplane");

    /** What the adoption put in force, for the API-side bookkeeping. */
    record Adopted(List<Endpoint> endpoints, List<Route> routes, List<RemoteEndpoint> remotes) {
    }

    private RestartSurvival() {
    }

    static Path pinDirOf(String dataplane) {
        return PIN_ROOT.resolve(dataplane);
    }

    static Path stateFileOf(String dataplane) {
        return STATE_ROOT.resolve(dataplane + ".json");
    }

    /**
     * Whether a previous process left this dataplane to adopt (its state file and its pins). If not, leftovers of a
     * dataplane that was never cleanly recorded are removed: it starts from scratch.
     */
    static boolean adoptable(Path pins, Path state) throws IOException {
        boolean adopt = Files.exists(state) && Files.isDirectory(pins);
        if (!adopt) {
            DatapathMaps.unpin(pins);
            Files.deleteIfExists(state);
        }
        return adopt;
    }

    /** Writes what a restarted process needs to adopt this dataplane. */
    static void persist(EbpfDataplane dp, Path stateFile) {
        new SavedState(SavedState.VERSION,
                dp.wirings.values().stream().map(w -> new SavedState.SavedEndpoint(w.spec(), w.index(), w.hostName(),
                        w.hostIfindex(), w.mac(), w.hostMac(), w.identities())).toList(),
                dp.routes.values().stream().map(r -> new SavedState.SavedRoute(r, dp.routeGroups.get(r.prefix()))).toList(),
                dp.policySet,
                dp.remoteIdentities.entrySet().stream().map(e -> new SavedState.SavedRemote(
                        new RemoteEndpoint(e.getKey(), e.getValue().stream().map(PolicyCompiler.AddressIdentity::address).toList(),
                                dp.remoteLabels.get(e.getKey())), e.getValue())).toList())
                .write(stateFile);
    }

    /**
     * Takes over what a previous process left: re-attaches the programs of this process to the same filters (an atomic
     * replace, so packets never miss a program), rebuilds the bookkeeping and recompiles the policy. Endpoints whose
     * veth vanished meanwhile (their namespace was deleted) are dropped, with the routes that pointed at them.
     */
    static Adopted adopt(EbpfDataplane dp, SavedState saved) {
        int maxIdentity = Identities.FIRST_ENDPOINT - 1;
        List<Endpoint> endpoints = new ArrayList<>();
        for (SavedState.SavedEndpoint e : saved.endpoints()) {
            Optional<LinkInfo> link = dp.nodeLinks.findLink(e.hostName());
            Wiring w = new Wiring(e.index(), e.hostName(), e.hostIfindex(), e.mac(), e.hostMac(), e.identities(), e.spec());
            if (link.isEmpty() || link.get().index() != e.hostIfindex()) {
                LOG.warn("endpoint {} vanished while {} was closed (no {}); dropping it", e.spec().id(), dp.name(), e.hostName());
                dp.removeFromMaps(w);
                continue;
            }
            dp.attachProgram(e.hostIfindex(), false, true);
            dp.wirings.put(e.spec().id(), w);
            dp.usedIndexes.set(e.index());
            endpoints.add(EbpfDataplane.endpointOf(w, AttachKind.VETH));
            for (PolicyCompiler.AddressIdentity id : e.identities()) {
                maxIdentity = Math.max(maxIdentity, id.identity());
            }
        }
        if (dp.uplinkIfindex != 0) {
            dp.attachProgram(dp.uplinkIfindex, true, true);
        }
        List<Route> kept = adoptRoutes(dp, saved);
        List<RemoteEndpoint> remotes = new ArrayList<>();
        for (SavedState.SavedRemote r : saved.remotes()) {
            dp.remoteIdentities.put(r.remote().id(), r.identities());
            dp.remoteLabels.put(r.remote().id(), r.remote().labels());
            remotes.add(r.remote());
            for (PolicyCompiler.AddressIdentity id : r.identities()) {
                maxIdentity = Math.max(maxIdentity, id.identity());
            }
        }
        dp.identities = new Identities.Allocator(maxIdentity + 1);
        dp.compilePolicy(saved.policies());
        return new Adopted(endpoints, kept, remotes);
    }

    /** The saved routes whose endpoints are all still there; the others leave the maps, with groups nobody else uses. */
    private static List<Route> adoptRoutes(EbpfDataplane dp, SavedState saved) {
        List<Route> kept = new ArrayList<>();
        Set<Integer> danglingGroups = new HashSet<>();
        for (SavedState.SavedRoute r : saved.routes()) {
            boolean dangling = r.route().nextHops().stream()
                    .anyMatch(h -> h instanceof NextHop.ToEndpoint t && !dp.wirings.containsKey(t.endpoint()));
            if (dangling) {
                LOG.warn("route {} pointed at a vanished endpoint; removing it", r.prefix());
                dp.maps.removeRoute(r.prefix());
                danglingGroups.add(r.group());
                continue;
            }
            dp.routeGroups.put(r.prefix(), r.group());
            dp.groups.adopt(r.group(), dp.encode(r.route()));
            dp.routes.put(r.prefix(), r.route());
            kept.add(r.route());
            Set<Integer> owners = new HashSet<>();
            r.route().nextHops().forEach(h -> {
                if (h instanceof NextHop.ToEndpoint t) {
                    owners.add(dp.wirings.get(t.endpoint()).hostIfindex());
                }
            });
            if (!owners.isEmpty()) {
                dp.sourceRoutes.put(r.prefix(), Set.copyOf(owners));
            }
        }
        danglingGroups.stream().filter(g -> !dp.groups.isReferenced(g)).forEach(dp.maps::clearNextHopGroup);
        return kept;
    }
}
