/**
 * Uniplane's BGP provider: workloads on veths, routes in the node namespace's kernel FIB, exchanged with peers by a
 * gobgpd it drives over gRPC (grpc-java and protobuf-java are automatic modules here). No package is exported.
 */
module dev.uniplane.provider.bgp {
    requires dev.uniplane.api;
    requires dev.uniplane.linux;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind; // saved-state records and nft JSON documents
    requires com.google.protobuf;
    requires io.grpc;
    requires io.grpc.stub;
    requires io.grpc.protobuf;
    requires io.grpc.netty.shaded; // the client creates its sockets inside the daemon's network namespace
    requires com.google.common; // ListenableFuture in the generated future stub
    // Guava is an automatic module, so it declares no requires; its failureaccess is an explicit module that nothing else
    // would pull into the module graph (NoClassDefFoundError InternalFutureFailureAccess on the module path without it).
    requires com.google.common.util.concurrent.internal;

    opens dev.uniplane.provider.bgp.internal.state to com.fasterxml.jackson.databind;

    provides dev.uniplane.spi.DataplaneProvider with dev.uniplane.provider.bgp.BgpProvider;
}
