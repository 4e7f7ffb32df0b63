package dev.uniplane.tck.model;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The routing outcome for a packet. For a forwarded packet {@link #candidates()} lists every next hop a backend may
 * legitimately pick for it (the usable hops of the matched ECMP group, one hop otherwise): the model's own pick is a
 * deterministic weighted hash of the 5-tuple, but a backend's hash differs, so conformance tests accept any candidate
 * and assert only that one flow always takes the same hop.
 */
public sealed interface RouteDecision
        permits RouteDecision.LocalDelivery, RouteDecision.ViaGateway, RouteDecision.Dropped, RouteDecision.TtlExceeded {

    /** The acceptable next hops of a forwarded packet; empty when it is dropped. */
    List<NextHop> candidates();

    /** The prefix of the route that matched (an implicit host route of an endpoint included), if any. */
    Optional<IpPrefix> matchedPrefix();

    default boolean forwarded() {
        return this instanceof LocalDelivery || this instanceof ViaGateway;
    }

    /** The drop reason of a packet that routing discards. */
    default Optional<DropReason> dropReason() {
        return switch (this) {
            case Dropped d -> Optional.of(DropReason.NO_ROUTE);
            case TtlExceeded t -> Optional.of(DropReason.TTL_EXCEEDED);
            default -> Optional.empty();
        };
    }

    /** Delivered to a local endpoint (its implicit host route, or a route whose chosen next hop is the endpoint). */
    record LocalDelivery(EndpointId endpoint, IpPrefix prefix, List<NextHop> candidates) implements RouteDecision {
        /** Copies the candidates. */
        public LocalDelivery {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(prefix, "prefix");
            candidates = List.copyOf(candidates);
        }

        @Override
        public Optional<IpPrefix> matchedPrefix() {
            return Optional.of(prefix);
        }
    }

    /** Sent out of the uplink to a gateway. */
    record ViaGateway(IpAddress gateway, IpPrefix prefix, List<NextHop> candidates) implements RouteDecision {
        /** Copies the candidates. */
        public ViaGateway {
            Objects.requireNonNull(gateway, "gateway");
            Objects.requireNonNull(prefix, "prefix");
            candidates = List.copyOf(candidates);
        }

        @Override
        public Optional<IpPrefix> matchedPrefix() {
            return Optional.of(prefix);
        }
    }

    /**
     * Dropped with {@link DropReason#NO_ROUTE}: no route matched ({@code blackhole} empty), or the matching route is a
     * drop route or has no usable next hop (its prefix given).
     */
    record Dropped(Optional<IpPrefix> blackhole) implements RouteDecision {
        /** Rejects null. */
        public Dropped {
            Objects.requireNonNull(blackhole, "blackhole");
        }

        @Override
        public List<NextHop> candidates() {
            return List.of();
        }

        @Override
        public Optional<IpPrefix> matchedPrefix() {
            return blackhole;
        }
    }

    /** A route matched but the TTL / hop limit would reach 0: dropped with {@link DropReason#TTL_EXCEEDED}. */
    record TtlExceeded(IpPrefix prefix) implements RouteDecision {
        /** Rejects null. */
        public TtlExceeded {
            Objects.requireNonNull(prefix, "prefix");
        }

        @Override
        public List<NextHop> candidates() {
            return List.of();
        }

        @Override
        public Optional<IpPrefix> matchedPrefix() {
            return Optional.of(prefix);
        }
    }
}
