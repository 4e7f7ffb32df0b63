/**
 * The Uniplane agent's wire API: the gRPC service and messages generated from {@code uniplane/agent/v1/agent.proto}
 * ({@code dev.uniplane.agent.api.proto}), {@link dev.uniplane.agent.api.ProtoModel} (API records to messages and back)
 * and {@link dev.uniplane.agent.api.AgentErrors} (API exceptions to gRPC statuses and back). Shared by the agent and its
 * client. grpc-java and protobuf-java are automatic modules here.
 */
module dev.uniplane.agent.api {
    requires transitive dev.uniplane.api;
    requires transitive com.google.protobuf;
    requires transitive io.grpc;
    requires transitive io.grpc.stub;
    requires io.grpc.protobuf;
    requires org.apache.commons.lang3;
    requires com.google.common; // ListenableFuture in the generated future stub
    // Guava is an automatic module, so it declares no requires; its failureaccess is an explicit module that nothing else
    // would pull into the module graph (NoClassDefFoundError InternalFutureFailureAccess on the module path without it).
    requires com.google.common.util.concurrent.internal;

    exports dev.uniplane.agent.api;
    exports dev.uniplane.agent.api.proto;
}
