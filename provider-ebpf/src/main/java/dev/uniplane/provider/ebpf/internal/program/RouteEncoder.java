package dev.uniplane.provider.ebpf.internal.program;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.uniplane.api.EndpointId;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;

/** Turns an API {@link Route} into the next-hop group the program understands. */
public final class RouteEncoder {

    /** What a local-endpoint next hop needs: where to redirect and which MACs to write. */
    public record LocalHop(int endpointIndex, int hostIfindex, MacAddress mac, MacAddress hostMac) {
    }

    private RouteEncoder() {
    }

    /**
     * The group for {@code route}: gateways via {@code uplinkIfindex}, endpoints resolved by {@code endpoints}, a
     * drop route as one DROP hop. Weights are kept, so ECMP is weighted by them.
     *
     * @throws InvalidSpecException naming the next hop when it refers to an endpoint that is not attached
     */
    public static NextHopGroup group(Route route, int uplinkIfindex, Function<EndpointId, Optional<LocalHop>> endpoints) {
        List<NextHopEntry> hops = new ArrayList<>();
        for (int i = 0; i < route.nextHops().size(); i++) {
            NextHop hop = route.nextHops().get(i);
            String field = "nextHops[" + i + "].endpoint";
            hops.add(switch (hop) {
                case NextHop.Gateway g -> NextHopEntry.gateway(g.address(), g.weight(), uplinkIfindex);
                case NextHop.Drop d -> NextHopEntry.drop();
                case NextHop.ToEndpoint e -> {
                    LocalHop local = endpoints.apply(e.endpoint()).orElseThrow(() -> new InvalidSpecException(
                            field, e.endpoint().value(), "no such endpoint is attached"));
                    yield NextHopEntry.endpoint(local.endpointIndex(), local.hostIfindex(), local.mac(), local.hostMac(),
                            e.weight());
                }
            });
        }
        return new NextHopGroup(hops);
    }
}
