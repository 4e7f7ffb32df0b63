package dev.uniplane.agent.client;

import com.google.protobuf.Empty;
import dev.uniplane.agent.api.AgentErrors;
import dev.uniplane.agent.api.ProtoModel;
import dev.uniplane.agent.api.proto.AgentGrpc;
import dev.uniplane.agent.api.proto.AgentPb;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.ProviderStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A connection to the Uniplane agent over its unix socket. {@link #dataplane(String)} gives a remote
 * {@link dev.uniplane.api.Dataplane}: whatever a Java application does with a dataplane it opened, a client of the
 * agent does with this one, and the agent's errors arrive as the same API exceptions with the same messages. A call
 * that cannot reach the agent throws {@link AgentUnavailableException}. Thread-safe; {@link #close()} when done.
 */
public final class AgentClient implements AutoCloseable {
    /** The agent's default socket. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/uniplane/agent.sock");

    /** gRPC's default 4 MiB is too small for a state with 100k routes (the agent accepts as much). */
    private static final int MAX_MESSAGE = 512 << 20;

    private final Path socket;
    private final EventLoopGroup loop;
    private final ManagedChannel channel;
    private final AgentGrpc.AgentBlockingStub stub;

    private AgentClient(Path socket) {
        this.socket = socket;
        this.loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE).build();
        this.stub = AgentGrpc.newBlockingStub(channel);
    }

    /**
     * Connects to the agent serving on {@code socket}. The connection is made by the first call.
     *
     * @throws AgentUnavailableException when there is no socket file
     */
    public static AgentClient connect(Path socket) {
        if (!Files.exists(socket)) {
            throw new AgentUnavailableException("no agent socket at " + socket + " (start the agent: uniplane agent --socket "
                    + socket + ")", null);
        }
        return new AgentClient(socket.toAbsolutePath());
    }

    /** Connects to the agent on {@link #DEFAULT_SOCKET}. */
    public static AgentClient connect() {
        return connect(DEFAULT_SOCKET);
    }

    /** The socket this client talks to. */
    public Path socket() {
        return socket;
    }

    /** The dataplanes the agent owns, with their counts. */
    public List<DataplaneInfo> dataplanes() {
        return call(() -> stub.listDataplanes(Empty.getDefaultInstance())).getDataplanesList().stream()
                .map(AgentClient::info).toList();
    }

    /**
     * The agent's dataplane {@code name} as a remote {@link dev.uniplane.api.Dataplane}.
     *
     * @throws dev.uniplane.api.NotFoundException when the agent has no such dataplane
     */
    public RemoteDataplane dataplane(String name) {
        DataplaneInfo info = dataplanes().stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new dev.uniplane.api.NotFoundException("the agent has no dataplane named " + name + " (it has "
                        + dataplanes().stream().map(DataplaneInfo::name).toList() + ")"));
        return new RemoteDataplane(this, channel, info);
    }

    /** Has the agent open a dataplane at runtime (it is not reopened after an agent restart); returns it. */
    public RemoteDataplane open(DataplaneConfig config) {
        DataplaneInfo info = info(call(() -> stub.openDataplane(ProtoModel.toProto(config))));
        return new RemoteDataplane(this, channel, info);
    }

    /** Has the agent close a dataplane and forget it (with RESTART_SURVIVAL it keeps forwarding). */
    public void closeDataplane(String name) {
        call(() -> stub.closeDataplane(AgentPb.DataplaneRef.newBuilder().setDataplane(name).build()));
    }

    /** The providers the agent can open dataplanes with, and whether each can run there. */
    public List<ProviderStatus> providers() {
        return call(() -> stub.listProviders(Empty.getDefaultInstance())).getProvidersList().stream().map(ProtoModel::fromProto).toList();
    }

    /** The agent's health: per dataplane and per provider in use. */
    public AgentHealth health() {
        AgentPb.AgentHealth h = call(() -> stub.health(Empty.getDefaultInstance()));
        return new AgentHealth(h.getVersion(), h.getPid(), ProtoModel.fromProto(h.getStartedAt()), Path.of(h.getSocket()),
                h.getDataplanesList().stream().map(d -> new AgentHealth.DataplaneHealth(d.getName(), d.getProvider(), d.getBackendUp(),
                        d.hasLastError() ? d.getLastError().getType() + ": " + d.getLastError().getMessage() : null,
                        time(d.hasLastErrorAt(), d.getLastErrorAt()), time(d.hasLastSuccessfulApply(), d.getLastSuccessfulApply()),
                        time(d.hasLastSuccessfulChange(), d.getLastSuccessfulChange()), time(d.hasOpenedAt(), d.getOpenedAt()))).toList(),
                h.getProvidersList().stream().map(p -> new AgentHealth.ProviderHealth(p.getName(), ProtoModel.fromProto(p.getAvailability()),
                        p.getDataplanesList())).toList());
    }

    private static Instant time(boolean present, com.google.protobuf.Timestamp t) {
        return present ? ProtoModel.fromProto(t) : null;
    }

    static DataplaneInfo info(AgentPb.DataplaneInfo i) {
        return new DataplaneInfo(i.getName(), i.getProvider(), ProtoModel.fromProto(i.getCapabilities()), ProtoModel.fromProto(i.getConfig()),
                i.getConfigured(), i.getEndpoints(), i.getRoutes(), i.getPolicies(), i.getRules(), i.getRemotes());
    }

    /** Runs a call, turning a failed status into the API exception the agent reported. */
    <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw exception(e);
        }
    }

    /** The exception a failed status stands for. */
    RuntimeException exception(StatusRuntimeException e) {
        if (AgentErrors.detailOf(e).isEmpty() && e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
            return new AgentUnavailableException("the agent at " + socket + " is not reachable: " + e.getStatus().getDescription(), e);
        }
        return AgentErrors.toException(e);
    }

    /** Closes the connection (the agent's dataplanes stay as they are). */
    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
