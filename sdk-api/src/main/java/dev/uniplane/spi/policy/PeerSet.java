package dev.uniplane.spi.policy;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Peer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The peers of one rule, resolved: either any peer (the rule lists none), or the addresses of the local and
 * registered remote endpoints its selectors match plus its CIDRs minus their excepts. An address that belongs to no
 * endpoint never matches a selector.
 */
public final class PeerSet {
    private static final PeerSet ANY = new PeerSet(true, List.of());

    /** One peer of the rule: the host prefixes a selector resolved to, or a CIDR peer. */
    private sealed interface Part permits Hosts, Range {
    }

    private record Hosts(List<IpPrefix> prefixes) implements Part {
    }

    private record Range(Peer.Cidr cidr) implements Part {
    }

    private final boolean any;
    private final List<Part> parts;
    private final Set<IpAddress> hosts = new HashSet<>();
    private final List<Peer.Cidr> cidrs = new ArrayList<>();
    private volatile List<IpPrefix> prefixes;

    private PeerSet(boolean any, List<Part> parts) {
        this.any = any;
        this.parts = List.copyOf(parts);
        for (Part part : this.parts) {
            switch (part) {
                case Hosts h -> h.prefixes().forEach(p -> hosts.add(p.address()));
                case Range r -> cidrs.add(r.cidr());
            }
        }
    }

    /** Every peer, also addresses of no endpoint. */
    static PeerSet anyPeer() {
        return ANY;
    }

    /** A builder of a rule's peers, added in the rule's order. */
    static final class Builder {
        private final List<Part> parts = new ArrayList<>();

        Builder hosts(List<IpAddress> addresses) {
            parts.add(new Hosts(addresses.stream().map(IpPrefix::host).toList()));
            return this;
        }

        Builder cidr(Peer.Cidr cidr) {
            parts.add(new Range(cidr));
            return this;
        }

        PeerSet build() {
            return new PeerSet(false, parts);
        }
    }

    /** True when the rule lists no peers: it matches every address, also outside every prefix. */
    public boolean isAny() {
        return any;
    }

    /**
     * The peers as distinct prefixes (empty for {@link #isAny()}), in the rule's peer order: a selector's matching
     * endpoints (local ones first, each in the order given, then remote ones) as host prefixes, a CIDR minus its
     * excepts as disjoint prefixes ({@link Prefixes#subtract}). The prefixes of one CIDR are disjoint; a host prefix
     * may lie inside a CIDR's prefix. Empty for a rule whose peers match nothing.
     */
    public List<IpPrefix> prefixes() {
        List<IpPrefix> out = prefixes;
        if (out == null) {
            List<IpPrefix> all = new ArrayList<>();
            for (Part part : parts) {
                switch (part) {
                    case Hosts h -> all.addAll(h.prefixes());
                    case Range r -> all.addAll(Prefixes.subtract(r.cidr().cidr(), r.cidr().except()));
                }
            }
            out = all.stream().distinct().toList();
            prefixes = out;
        }
        return out;
    }

    /** Whether {@code address} is a peer of the rule. */
    public boolean contains(IpAddress address) {
        return any || hosts.contains(address) || cidrs.stream().anyMatch(c -> c.matches(address));
    }

    /**
     * Whether the region of {@code prefix} lies inside the CIDR peers: some CIDR peer contains {@code prefix} and no
     * except of that peer contains it. When {@code prefix} is one of the rule set's CIDR or except prefixes, its region
     * (the prefix minus the longer such prefixes inside it) lies either wholly inside or wholly outside every CIDR peer
     * minus its excepts, so this decides a peer match for every address of the region (an identity-based datapath
     * matches per region). Selector peers do not count here; {@link #isAny()} contains every region.
     */
    public boolean containsRegion(IpPrefix prefix) {
        if (any) {
            return true;
        }
        for (Peer.Cidr c : cidrs) {
            if (c.cidr().contains(prefix) && c.except().stream().noneMatch(x -> x.contains(prefix))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return any ? "any" : prefixes().toString();
    }
}
