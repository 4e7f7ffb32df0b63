package dev.uniplane.provider.ebpf;

import dev.uniplane.api.Direction;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.provider.ebpf.internal.ffm.BpfMap;
import dev.uniplane.provider.ebpf.internal.maps.DatapathMaps;
import dev.uniplane.provider.ebpf.internal.maps.EndpointRecord;
import dev.uniplane.provider.ebpf.internal.maps.LpmKey;
import dev.uniplane.provider.ebpf.internal.maps.NextHopEntry;
import dev.uniplane.provider.ebpf.internal.maps.NextHopGroup;
import dev.uniplane.provider.ebpf.internal.maps.PolicyKey;
import dev.uniplane.provider.ebpf.internal.maps.U32Value;
import dev.uniplane.spi.BackendView;
import dev.uniplane.spi.BackendView.Aspect;
import dev.uniplane.spi.BackendView.EndpointView;
import dev.uniplane.spi.BackendView.PolicyEntries;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the eBPF dataplane's pinned maps back into a {@link BackendView}: endpoints from {@code up_ifindex} and the
 * local records of {@code up_endpoints}; routes from the {@code up_routes_v4/v6} LPM tries and the
 * {@code up_nh_groups} they point at; remote identities from the remote records of {@code up_endpoints}; policy
 * isolation and entry counts from the live slot of the policy LPM ({@code up_state} names it).
 *
 * <p>Only names come from the JVM: a host ifindex is turned into an endpoint id and interface name through the
 * dataplane's wirings. What it cannot read back: which {@link dev.uniplane.api.RuleRef} a rule counter id belongs
 * to (that table lives only in the JVM), the rules themselves (the LPM is compiled; no decompiler), the CIDR ipcache
 * and source-route maps (not expressed), and whether the tc programs are still attached.
 */
final class EbpfInspector {
    private final EbpfDataplane dp;

    EbpfInspector(EbpfDataplane dp) {
        this.dp = dp;
    }

    BackendView inspect() {
        DatapathMaps maps = dp.maps;
        Map<Integer, Wiring> byIfindex = new HashMap<>();
        dp.wirings.values().forEach(w -> byIfindex.put(w.hostIfindex(), w));
        List<String> unexplained = new ArrayList<>();

        // endpoint index per wired host ifindex (up_ifindex), then the addresses delivered to each (up_endpoints)
        Map<Integer, Integer> indexByIfindex = new TreeMap<>();
        BpfMap ifindexes = maps.map("up_ifindex");
        for (byte[] k : ifindexes.keys()) {
            ifindexes.lookup(k).ifPresent(v -> indexByIfindex.put(U32Value.decode(k), U32Value.decode(v)));
        }
        Map<Integer, List<IpAddress>> addresses = new TreeMap<>();
        Set<IpAddress> remotes = new HashSet<>();
        maps.endpointAddresses().forEach((address, r) -> {
            if (r.isLocal()) {
                addresses.computeIfAbsent(r.ifindex(), i -> new ArrayList<>()).add(address);
                if (!Integer.valueOf(r.index()).equals(indexByIfindex.get(r.ifindex()))) {
                    unexplained.add("up_endpoints " + address + " with endpoint index " + r.index() + " on ifindex " + r.ifindex()
                            + ", which up_ifindex maps to " + indexByIfindex.get(r.ifindex()));
                }
            } else if ((r.flags() & EndpointRecord.REMOTE) != 0) {
                remotes.add(address);
            } else {
                unexplained.add("up_endpoints " + address + " with flags " + r.flags());
            }
        });
        List<EndpointView> endpoints = new ArrayList<>();
        Map<Integer, EndpointId> idByIndex = new HashMap<>();
        Set<Integer> ifs = new java.util.TreeSet<>(indexByIfindex.keySet());
        ifs.addAll(addresses.keySet());
        for (int ifindex : ifs) {
            Wiring w = byIfindex.get(ifindex);
            if (w == null) {
                unexplained.add("endpoint wiring for ifindex " + ifindex + " (addresses " + addresses.getOrDefault(ifindex, List.of())
                        + "), an interface no attached endpoint owns");
            } else if (!indexByIfindex.containsKey(ifindex)) {
                unexplained.add("addresses " + addresses.get(ifindex) + " of endpoint " + w.spec().id() + " without its up_ifindex entry");
            } else {
                endpoints.add(new EndpointView(w.spec().id(), addresses.getOrDefault(ifindex, List.of()), w.hostName()));
                idByIndex.put(indexByIfindex.get(ifindex), w.spec().id());
            }
        }

        List<Route> routes = new ArrayList<>();
        for (String name : List.of("up_routes_v4", "up_routes_v6")) {
            BpfMap trie = maps.map(name);
            for (byte[] k : trie.keys()) {
                IpPrefix prefix = LpmKey.decode(k).prefix();
                trie.lookup(k).ifPresent(v -> route(prefix, U32Value.decode(v), byIfindex, unexplained).ifPresent(routes::add));
            }
        }

        List<PolicyEntries> policy = policy(maps, idByIndex, unexplained);
        return new BackendView(EbpfProvider.NAME, EnumSet.of(Aspect.ENDPOINTS, Aspect.ROUTES, Aspect.REMOTES, Aspect.POLICY_ISOLATION),
                endpoints, routes, remotes, policy, Set.of(), unexplained);
    }

    private java.util.Optional<Route> route(IpPrefix prefix, int group, Map<Integer, Wiring> byIfindex, List<String> unexplained) {
        NextHopGroup g;
        try {
            g = dp.maps.nextHopGroup(group);
        } catch (RuntimeException e) {
            unexplained.add("route " + prefix + " pointing at unreadable next-hop group " + group + " (" + e.getMessage() + ")");
            return java.util.Optional.empty();
        }
        if (g.hops().isEmpty()) {
            unexplained.add("route " + prefix + " pointing at empty next-hop group " + group);
            return java.util.Optional.empty();
        }
        List<NextHop> hops = new ArrayList<>();
        for (NextHopEntry h : g.hops()) {
            switch (h.type()) {
                case GATEWAY -> hops.add(new NextHop.Gateway(h.gateway(), h.weight()));
                case DROP -> hops.add(new NextHop.Drop());
                case ENDPOINT -> {
                    Wiring w = byIfindex.get(h.ifindex());
                    if (w == null) {
                        unexplained.add("route " + prefix + " with a next hop to ifindex " + h.ifindex() + ", which no attached endpoint owns");
                        return java.util.Optional.empty();
                    }
                    hops.add(new NextHop.ToEndpoint(w.spec().id(), h.weight()));
                }
            }
        }
        try {
            return java.util.Optional.of(new Route(prefix, hops));
        } catch (InvalidSpecException e) {
            unexplained.add("route " + prefix + " with next hops the API cannot express: " + e.getMessage());
            return java.util.Optional.empty();
        }
    }

    /** Entries of the live policy slot per endpoint index and direction; isolated when the isolation entry is there. */
    private static List<PolicyEntries> policy(DatapathMaps maps, Map<Integer, EndpointId> idByIndex, List<String> unexplained) {
        BpfMap live = maps.map("up_policy_slot" + maps.policyState().activeSlot());
        Map<String, int[]> counts = new TreeMap<>();
        Set<String> isolated = new HashSet<>();
        for (byte[] k : live.keys()) {
            PolicyKey key = PolicyKey.decode(k);
            EndpointId id = idByIndex.get(key.endpointIndex());
            if (id == null) {
                unexplained.add("policy entries for endpoint index " + key.endpointIndex() + ", which no wired endpoint has");
                continue;
            }
            String slot = id.value() + "/" + key.direction();
            counts.computeIfAbsent(slot, s -> new int[1])[0]++;
            if (key.prefixLen() == PolicyKey.ISOLATION) {
                isolated.add(slot);
            }
        }
        List<PolicyEntries> out = new ArrayList<>();
        idByIndex.values().stream().sorted().forEach(id -> {
            for (Direction d : Direction.values()) {
                String slot = id.value() + "/" + (d == Direction.INGRESS ? PolicyKey.INGRESS : PolicyKey.EGRESS);
                out.add(new PolicyEntries(id, d, isolated.contains(slot), counts.getOrDefault(slot, new int[1])[0]));
            }
        });
        return out;
    }
}
