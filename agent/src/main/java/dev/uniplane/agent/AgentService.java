package dev.uniplane.agent;

import static dev.uniplane.agent.api.ProtoModel.fromProto;
import static dev.uniplane.agent.api.ProtoModel.toProto;

import com.google.protobuf.Empty;
import dev.uniplane.agent.api.AgentErrors;
import dev.uniplane.agent.api.proto.AgentGrpc;
import dev.uniplane.agent.api.proto.AgentPb;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Plan;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.StatsListener;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.api.Subscription;
import dev.uniplane.spi.BackendInspector;
import dev.uniplane.spi.Drift;
import dev.uniplane.spi.InspectionUnsupportedException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The agent API's calls, each turned into the same call on the dataplane the request names. Messages become records
 * through {@link dev.uniplane.agent.api.ProtoModel} (so a malformed one fails as malformed Java input would), and any
 * failure leaves as the gRPC status {@link AgentErrors} assigns to its type.
 */
final class AgentService extends AgentGrpc.AgentImplBase {
    private static final Empty EMPTY = Empty.getDefaultInstance();
    private final Agent agent;

    AgentService(Agent agent) {
        this.agent = agent;
    }

    private static <T> void unary(StreamObserver<T> out, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            out.onError(AgentErrors.toStatus(e));
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }

    private static void unaryEmpty(StreamObserver<Empty> out, Runnable call) {
        unary(out, () -> {
            call.run();
            return EMPTY;
        });
    }

    // --- the agent ----------------------------------------------------------------------------------------------------

    @Override
    public void listDataplanes(Empty request, StreamObserver<AgentPb.DataplaneList> out) {
        unary(out, () -> {
            AgentPb.DataplaneList.Builder list = AgentPb.DataplaneList.newBuilder();
            agent.dataplanes().forEach(dp -> list.addDataplanes(info(dp)));
            return list.build();
        });
    }

    private static AgentPb.DataplaneInfo info(ManagedDataplane managed) {
        Dataplane dp = managed.dataplane();
        DesiredState state = managed.read(dp::currentState);
        return AgentPb.DataplaneInfo.newBuilder().setName(dp.name()).setProvider(dp.provider())
                .setCapabilities(toProto(dp.capabilities())).setConfig(toProto(managed.config())).setConfigured(managed.configured())
                .setEndpoints(state.endpoints().size()).setRoutes(state.routes().size())
                .setPolicies(state.policies().policies().size()).setRules(state.policies().ruleCount())
                .setRemotes(state.remotes().size()).build();
    }

    @Override
    public void openDataplane(AgentPb.DataplaneConfig request, StreamObserver<AgentPb.DataplaneInfo> out) {
        unary(out, () -> info(agent.open(fromProto(request), false)));
    }

    @Override
    public void closeDataplane(AgentPb.DataplaneRef request, StreamObserver<Empty> out) {
        unaryEmpty(out, () -> agent.close(request.getDataplane()));
    }

    @Override
    public void destroyDataplane(AgentPb.DataplaneRef request, StreamObserver<Empty> out) {
        unaryEmpty(out, () -> agent.destroy(request.getDataplane()));
    }

    @Override
    public void listProviders(Empty request, StreamObserver<AgentPb.ProviderList> out) {
        unary(out, () -> {
            AgentPb.ProviderList.Builder list = AgentPb.ProviderList.newBuilder();
            agent.providers().list().forEach(p -> list.addProviders(toProto(p)));
            return list.build();
        });
    }

    @Override
    public void health(Empty request, StreamObserver<AgentPb.AgentHealth> out) {
        unary(out, this::health);
    }

    private AgentPb.AgentHealth health() {
        AgentPb.AgentHealth.Builder h = AgentPb.AgentHealth.newBuilder().setVersion(version()).setPid(ProcessHandle.current().pid())
                .setStartedAt(toProto(agent.startedAt())).setSocket(agent.socket().toString());
        Map<String, List<String>> byProvider = new LinkedHashMap<>();
        for (ManagedDataplane dp : agent.dataplanes()) {
            AgentPb.DataplaneHealth.Builder d = AgentPb.DataplaneHealth.newBuilder().setName(dp.name())
                    .setProvider(dp.dataplane().provider()).setBackendUp(dp.backendUp()).setOpenedAt(toProto(dp.openedAt()));
            ManagedDataplane.Failure last = dp.lastError();
            if (last != null) {
                d.setLastError(AgentErrors.detail(last.error())).setLastErrorAt(toProto(last.at()));
            }
            setIfPresent(dp.lastSuccessfulApply(), t -> d.setLastSuccessfulApply(toProto(t)));
            setIfPresent(dp.lastSuccessfulChange(), t -> d.setLastSuccessfulChange(toProto(t)));
            h.addDataplanes(d);
            byProvider.computeIfAbsent(dp.dataplane().provider(), p -> new java.util.ArrayList<>()).add(dp.name());
        }
        for (Agent.FailedOpen f : agent.failedOpens()) {
            String provider = f.config().providerName().orElse("");
            h.addDataplanes(AgentPb.DataplaneHealth.newBuilder().setName(f.config().name()).setProvider(provider).setBackendUp(false)
                    .setLastError(AgentErrors.detail(f.error())).setLastErrorAt(toProto(f.at())));
            if (!provider.isEmpty()) {
                byProvider.computeIfAbsent(provider, p -> new java.util.ArrayList<>());
            }
        }
        byProvider.forEach((name, dps) -> agent.providers().provider(name).ifPresent(p -> h.addProviders(
                AgentPb.ProviderHealth.newBuilder().setName(name).setAvailability(toProto(agent.providers().availability(p)))
                        .addAllDataplanes(dps))));
        return h.build();
    }

    private static void setIfPresent(Instant value, java.util.function.Consumer<Instant> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private static String version() {
        String v = Agent.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev (API " + dev.uniplane.spi.ApiVersion.current() + ")";
    }

    // --- attach ---------------------------------------------------------------------------------------------------------

    @Override
    public void attach(AgentPb.AttachRequest request, StreamObserver<AgentPb.Endpoint> out) {
        unary(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            AttachSpec spec = fromProto(request.getSpec());
            return toProto(dp.change(() -> dp.dataplane().attach(spec)));
        });
    }

    @Override
    public void detach(AgentPb.EndpointRef request, StreamObserver<Empty> out) {
        unaryEmpty(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            EndpointId id = EndpointId.of(request.getEndpoint());
            dp.change(() -> dp.dataplane().detach(id));
        });
    }

    @Override
    public void listEndpoints(AgentPb.DataplaneRef request, StreamObserver<AgentPb.EndpointList> out) {
        unary(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            AgentPb.EndpointList.Builder list = AgentPb.EndpointList.newBuilder();
            dp.read(dp.dataplane()::endpoints).forEach(e -> list.addEndpoints(toProto(e)));
            return list.build();
        });
    }

    @Override
    public void getEndpoint(AgentPb.EndpointRef request, StreamObserver<AgentPb.EndpointLookup> out) {
        unary(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            EndpointId id = EndpointId.of(request.getEndpoint());
            AgentPb.EndpointLookup.Builder lookup = AgentPb.EndpointLookup.newBuilder();
            dp.read(() -> dp.dataplane().endpoint(id)).ifPresent(e -> lookup.setEndpoint(toProto(e)));
            return lookup.build();
        });
    }

    // --- routes -----------------------------------------------------------------------------------------------------------

    @Override
    public void addRoute(AgentPb.RouteRequest request, StreamObserver<Empty> out) {
        unaryEmpty(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            Route route = fromProto(request.getRoute());
            dp.change(() -> dp.dataplane().addRoute(route));
        });
    }

    @Override
    public void replaceRoute(AgentPb.RouteRequest request, StreamObserver<Empty> out) {
        unaryEmpty(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            Route route = fromProto(request.getRoute());
            dp.change(() -> dp.dataplane().replaceRoute(route));
        });
    }

    @Override
    public void removeRoute(AgentPb.PrefixRequest request, StreamObserver<Empty> out) {
        unaryEmpty(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            IpPrefix prefix = fromProto(request.getPrefix());
            dp.change(() -> dp.dataplane().removeRoute(prefix));
        });
    }

    @Override
    public void updateRoutes(AgentPb.UpdateRoutesRequest request, StreamObserver<Empty> out) {
        unaryEmpty(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            List<Route> upserts = request.getUpsertsList().stream().map(r -> fromProto(r)).toList();
            List<IpPrefix> removals = request.getRemovalsList().stream().map(p -> fromProto(p)).toList();
            dp.change(() -> dp.dataplane().updateRoutes(upserts, removals));
        });
    }

    @Override
    public void listRoutes(AgentPb.DataplaneRef request, StreamObserver<AgentPb.RouteList> out) {
        unary(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            AgentPb.RouteList.Builder list = AgentPb.RouteList.newBuilder();
            dp.read(dp.dataplane()::routes).forEach(r -> list.addRoutes(toProto(r)));
            return list.build();
        });
    }

    // --- policy -----------------------------------------------------------------------------------------------------------

    @Override
    public void applyPolicies(AgentPb.PoliciesRequest request, StreamObserver<Empty> out) {
        unaryEmpty(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            PolicySet set = fromProto(request.getPolicies());
            dp.change(() -> dp.dataplane().applyPolicies(set));
        });
    }

    @Override
    public void getPolicies(AgentPb.DataplaneRef request, StreamObserver<AgentPb.PolicySet> out) {
        unary(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            return toProto(dp.read(dp.dataplane()::policies));
        });
    }

    @Override
    public void registerRemote(AgentPb.RemoteRequest request, StreamObserver<Empty> out) {
        unaryEmpty(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            RemoteEndpoint remote = fromProto(request.getRemote());
            dp.change(() -> dp.dataplane().registerRemote(remote));
        });
    }

    @Override
    public void unregisterRemote(AgentPb.RemoteRef request, StreamObserver<Empty> out) {
        unaryEmpty(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            dp.change(() -> dp.dataplane().unregisterRemote(request.getId()));
        });
    }

    @Override
    public void listRemotes(AgentPb.DataplaneRef request, StreamObserver<AgentPb.RemoteList> out) {
        unary(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            AgentPb.RemoteList.Builder list = AgentPb.RemoteList.newBuilder();
            dp.read(dp.dataplane()::remotes).forEach(r -> list.addRemotes(toProto(r)));
            return list.build();
        });
    }

    // --- stats ------------------------------------------------------------------------------------------------------------

    @Override
    public void stats(AgentPb.DataplaneRef request, StreamObserver<AgentPb.StatsSnapshot> out) {
        unary(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            return toProto(dp.read(dp.dataplane()::stats));
        });
    }

    /** Dataplane.watch, each call of the listener one event; ends when the client cancels or the dataplane goes away. */
    @Override
    public void watch(AgentPb.WatchRequest request, StreamObserver<AgentPb.WatchEvent> out) {
        ServerCallStreamObserver<AgentPb.WatchEvent> stream = (ServerCallStreamObserver<AgentPb.WatchEvent>) out;
        try {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            Duration period = fromProto(request.getPeriod());
            Subscription subscription = dp.read(() -> dp.dataplane().watch(period, new StatsListener() {
                @Override
                public void onStats(StatsSnapshot snapshot, StatsSnapshot delta) {
                    send(stream, AgentPb.WatchEvent.newBuilder().setStats(AgentPb.StatsUpdate.newBuilder()
                            .setSnapshot(toProto(snapshot)).setDelta(toProto(delta))).build());
                }

                @Override
                public void onError(DataplaneException error) {
                    send(stream, AgentPb.WatchEvent.newBuilder().setError(AgentErrors.detail(error)).build());
                }
            }));
            Runnable unregister = dp.onClose(() -> {
                subscription.close();
                synchronized (stream) {
                    if (!stream.isCancelled()) {
                        stream.onCompleted();
                    }
                }
            });
            stream.setOnCancelHandler(() -> {
                unregister.run();
                subscription.close();
            });
        } catch (RuntimeException e) {
            out.onError(AgentErrors.toStatus(e));
        }
    }

    private static void send(ServerCallStreamObserver<AgentPb.WatchEvent> stream, AgentPb.WatchEvent event) {
        synchronized (stream) {
            try {
                if (!stream.isCancelled()) {
                    stream.onNext(event);
                }
            } catch (RuntimeException gone) {
                // the client went away between the check and the send; its cancel handler stops the watch
            }
        }
    }

    // --- plan/apply -----------------------------------------------------------------------------------------------------

    @Override
    public void currentState(AgentPb.DataplaneRef request, StreamObserver<AgentPb.DesiredState> out) {
        unary(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            return toProto(dp.read(dp.dataplane()::currentState));
        });
    }

    @Override
    public void planState(AgentPb.PlanRequest request, StreamObserver<AgentPb.Plan> out) {
        unary(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            DesiredState desired = fromProto(request.getDesired());
            return toProto(dp.read(() -> dp.dataplane().plan(desired)));
        });
    }

    @Override
    public void apply(AgentPb.ApplyRequest request, StreamObserver<Empty> out) {
        unaryEmpty(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            Plan plan = fromProto(request.getPlan());
            dp.apply(plan);
        });
    }

    @Override
    public void inspect(AgentPb.DataplaneRef request, StreamObserver<AgentPb.BackendView> out) {
        unary(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            if (!(dp.dataplane() instanceof BackendInspector inspector)) {
                throw new InspectionUnsupportedException(dp.dataplane().provider());
            }
            return toProto(dp.read(inspector::inspect));
        });
    }

    @Override
    public void verify(AgentPb.DataplaneRef request, StreamObserver<AgentPb.DriftReport> out) {
        unary(out, () -> {
            ManagedDataplane dp = agent.dataplane(request.getDataplane());
            return AgentPb.DriftReport.newBuilder().addAllDifferences(dp.read(() -> Drift.of(dp.dataplane()))).build();
        });
    }
}
