package dev.uniplane.provider.ebpf;

import dev.uniplane.api.Endpoint;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.provider.ebpf.internal.maps.DatapathMaps;
import dev.uniplane.provider.ebpf.internal.maps.Identities;
import dev.uniplane.provider.ebpf.internal.maps.PolicyCompiler;
import dev.uniplane.provider.ebpf.internal.state.EbpfEndpointState;
import dev.uniplane.provider.ebpf.internal.state.EbpfState;
import dev.uniplane.spi.AdoptionResult;
import dev.uniplane.spi.state.SavedDataplane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What lets an eBPF dataplane outlive its process: the maps stay pinned in {@code /sys/fs/bpf/uniplane/<name>} and the
 * SPI writes the saved state ({@link SavedDataplane}) after every change; the next open of the name adopts both.
 */
final class EbpfAdoption {
    private static final Logger LOG = LoggerFactory.getLogger(EbpfAdoption.class);
    /** Pinned maps of dataplane NAME live in PIN_ROOT/NAME. */
    static final Path PIN_ROOT = Path.of("/sys/fs/bpf/uniplane");

    private EbpfAdoption() {
    }

    static Path pinDirOf(String dataplane) {
        return PIN_ROOT.resolve(dataplane);
    }

    /**
     * What a previous process left this dataplane to adopt (its saved state and its pins). If not both, leftovers of a
     * dataplane that was never cleanly recorded are removed: it starts from scratch.
     *
     * @throws java.io.UncheckedIOException when the saved state exists but cannot be read
     */
    static Optional<SavedDataplane> savedState(Path pins, Path state) throws IOException {
        if (Files.exists(state) && Files.isDirectory(pins)) {
            return Optional.of(SavedDataplane.read(state).orElseThrow());
        }
        DatapathMaps.unpin(pins);
        Files.deleteIfExists(state);
        return Optional.empty();
    }

    /**
     * Takes over what a previous process left: re-attaches the programs of this process to the same filters (an atomic
     * replace, so packets never miss a program), rebuilds the backend handles and recompiles the policy. Endpoints whose
     * veth vanished meanwhile (their namespace was deleted) are dropped, with the routes that pointed at them.
     */
    static AdoptionResult adopt(EbpfDataplane dp, SavedDataplane saved) {
        int maxIdentity = Identities.FIRST_ENDPOINT - 1;
        List<Endpoint> endpoints = new ArrayList<>();
        for (SavedDataplane.SavedEndpoint s : saved.endpoints()) {
            Endpoint e = s.endpoint();
            EbpfEndpointState state = s.backend(EbpfEndpointState.class).orElseThrow();
            Optional<LinkInfo> link = dp.nodeLinks.findLink(e.hostInterface());
            Wiring w = new Wiring(state.index(), e.hostInterface(), state.hostIfindex(), e.mac(), e.gatewayMac(),
                    state.identities(), e.spec());
            if (link.isEmpty() || link.get().index() != state.hostIfindex()) {
                LOG.warn("endpoint {} vanished while {} was closed (no {}); dropping it", e.id(), dp.name(), e.hostInterface());
                dp.removeFromMaps(w);
                continue;
            }
            dp.attachProgram(state.hostIfindex(), false, true);
            dp.wirings.put(e.id(), w);
            dp.usedIndexes.set(state.index());
            endpoints.add(e);
            for (PolicyCompiler.AddressIdentity id : state.identities()) {
                maxIdentity = Math.max(maxIdentity, id.identity());
            }
        }
        if (dp.uplinkIfindex != 0) {
            dp.attachProgram(dp.uplinkIfindex, true, true);
        }
        EbpfState backend = saved.backend(EbpfState.class).orElseThrow();
        List<Route> kept = adoptRoutes(dp, saved.desired().routes(), backend);
        Map<String, List<PolicyCompiler.AddressIdentity>> remoteIds = new HashMap<>();
        backend.remotes().forEach(r -> remoteIds.put(r.id(), r.identities()));
        List<RemoteEndpoint> remotes = new ArrayList<>();
        for (RemoteEndpoint r : saved.desired().remotes()) {
            List<PolicyCompiler.AddressIdentity> ids = remoteIds.get(r.id());
            dp.remoteIdentities.put(r.id(), ids);
            remotes.add(r);
            for (PolicyCompiler.AddressIdentity id : ids) {
                maxIdentity = Math.max(maxIdentity, id.identity());
            }
        }
        dp.identities = new Identities.Allocator(maxIdentity + 1);
        dp.compilePolicy(saved.desired().policies(), remotes);
        return new AdoptionResult(endpoints, kept, saved.desired().policies(), remotes);
    }

    /** The saved routes whose endpoints are all still there; the others leave the maps, with groups nobody else uses. */
    private static List<Route> adoptRoutes(EbpfDataplane dp, List<Route> routes, EbpfState backend) {
        Map<IpPrefix, Integer> groupOf = new HashMap<>();
        backend.routeGroups().forEach(g -> groupOf.put(g.prefix(), g.group()));
        List<Route> kept = new ArrayList<>();
        Set<Integer> danglingGroups = new HashSet<>();
        for (Route r : routes) {
            int group = groupOf.get(r.prefix());
            boolean dangling = r.nextHops().stream()
                    .anyMatch(h -> h instanceof NextHop.ToEndpoint t && !dp.wirings.containsKey(t.endpoint()));
            if (dangling) {
                LOG.warn("route {} pointed at a vanished endpoint; removing it", r.prefix());
                dp.maps.removeRoute(r.prefix());
                danglingGroups.add(group);
                continue;
            }
            dp.routeGroups.put(r.prefix(), group);
            dp.groups.adopt(group, dp.encode(r));
            kept.add(r);
            Set<Integer> owners = new HashSet<>();
            r.nextHops().forEach(h -> {
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
