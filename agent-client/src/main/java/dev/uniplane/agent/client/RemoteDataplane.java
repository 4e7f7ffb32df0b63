package dev.uniplane.agent.client;

import static dev.uniplane.agent.api.ProtoModel.fromProto;
import static dev.uniplane.agent.api.ProtoModel.toProto;

import dev.uniplane.agent.api.AgentErrors;
import dev.uniplane.agent.api.ProtoModel;
import dev.uniplane.agent.api.proto.AgentGrpc;
import dev.uniplane.agent.api.proto.AgentPb;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Plan;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.StatsListener;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.api.Subscription;
import dev.uniplane.spi.BackendInspector;
import dev.uniplane.spi.BackendView;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One of the agent's dataplanes, driven through the agent: every {@link Dataplane} method is the same call in the agent,
 * with the same result or the same exception. It is also a {@link BackendInspector} (so
 * {@link dev.uniplane.spi.Drift#of} works on it) and offers {@link #verify()}, the drift computed by the agent.
 *
 * <p>The dataplane belongs to the agent: {@link #close()} only ends this handle's watches; the agent keeps the dataplane
 * (use {@link AgentClient#closeDataplane} to have the agent close it). {@link #destroy()} is forwarded: the agent
 * removes everything the dataplane programmed and forgets it.
 */
public final class RemoteDataplane implements Dataplane, BackendInspector {
    private final AgentClient client;
    private final AgentGrpc.AgentBlockingStub stub;
    private final AgentGrpc.AgentStub async;
    private final DataplaneInfo info;
    private final AgentPb.DataplaneRef ref;
    private final Set<Subscription> watches = ConcurrentHashMap.newKeySet();

    RemoteDataplane(AgentClient client, Channel channel, DataplaneInfo info) {
        this.client = client;
        this.stub = AgentGrpc.newBlockingStub(channel);
        this.async = AgentGrpc.newStub(channel);
        this.info = info;
        this.ref = AgentPb.DataplaneRef.newBuilder().setDataplane(info.name()).build();
    }

    @Override
    public String provider() {
        return info.provider();
    }

    @Override
    public String name() {
        return info.name();
    }

    @Override
    public Capabilities capabilities() {
        return info.capabilities();
    }

    /** The config the agent opened this dataplane with. */
    public DataplaneConfig config() {
        return info.config();
    }

    // --- attach -------------------------------------------------------------------------------------------------------

    @Override
    public Endpoint attach(AttachSpec spec) {
        AgentPb.AttachRequest request = AgentPb.AttachRequest.newBuilder().setDataplane(name()).setSpec(toProto(notNull("spec", spec))).build();
        return fromProto(client.call(() -> stub.attach(request)));
    }

    @Override
    public void detach(EndpointId id) {
        AgentPb.EndpointRef request = AgentPb.EndpointRef.newBuilder().setDataplane(name()).setEndpoint(notNull("id", id).value()).build();
        client.call(() -> stub.detach(request));
    }

    @Override
    public List<Endpoint> endpoints() {
        return client.call(() -> stub.listEndpoints(ref)).getEndpointsList().stream().map(ProtoModel::fromProto).toList();
    }

    @Override
    public Optional<Endpoint> endpoint(EndpointId id) {
        AgentPb.EndpointRef request = AgentPb.EndpointRef.newBuilder().setDataplane(name()).setEndpoint(notNull("id", id).value()).build();
        AgentPb.EndpointLookup found = client.call(() -> stub.getEndpoint(request));
        return found.hasEndpoint() ? Optional.of(fromProto(found.getEndpoint())) : Optional.empty();
    }

    // --- routes -------------------------------------------------------------------------------------------------------

    @Override
    public void addRoute(Route route) {
        AgentPb.RouteRequest request = AgentPb.RouteRequest.newBuilder().setDataplane(name()).setRoute(toProto(notNull("route", route))).build();
        client.call(() -> stub.addRoute(request));
    }

    @Override
    public void replaceRoute(Route route) {
        AgentPb.RouteRequest request = AgentPb.RouteRequest.newBuilder().setDataplane(name()).setRoute(toProto(notNull("route", route))).build();
        client.call(() -> stub.replaceRoute(request));
    }

    @Override
    public void removeRoute(IpPrefix prefix) {
        AgentPb.PrefixRequest request = AgentPb.PrefixRequest.newBuilder().setDataplane(name()).setPrefix(toProto(notNull("prefix", prefix))).build();
        client.call(() -> stub.removeRoute(request));
    }

    @Override
    public void updateRoutes(List<Route> upserts, List<IpPrefix> removals) {
        AgentPb.UpdateRoutesRequest.Builder request = AgentPb.UpdateRoutesRequest.newBuilder().setDataplane(name());
        notNull("upserts", upserts).forEach(r -> request.addUpserts(toProto(notNull("upserts[]", r))));
        notNull("removals", removals).forEach(p -> request.addRemovals(toProto(notNull("removals[]", p))));
        client.call(() -> stub.updateRoutes(request.build()));
    }

    @Override
    public List<Route> routes() {
        return client.call(() -> stub.listRoutes(ref)).getRoutesList().stream().map(ProtoModel::fromProto).toList();
    }

    // --- policy -------------------------------------------------------------------------------------------------------

    @Override
    public void applyPolicies(PolicySet policies) {
        AgentPb.PoliciesRequest request = AgentPb.PoliciesRequest.newBuilder().setDataplane(name())
                .setPolicies(toProto(notNull("policies", policies))).build();
        client.call(() -> stub.applyPolicies(request));
    }

    @Override
    public PolicySet policies() {
        return fromProto(client.call(() -> stub.getPolicies(ref)));
    }

    @Override
    public void registerRemote(RemoteEndpoint remote) {
        AgentPb.RemoteRequest request = AgentPb.RemoteRequest.newBuilder().setDataplane(name()).setRemote(toProto(notNull("remote", remote))).build();
        client.call(() -> stub.registerRemote(request));
    }

    @Override
    public void unregisterRemote(String id) {
        AgentPb.RemoteRef request = AgentPb.RemoteRef.newBuilder().setDataplane(name()).setId(notNull("id", id)).build();
        client.call(() -> stub.unregisterRemote(request));
    }

    @Override
    public List<RemoteEndpoint> remotes() {
        return client.call(() -> stub.listRemotes(ref)).getRemotesList().stream().map(ProtoModel::fromProto).toList();
    }

    // --- stats --------------------------------------------------------------------------------------------------------

    @Override
    public StatsSnapshot stats() {
        return fromProto(client.call(() -> stub.stats(ref)));
    }

    /**
     * A server stream from the agent; the listener is called on a gRPC thread. When the stream breaks (agent gone), the
     * listener's {@link StatsListener#onError onError} gets the reason once and the watch ends.
     */
    @Override
    public Subscription watch(Duration period, StatsListener listener) {
        notNull("listener", listener);
        if (notNull("period", period).isNegative() || period.isZero()) {
            throw new InvalidSpecException("period", period, "must be positive");
        }
        AgentPb.WatchRequest request = AgentPb.WatchRequest.newBuilder().setDataplane(name()).setPeriod(toProto(period)).build();
        WatchStream stream = new WatchStream(listener);
        async.watch(request, stream);
        Subscription subscription = new Subscription() {
            @Override
            public void close() {
                watches.remove(this);
                stream.cancel();
            }
        };
        watches.add(subscription);
        return subscription;
    }

    /** Feeds a watch's events to its listener. */
    private final class WatchStream implements ClientResponseObserver<AgentPb.WatchRequest, AgentPb.WatchEvent> {
        private final StatsListener listener;
        private volatile ClientCallStreamObserver<AgentPb.WatchRequest> call;
        private volatile boolean cancelled;

        WatchStream(StatsListener listener) {
            this.listener = listener;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<AgentPb.WatchRequest> requestStream) {
            this.call = requestStream;
        }

        void cancel() {
            cancelled = true;
            ClientCallStreamObserver<AgentPb.WatchRequest> c = call;
            if (c != null) {
                c.cancel("subscription closed", null);
            }
        }

        @Override
        public void onNext(AgentPb.WatchEvent event) {
            if (event.hasStats()) {
                listener.onStats(fromProto(event.getStats().getSnapshot()), fromProto(event.getStats().getDelta()));
            } else if (event.hasError()) {
                listener.onError(dataplaneException(AgentErrors.toException(event.getError())));
            }
        }

        @Override
        public void onError(Throwable t) {
            if (cancelled) {
                return;
            }
            RuntimeException e = t instanceof StatusRuntimeException s ? client.exception(s)
                    : new DataplaneException("watch of " + name() + " failed: " + Status.fromThrowable(t), t);
            listener.onError(dataplaneException(e));
        }

        @Override
        public void onCompleted() {
            // the agent closed the dataplane
        }
    }

    private static DataplaneException dataplaneException(RuntimeException e) {
        return e instanceof DataplaneException d ? d : new DataplaneException(e.getMessage(), e);
    }

    // --- plan/apply ---------------------------------------------------------------------------------------------------

    @Override
    public DesiredState currentState() {
        return fromProto(client.call(() -> stub.currentState(ref)));
    }

    /** Computed by the agent against its current state, in one call. */
    @Override
    public Plan plan(DesiredState desired) {
        AgentPb.PlanRequest request = AgentPb.PlanRequest.newBuilder().setDataplane(name()).setDesired(toProto(notNull("desired", desired))).build();
        return fromProto(client.call(() -> stub.planState(request)));
    }

    @Override
    public void apply(Plan plan) {
        AgentPb.ApplyRequest request = AgentPb.ApplyRequest.newBuilder().setDataplane(name()).setPlan(toProto(notNull("plan", plan))).build();
        client.call(() -> stub.apply(request));
    }

    /** What the agent's backend really holds ({@link BackendInspector#inspect()} run in the agent). */
    @Override
    public BackendView inspect() {
        return fromProto(client.call(() -> stub.inspect(ref)));
    }

    /** Every difference between {@link #currentState()} and the backend, computed in the agent; empty when none. */
    public List<String> verify() {
        return client.call(() -> stub.verify(ref)).getDifferencesList();
    }

    /** Ends this handle's watches. The dataplane stays open in the agent. */
    @Override
    public void close() {
        List.copyOf(watches).forEach(Subscription::close);
    }

    /** Has the agent remove everything this dataplane programmed, close it and forget it. */
    @Override
    public void destroy() {
        close();
        client.call(() -> stub.destroyDataplane(ref));
    }

    private static <T> T notNull(String parameter, T value) {
        if (value == null) {
            throw new InvalidSpecException(parameter, null, "must not be null");
        }
        return value;
    }
}
