package dev.uniplane.provider.bgp.internal.wire;

import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.TcpConnection;
import dev.uniplane.provider.bgp.internal.wire.apipb.AddPathRequest;
import dev.uniplane.provider.bgp.internal.wire.apipb.AddPeerRequest;
import dev.uniplane.provider.bgp.internal.wire.apipb.AfiSafi;
import dev.uniplane.provider.bgp.internal.wire.apipb.AfiSafiConfig;
import dev.uniplane.provider.bgp.internal.wire.apipb.AfiSafiState;
import dev.uniplane.provider.bgp.internal.wire.apipb.DeletePathRequest;
import dev.uniplane.provider.bgp.internal.wire.apipb.DeletePeerRequest;
import dev.uniplane.provider.bgp.internal.wire.apipb.Destination;
import dev.uniplane.provider.bgp.internal.wire.apipb.EbgpMultihop;
import dev.uniplane.provider.bgp.internal.wire.apipb.GetBgpRequest;
import dev.uniplane.provider.bgp.internal.wire.apipb.Global;
import dev.uniplane.provider.bgp.internal.wire.apipb.GobgpApiGrpc;
import dev.uniplane.provider.bgp.internal.wire.apipb.GracefulRestart;
import dev.uniplane.provider.bgp.internal.wire.apipb.ListPathRequest;
import dev.uniplane.provider.bgp.internal.wire.apipb.ListPeerRequest;
import dev.uniplane.provider.bgp.internal.wire.apipb.MpGracefulRestart;
import dev.uniplane.provider.bgp.internal.wire.apipb.MpGracefulRestartConfig;
import dev.uniplane.provider.bgp.internal.wire.apipb.Peer;
import dev.uniplane.provider.bgp.internal.wire.apipb.PeerConf;
import dev.uniplane.provider.bgp.internal.wire.apipb.PeerState;
import dev.uniplane.provider.bgp.internal.wire.apipb.RouteReflector;
import dev.uniplane.provider.bgp.internal.wire.apipb.StartBgpRequest;
import dev.uniplane.provider.bgp.internal.wire.apipb.StopBgpRequest;
import dev.uniplane.provider.bgp.internal.wire.apipb.TableType;
import dev.uniplane.provider.bgp.internal.wire.apipb.Timers;
import dev.uniplane.provider.bgp.internal.wire.apipb.TimersConfig;
import dev.uniplane.provider.bgp.internal.wire.apipb.Transport;
import dev.uniplane.provider.bgp.internal.wire.apipb.WatchEventRequest;
import dev.uniplane.provider.bgp.internal.wire.apipb.WatchEventResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * GoBGP's gRPC API ({@code apipb.GobgpApi}) as this provider uses it. Every call but {@link #watch} carries a deadline
 * ({@code callTimeout}); a failure is a {@link GobgpException} whose code is the gRPC status code name.
 *
 * <p>gobgpd binds its API to the loopback of the namespace it runs in, so a client for a daemon in another namespace
 * opens its TCP sockets inside that namespace (see {@link #connect(NetNs, int, Duration)}).
 */
public final class GobgpClient implements AutoCloseable {
    /**
     * Seconds between attempts to connect to a peer. GoBGP's default is 120: a peer that was not up yet when it was
     * added would wait two minutes. Hold and keepalive times stay at GoBGP's defaults (90 s / 30 s).
     */
    static final int CONNECT_RETRY_SECONDS = 5;
    private final ManagedChannel channel;
    private final EventLoopGroup eventLoop;
    private final GobgpApiGrpc.GobgpApiBlockingStub blocking;
    private final GobgpApiGrpc.GobgpApiStub async;
    private final Duration callTimeout;
    private final String target;

    private GobgpClient(ManagedChannel channel, EventLoopGroup eventLoop, Duration callTimeout, String target) {
        this.channel = channel;
        this.eventLoop = eventLoop;
        this.blocking = GobgpApiGrpc.newBlockingStub(channel);
        this.async = GobgpApiGrpc.newStub(channel);
        this.callTimeout = callTimeout;
        this.target = target;
    }

    /** A client for the API at {@code 127.0.0.1:port} in this thread's network namespace. */
    public static GobgpClient connect(int port, Duration callTimeout) {
        return connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), callTimeout);
    }

    /** A client for an existing gobgpd's API at {@code address}, reached from this thread's network namespace. */
    public static GobgpClient connect(InetSocketAddress address, Duration callTimeout) {
        return connect(address, callTimeout, NioSocketChannel::new, address.getHostString() + ":" + address.getPort());
    }

    /**
     * A client for the API at {@code 127.0.0.1:port} inside {@code ns}: each TCP socket is created on a thread that
     * has entered {@code ns}, and a socket stays in the namespace it was created in whichever thread uses it later.
     */
    public static GobgpClient connect(NetNs ns, int port, Duration callTimeout) {
        return connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), callTimeout,
                () -> ns.run(NioSocketChannel::new), "127.0.0.1:" + port + " in " + ns.name());
    }

    private static GobgpClient connect(InetSocketAddress address, Duration callTimeout, Supplier<NioSocketChannel> sockets,
                                       String target) {
        Objects.requireNonNull(callTimeout, "callTimeout");
        EventLoopGroup eventLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gobgp-grpc", true),
                NioIoHandler.newFactory());
        ManagedChannel channel = NettyChannelBuilder
                .forAddress(address)
                .usePlaintext()
                .proxyDetector(ignored -> null) // never through an http(s)_proxy from the environment
                .eventLoopGroup(eventLoop)
                .channelFactory(sockets::get)
                .maxInboundMessageSize(64 << 20)
                .build();
        return new GobgpClient(channel, eventLoop, callTimeout, target);
    }

    private GobgpApiGrpc.GobgpApiBlockingStub call() {
        return blocking.withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private <T> T call(String operation, Supplier<T> body) {
        try {
            return body.get();
        } catch (StatusRuntimeException e) {
            throw GobgpException.of(operation + " (" + target + ")", e);
        }
    }

    /** The running configuration's AS; 0 before {@link #startBgp}. Doubles as the readiness check of the API. */
    public long localAsn() {
        return call("GetBgp", () -> Integer.toUnsignedLong(call().getBgp(GetBgpRequest.getDefaultInstance()).getGlobal().getAsn()));
    }

    /** Starts the BGP instance: AS, router id, listen port and addresses, multipath, graceful restart. */
    public void startBgp(BgpGlobal global) {
        Global.Builder g = Global.newBuilder()
                .setAsn((int) global.asn())
                .setRouterId(global.routerId().toString())
                .setListenPort(global.listenPort())
                .setUseMultiplePaths(global.multipath());
        global.listenAddresses().forEach(a -> g.addListenAddresses(a.toString()));
        global.gracefulRestart().ifPresent(t -> g.setGracefulRestart(GracefulRestart.newBuilder()
                .setEnabled(true).setRestartTime((int) t.toSeconds())));
        call("StartBgp", () -> call().startBgp(StartBgpRequest.newBuilder().setGlobal(g).build()));
    }

    /** Stops the BGP instance: sessions are closed with a NOTIFICATION (Cease). */
    public void stopBgp() {
        call("StopBgp", () -> call().stopBgp(StopBgpRequest.getDefaultInstance()));
    }

    /** Adds a neighbor. */
    public void addPeer(BgpPeerConfig peer) {
        PeerConf.Builder conf = PeerConf.newBuilder()
                .setNeighborAddress(peer.address().toString())
                .setPeerAsn((int) peer.asn());
        peer.md5Password().ifPresent(conf::setAuthPassword);
        Transport.Builder transport = Transport.newBuilder().setPassiveMode(peer.passive());
        if (peer.remotePort() != 0) {
            transport.setRemotePort(peer.remotePort());
        }
        Peer.Builder p = Peer.newBuilder().setConf(conf).setTransport(transport)
                .setTimers(Timers.newBuilder().setConfig(TimersConfig.newBuilder().setConnectRetry(CONNECT_RETRY_SECONDS)));
        if (peer.multihopTtl() > 0) {
            p.setEbgpMultihop(EbgpMultihop.newBuilder().setEnabled(true).setMultihopTtl(peer.multihopTtl()));
        }
        if (peer.routeReflectorClient()) {
            p.setRouteReflector(RouteReflector.newBuilder().setRouteReflectorClient(true));
        }
        peer.gracefulRestart().ifPresent(t -> p.setGracefulRestart(GracefulRestart.newBuilder()
                .setEnabled(true).setRestartTime((int) t.toSeconds())));
        for (IpFamily family : peer.families()) {
            AfiSafi.Builder afiSafi = AfiSafi.newBuilder()
                    .setConfig(AfiSafiConfig.newBuilder().setFamily(PathCodec.family(family)).setEnabled(true));
            if (peer.gracefulRestart().isPresent()) {
                afiSafi.setMpGracefulRestart(MpGracefulRestart.newBuilder()
                        .setConfig(MpGracefulRestartConfig.newBuilder().setEnabled(true)));
            }
            p.addAfiSafis(afiSafi);
        }
        call("AddPeer " + peer.address(), () -> call().addPeer(AddPeerRequest.newBuilder().setPeer(p).build()));
    }

    /** Removes a neighbor (its session is closed and its paths withdrawn). */
    public void deletePeer(IpAddress address) {
        call("DeletePeer " + address,
                () -> call().deletePeer(DeletePeerRequest.newBuilder().setAddress(address.toString()).build()));
    }

    /** Every neighbor with its session state and prefix counts (advertised counts included). */
    public List<BgpPeerStatus> listPeers() {
        return call("ListPeer", () -> {
            List<BgpPeerStatus> peers = new ArrayList<>();
            call().listPeer(ListPeerRequest.newBuilder().setEnableAdvertised(true).build()).forEachRemaining(r -> peers.add(peerStatus(r.getPeer())));
            return peers;
        });
    }

    /** One neighbor, if configured. */
    public Optional<BgpPeerStatus> peer(IpAddress address) {
        return call("ListPeer " + address, () -> {
            Iterator<dev.uniplane.provider.bgp.internal.wire.apipb.ListPeerResponse> it =
                    call().listPeer(ListPeerRequest.newBuilder().setAddress(address.toString()).setEnableAdvertised(true).build());
            Optional<BgpPeerStatus> found = it.hasNext() ? Optional.of(peerStatus(it.next().getPeer())) : Optional.empty();
            it.forEachRemaining(r -> { });
            return found;
        });
    }

    /** Originates {@code route} into the global RIB (announced to every peer); returns the path's uuid. */
    public byte[] addPath(BgpRoute route) {
        return call("AddPath " + route.prefix(), () -> call().addPath(AddPathRequest.newBuilder()
                .setTableType(TableType.GLOBAL).setPath(PathCodec.encode(route)).build()).getUuid().toByteArray());
    }

    /** Withdraws a path this client originated (same prefix and next hop). */
    public void deletePath(BgpRoute route) {
        call("DeletePath " + route.prefix(), () -> call().deletePath(DeletePathRequest.newBuilder()
                .setTableType(TableType.GLOBAL).setFamily(PathCodec.family(route.prefix().family()))
                .setPath(PathCodec.encode(route)).build()));
    }

    /** Every unicast path of {@code family} in the global RIB (best and not). */
    public List<BgpRoute> listPaths(IpFamily family) {
        return call("ListPath " + family, () -> {
            List<BgpRoute> routes = new ArrayList<>();
            call().listPath(ListPathRequest.newBuilder().setTableType(TableType.GLOBAL).setFamily(PathCodec.family(family)).build())
                    .forEachRemaining(r -> {
                        Destination d = r.getDestination();
                        d.getPathsList().forEach(p -> PathCodec.decode(p).ifPresent(routes::add));
                    });
            return routes;
        });
    }

    /**
     * Streams events until the returned handle is closed: best-path changes (with the current table first when
     * {@code bestPaths}), and peer state changes when {@code peers}. Open-ended, so this call alone has no deadline.
     * Each table event's paths arrive as one list.
     */
    public Watch watch(boolean bestPaths, boolean peers, WatchListener listener) {
        Objects.requireNonNull(listener, "listener");
        WatchEventRequest.Builder request = WatchEventRequest.newBuilder();
        if (bestPaths) {
            request.setTable(WatchEventRequest.Table.newBuilder().addFilters(WatchEventRequest.Table.Filter.newBuilder()
                    .setType(WatchEventRequest.Table.Filter.Type.BEST).setInit(true)));
        }
        if (peers) {
            request.setPeer(WatchEventRequest.Peer.getDefaultInstance());
        }
        Watch watch = new Watch(List.of());
        // The listener only queues, so the stream's messages are handled on the transport thread itself: a hand-off
        // to an executor thread per message (one event per path) cost more than the decoding.
        async.withExecutor(Runnable::run).watchEvent(request.build(), new ClientResponseObserver<WatchEventRequest, WatchEventResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchEventRequest> stream) {
                watch.stream = stream;
            }

            @Override
            public void onNext(WatchEventResponse event) {
                if (event.hasTable()) {
                    List<BgpRoute> routes = new ArrayList<>(event.getTable().getPathsCount());
                    event.getTable().getPathsList().forEach(p -> PathCodec.decode(p).ifPresent(routes::add));
                    if (!routes.isEmpty()) {
                        listener.onRoutes(routes);
                    }
                } else if (event.hasPeer() && event.getPeer().getType() == WatchEventResponse.PeerEvent.Type.STATE) {
                    listener.onPeer(peerStatus(event.getPeer().getPeer()));
                }
            }

            @Override
            public void onError(Throwable t) {
                if (!watch.closed) {
                    listener.onError(GobgpException.of("WatchEvent (" + target + ")", t));
                }
            }

            @Override
            public void onCompleted() {
                if (!watch.closed) {
                    listener.onError(new GobgpException("WatchEvent (" + target + ")", "UNAVAILABLE", "stream ended", null));
                }
            }
        });
        return watch;
    }

    /**
     * Best paths (the current table first) and session changes on two streams, closed together. On one stream gobgpd
     * reports a session loss only after the path withdrawals it causes, one event per path (100k of them for a full
     * table); on a stream of its own the loss arrives while those are still queued, so the listener can act on it at
     * once. The two streams are not ordered against each other, and each may report {@code onError}.
     */
    public Watch watchPathsAndPeers(WatchListener listener) {
        Watch paths = watch(true, false, listener);
        try {
            return new Watch(List.of(paths, watch(false, true, listener)));
        } catch (RuntimeException e) {
            paths.close();
            throw e;
        }
    }

    /** Receives what a {@link #watch} streams, on a gRPC thread, one call at a time. */
    public interface WatchListener {
        /** Best paths added, replaced or withdrawn ({@link BgpRoute#withdrawal()}). */
        void onRoutes(List<BgpRoute> routes);

        /** A neighbor's session state changed. */
        default void onPeer(BgpPeerStatus peer) {
        }

        /** The stream failed (the daemon went away, for example); nothing more arrives. */
        default void onError(GobgpException failure) {
        }
    }

    /** An open {@link #watch} (or the two of {@link #watchPathsAndPeers}); {@link #close()} cancels it. */
    public static final class Watch implements AutoCloseable {
        private final List<Watch> parts;
        private volatile ClientCallStreamObserver<WatchEventRequest> stream;
        private volatile boolean closed;

        private Watch(List<Watch> parts) {
            this.parts = List.copyOf(parts);
        }

        @Override
        public void close() {
            closed = true;
            parts.forEach(Watch::close);
            ClientCallStreamObserver<WatchEventRequest> s = stream;
            if (s != null) {
                s.cancel("watch closed", null);
            }
        }
    }

    static BgpPeerStatus peerStatus(Peer peer) {
        PeerState state = peer.getState();
        Map<IpFamily, BgpPeerStatus.PrefixCounts> prefixes = new EnumMap<>(IpFamily.class);
        for (AfiSafi afiSafi : peer.getAfiSafisList()) {
            AfiSafiState s = afiSafi.getState();
            familyOf(s.getFamily().getAfi()).ifPresent(f -> prefixes.put(f,
                    new BgpPeerStatus.PrefixCounts(s.getReceived(), s.getAccepted(), s.getAdvertised())));
        }
        String address = !state.getNeighborAddress().isEmpty() ? state.getNeighborAddress() : peer.getConf().getNeighborAddress();
        long asn = Integer.toUnsignedLong(state.getPeerAsn() != 0 ? state.getPeerAsn() : peer.getConf().getPeerAsn());
        BgpPeerStatus.SessionState session = sessionState(state.getSessionState());
        Optional<java.time.Instant> since = session == BgpPeerStatus.SessionState.ESTABLISHED
                && peer.getTimers().getState().hasUptime() && peer.getTimers().getState().getUptime().getSeconds() > 0
                ? Optional.of(java.time.Instant.ofEpochSecond(peer.getTimers().getState().getUptime().getSeconds()))
                : Optional.empty();
        return new BgpPeerStatus(address, asn, session, state.getRouterId(),
                Duration.ofSeconds(peer.getTimers().getState().getNegotiatedHoldTime()), prefixes, since,
                session == BgpPeerStatus.SessionState.ESTABLISHED ? connection(address, peer.getTransport()) : Optional.empty());
    }

    /** The session's TCP connection from gobgpd's side, when the transport names it (a zoned address does not parse). */
    private static Optional<TcpConnection> connection(String neighbor, Transport transport) {
        if (transport.getLocalPort() == 0 || transport.getRemotePort() == 0 || transport.getLocalAddress().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TcpConnection(IpAddress.parse(transport.getLocalAddress()), transport.getLocalPort(),
                    IpAddress.parse(neighbor), transport.getRemotePort()));
        } catch (InvalidSpecException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<IpFamily> familyOf(dev.uniplane.provider.bgp.internal.wire.apipb.Family.Afi afi) {
        return switch (afi) {
            case AFI_IP -> Optional.of(IpFamily.IPV4);
            case AFI_IP6 -> Optional.of(IpFamily.IPV6);
            default -> Optional.empty();
        };
    }

    private static BgpPeerStatus.SessionState sessionState(PeerState.SessionState s) {
        return switch (s) {
            case IDLE -> BgpPeerStatus.SessionState.IDLE;
            case CONNECT -> BgpPeerStatus.SessionState.CONNECT;
            case ACTIVE -> BgpPeerStatus.SessionState.ACTIVE;
            case OPENSENT -> BgpPeerStatus.SessionState.OPENSENT;
            case OPENCONFIRM -> BgpPeerStatus.SessionState.OPENCONFIRM;
            case ESTABLISHED -> BgpPeerStatus.SessionState.ESTABLISHED;
            default -> BgpPeerStatus.SessionState.UNKNOWN;
        };
    }

    /** Closes the channel (open watches end) and its event loop. */
    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
