package dev.uniplane.provider.bgp.internal.state;

/**
 * The BGP provider's dataplane-level record in the saved state ({@code dev.uniplane.spi.state.SavedDataplane}): the
 * gobgpd it started, so that a later process can take it over (graceful restart keeps it running across a close).
 *
 * @param gobgpdPid the daemon's process id (0: none of ours, e.g. an existing daemon given by {@code bgp.grpc})
 * @param apiPort   its gRPC port on the node namespace's loopback
 */
public record BgpState(long gobgpdPid, int apiPort) {
}
