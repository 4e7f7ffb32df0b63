package dev.uniplane.provider.bgp.internal.wire;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.provider.bgp.internal.wire.apipb.CommunitiesAttribute;
import dev.uniplane.provider.bgp.internal.wire.apipb.Family;
import dev.uniplane.provider.bgp.internal.wire.apipb.IPAddressPrefix;
import dev.uniplane.provider.bgp.internal.wire.apipb.MpReachNLRIAttribute;
import dev.uniplane.provider.bgp.internal.wire.apipb.NextHopAttribute;
import dev.uniplane.provider.bgp.internal.wire.apipb.OriginAttribute;
import dev.uniplane.provider.bgp.internal.wire.apipb.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@link BgpRoute} to and from GoBGP's {@code Path}: the NLRI is an {@code IPAddressPrefix}; IPv4 carries its next hop
 * in {@code NextHopAttribute}, IPv6 in {@code MpReachNLRIAttribute} (MP-BGP, RFC 4760); communities in
 * {@code CommunitiesAttribute}. Paths of other kinds (EVPN, flowspec, ...) decode to empty.
 */
public final class PathCodec {
    private static final int ORIGIN_IGP = 0;

    private PathCodec() {
    }

    /** The unicast family of {@code family}. */
    public static Family family(IpFamily family) {
        return Family.newBuilder()
                .setAfi(family == IpFamily.IPV4 ? Family.Afi.AFI_IP : Family.Afi.AFI_IP6)
                .setSafi(Family.Safi.SAFI_UNICAST)
                .build();
    }

    /** A locally originated path for {@code AddPath} / {@code DeletePath}. */
    public static Path encode(BgpRoute route) {
        IpFamily family = route.prefix().family();
        if (route.nextHop().family() != family) {
            throw new IllegalArgumentException("next hop " + route.nextHop() + " is not in the family of " + route.prefix());
        }
        Any nlri = Any.pack(IPAddressPrefix.newBuilder()
                .setPrefix(route.prefix().address().toString())
                .setPrefixLen(route.prefix().length())
                .build());
        Path.Builder path = Path.newBuilder()
                .setFamily(family(family))
                .setNlri(nlri)
                .addPattrs(Any.pack(OriginAttribute.newBuilder().setOrigin(ORIGIN_IGP).build()));
        if (family == IpFamily.IPV4) {
            path.addPattrs(Any.pack(NextHopAttribute.newBuilder().setNextHop(route.nextHop().toString()).build()));
        } else {
            path.addPattrs(Any.pack(MpReachNLRIAttribute.newBuilder()
                    .setFamily(family(family))
                    .addNextHops(route.nextHop().toString())
                    .addNlris(nlri)
                    .build()));
        }
        if (!route.communities().isEmpty()) {
            CommunitiesAttribute.Builder communities = CommunitiesAttribute.newBuilder();
            route.communities().forEach(c -> communities.addCommunities(c.intValue()));
            path.addPattrs(Any.pack(communities.build()));
        }
        return path.setIsWithdraw(route.withdrawal()).build();
    }

    /** A unicast path as GoBGP reports it (ListPath, WatchEvent); empty for other NLRI kinds. */
    public static Optional<BgpRoute> decode(Path path) {
        try {
            if (!path.getNlri().is(IPAddressPrefix.class)) {
                return Optional.empty();
            }
            IPAddressPrefix nlri = path.getNlri().unpack(IPAddressPrefix.class);
            IpPrefix prefix = new IpPrefix(IpAddress.parse(nlri.getPrefix()), nlri.getPrefixLen());
            IpAddress nextHop = null;
            List<Long> communities = List.of();
            for (Any attribute : path.getPattrsList()) {
                if (attribute.is(NextHopAttribute.class)) {
                    nextHop = IpAddress.parse(attribute.unpack(NextHopAttribute.class).getNextHop());
                } else if (attribute.is(MpReachNLRIAttribute.class)) {
                    MpReachNLRIAttribute reach = attribute.unpack(MpReachNLRIAttribute.class);
                    if (reach.getNextHopsCount() > 0) {
                        nextHop = IpAddress.parse(reach.getNextHops(0));
                    }
                } else if (attribute.is(CommunitiesAttribute.class)) {
                    communities = attribute.unpack(CommunitiesAttribute.class).getCommunitiesList().stream()
                            .map(Integer::toUnsignedLong).toList();
                }
            }
            if (nextHop == null) {
                // A withdrawal carries no attributes: the unspecified address of the family stands in.
                nextHop = prefix.family() == IpFamily.IPV4 ? IpAddress.ofV4(0) : IpAddress.ofV6(0, 0);
            }
            return Optional.of(new BgpRoute(prefix, nextHop, communities, path.getNeighborIp(), path.getBest(),
                    path.getIsWithdraw()));
        } catch (InvalidProtocolBufferException e) {
            throw new GobgpException("decode path", "INVALID_PATH", e.getMessage(), e);
        }
    }
}
