/**
 * GoBGP's gRPC API from Java: {@link dev.uniplane.provider.bgp.internal.wire.GobgpClient} over the stubs generated at
 * build time (package {@code apipb}, from Debian's golang-github-osrg-gobgp-dev .proto files), the value types it
 * speaks in, and {@link dev.uniplane.provider.bgp.internal.wire.GobgpException} for failed calls.
 */
package dev.uniplane.provider.bgp.internal.wire;
