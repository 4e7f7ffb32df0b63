/**
 * Java client of the Uniplane agent: {@link dev.uniplane.agent.client.AgentClient#connect(java.nio.file.Path)} and a
 * remote {@link dev.uniplane.api.Dataplane} per dataplane the agent owns. Used by the CLI and the CNI plugin.
 */
module dev.uniplane.agent.client {
    requires transitive dev.uniplane.api;
    requires dev.uniplane.agent.api;
    requires io.grpc.netty.shaded;
    requires org.slf4j;

    exports dev.uniplane.agent.client;
}
