/**
 * The Uniplane agent ({@code uniplane agent}): owns dataplanes and serves the agent API on a unix domain socket.
 * grpc-java, netty (shaded) and picocli are automatic or plain modules here.
 */
module dev.uniplane.agent {
    requires dev.uniplane.agent.api;
    requires dev.uniplane.api;
    requires org.slf4j;
    requires io.grpc.netty.shaded;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires info.picocli;

    exports dev.uniplane.agent;
    opens dev.uniplane.agent to com.fasterxml.jackson.databind, info.picocli;

    uses dev.uniplane.spi.DataplaneProvider;
}
