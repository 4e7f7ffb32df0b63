package dev.uniplane.provider.bgp;

import dev.uniplane.api.Action;
import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.ProviderStats;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.linux.AddressInfo;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.LinkStats;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.NeighbourInfo;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RouteInfo;
import dev.uniplane.linux.RouteOperation;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.TcpCloseWatch;
import dev.uniplane.linux.TcpConnection;
import dev.uniplane.linux.VethWorkload;
import dev.uniplane.provider.bgp.internal.daemon.BgpOptions;
import dev.uniplane.provider.bgp.internal.daemon.GobgpDaemon;
import dev.uniplane.provider.bgp.internal.daemon.GobgpHandle;
import dev.uniplane.provider.bgp.internal.program.Announcements;
import dev.uniplane.provider.bgp.internal.program.FibRoutes;
import dev.uniplane.provider.bgp.internal.program.LearnedRoutes;
import dev.uniplane.provider.bgp.internal.program.NftCounters;
import dev.uniplane.provider.bgp.internal.program.NftEndpoint;
import dev.uniplane.provider.bgp.internal.program.NftPolicyProgram;
import dev.uniplane.provider.bgp.internal.state.BgpState;
import dev.uniplane.provider.bgp.internal.wire.BgpGlobal;
import dev.uniplane.provider.bgp.internal.wire.BgpPeerConfig;
import dev.uniplane.provider.bgp.internal.wire.BgpPeerStatus;
import dev.uniplane.provider.bgp.internal.wire.BgpRoute;
import dev.uniplane.provider.bgp.internal.wire.GobgpClient;
import dev.uniplane.provider.bgp.internal.wire.GobgpException;
import dev.uniplane.spi.AbstractDataplane;
import dev.uniplane.spi.AdoptionResult;
import dev.uniplane.spi.BackendErrors;
import dev.uniplane.spi.BackendView;
import dev.uniplane.spi.HostInterfaceNames;
import dev.uniplane.spi.NamespaceErrors;
import dev.uniplane.spi.policy.PolicyEndpoint;
import dev.uniplane.spi.policy.PolicyResolver;
import dev.uniplane.spi.state.SavedDataplane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BGP dataplane: the kernel of the node namespace forwards, this class writes what it forwards by.
 * <ul>
 * <li>Attach: a veth per workload ({@link VethWorkload}: /32 or /128 and the link-local gateway), a host route to each
 * address on the host end, strict reverse-path filtering there (IPv4 anti-spoofing without policy), and with
 * {@code bgp.announce-endpoints} each address announced as a host prefix.</li>
 * <li>Routes: the user's routes go into the main table at {@link FibRoutes#USER_METRIC} in netlink batches, all or
 * nothing (a failure puts the previous entries back), ECMP as multipath routes, drop routes as blackholes. A route
 * whose next hops are all local endpoints (a service address hosted here) is also announced.</li>
 * <li>Learned routes: GoBGP's best paths (WatchEvent) are written by {@link LearnedRoutes}'s single writer thread at
 * {@link FibRoutes#LEARNED_METRIC}, ECMP over multipath next hops, removed when withdrawn or when the session drops.
 * <b>User routes win:</b> a learned route for a prefix the user routed sits behind the user's entry (higher metric)
 * and never replaces or removes it; a learned route never takes a local endpoint's address either.</li>
 * <li>The node's pod CIDRs ({@code bgp.pod-cidr}) are announced from open to destroy.</li>
 * <li>Policy: resolved by {@link PolicyResolver} and written by the nftables program, only while the provider
 * declares POLICY ({@link BgpProvider#NFT_POLICY}).</li>
 * </ul>
 * gobgpd runs in the node namespace, one per dataplane (or the one {@code bgp.grpc} names). {@link #close()} leaves
 * the veths and the FIB in force and the saved state on disk; with graceful restart it also leaves gobgpd running
 * (in a session of its own), so that peers keep their routes and the next open adopts it ({@link BgpAdoption}).
 *
 * <p><b>gobgpd dies:</b> the end of the WatchEvent stream starts one recovery thread (see {@link #recover()}). Without
 * graceful restart the learned routes are removed at once; with it they are marked stale and keep forwarding. The
 * recovery starts a new gobgpd with the same options (flagging restart state with graceful restart, so peers keep our
 * prefixes), or for {@code bgp.grpc} connects again until the daemon answers; configures it when it comes back
 * unconfigured; then, under the lock user calls run under, swaps the daemon and client, announces everything again,
 * re-opens the watch and writes the saved state (the new pid, for a later adoption). It retries with a backoff until
 * it works or the dataplane is closed. With graceful restart the learned routes the new daemon has not refreshed
 * within the restart time are swept.
 */
final class BgpDataplane extends AbstractDataplane {
    private static final Logger LOG = LoggerFactory.getLogger(BgpDataplane.class);
    private static final String TAG = "b";
    private static final String RUN_DIR = "/run/uniplane";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** Without graceful restart, how long routes adopted from the kernel wait for the sessions to refresh them. */
    private static final Duration STALE_WITHOUT_GR = Duration.ofSeconds(30);
    /** How long a daemon whose stream ended may take to exit before it counts as alive (a killed one closes first). */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(2);
    private static final Duration RETRY_FIRST = Duration.ofMillis(200);
    private static final Duration RETRY_MAX = Duration.ofSeconds(5);

    final NetNs node;
    final RtNetlink nodeLinks;
    final int uplinkIfindex;
    final BgpOptions options;
    private final Path workDir;
    final BitSet usedSlots = new BitSet();
    final LearnedRoutes learned;
    final Announcements announcements;
    private final ScheduledExecutorService timers;
    /** The gobgpd in use (ours, or the one {@code bgp.grpc} names) and its client; replaced when the daemon restarts. */
    final GobgpHandle gobgp;
    /** How to start our gobgpd again after it died; empty when driving one given by {@code bgp.grpc}. */
    private final Optional<GobgpDaemon.Options> daemonOptions;
    private final Path stateFile;
    private volatile GobgpClient.Watch watch;
    /**
     * Without graceful restart: the kernel's word that a BGP session's TCP connection closed, which comes before
     * gobgpd's (gobgpd reports the loss only after queuing a withdrawal event per path). Null with graceful restart.
     */
    private TcpCloseWatch sessionCloses;
    /** The TCP connection of each established session (from gobgpd's peer events) to its neighbor's address. */
    private final Map<TcpConnection, String> sessions = new java.util.concurrent.ConcurrentHashMap<>();
    /** The nftables program; null while POLICY is not declared. */
    NftPolicyProgram nft;
    private volatile boolean released;
    /** True once open has handed the saved state to the base class (a recovery may write it from then on). */
    private volatile boolean stateKept;
    private final Object recoveryLock = new Object();
    /** The thread recovering from a lost daemon, null when none runs; guarded by {@link #recoveryLock}. */
    private Thread recovery;
    /** A lost daemon was reported that no recovery has taken up yet; guarded by {@link #recoveryLock}. */
    private boolean lost;
    /** The pending sweep of stale learned routes; guarded by {@link #recoveryLock}. */
    private ScheduledFuture<?> staleSweep;

    private BgpDataplane(DataplaneConfig config, Capabilities capabilities, NetNs node, RtNetlink nodeLinks,
                         int uplinkIfindex, BgpOptions options, Path workDir, Path stateFile, Optional<GobgpDaemon> daemon,
                         Optional<GobgpDaemon.Options> daemonOptions, GobgpClient client, LearnedRoutes learned) {
        super(BgpProvider.NAME, config, capabilities);
        this.node = node;
        this.nodeLinks = nodeLinks;
        this.uplinkIfindex = uplinkIfindex;
        this.options = options;
        this.workDir = workDir;
        this.stateFile = stateFile;
        this.gobgp = new GobgpHandle(daemon, client);
        this.daemonOptions = daemonOptions;
        this.learned = learned;
        this.announcements = new Announcements(client, options.communities());
        this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("bgp-timer-" + config.name()).factory());
    }

    static BgpDataplane open(DataplaneConfig config, Capabilities capabilities) {
        BgpOptions parsed = BgpOptions.parse(config, BgpProvider.NAME);
        NetNs node = NetNs.open(config.hostNetnsPath().map(Path::of), e -> NamespaceErrors.node(config, e.errnoName()));
        RtNetlink links = null;
        RtNetlink fib = null;
        GobgpDaemon daemon = null;
        GobgpDaemon.Options how = null;
        GobgpClient client = null;
        LearnedRoutes learned = null;
        BgpDataplane dp = null;
        try {
            links = RtNetlink.open(node);
            int uplink = 0;
            if (config.uplinkInterface().isPresent()) {
                String name = config.uplinkInterface().get();
                uplink = links.findLink(name).orElseThrow(() -> new InvalidSpecException("uplink", name,
                        "no such interface in the node namespace " + node.path())).index();
            }
            BgpOptions options = withRouterId(parsed, links, uplink);
            Path state = SavedDataplane.file(BgpProvider.NAME, config.name());
            Optional<SavedDataplane> saved = SavedDataplane.read(state);
            Path workDir = Path.of(RUN_DIR, BgpProvider.NAME + "-" + config.name());
            Files.createDirectories(workDir);
            if (options.grpc().isPresent()) {
                client = connect(node, options.grpc().get());
            } else {
                how = new GobgpDaemon.Options(config.hostNetnsPath().map(Path::of), workDir,
                        Duration.ofSeconds(15), CALL_TIMEOUT, false, options.gracefulRestart().isPresent(), options.daemonGoGc());
                Optional<BgpState> record = saved.flatMap(s -> s.backend(BgpState.class)).filter(r -> r.gobgpdPid() > 0);
                GobgpDaemon.Options starting = how;
                daemon = record.flatMap(r -> GobgpDaemon.adopt(starting, r.gobgpdPid(), r.apiPort())).orElse(null);
                if (daemon == null) {
                    // After a restart with graceful restart, the new daemon says so in its OPEN: peers keep our routes.
                    daemon = GobgpDaemon.start(how.withRestarting(saved.isPresent() && options.gracefulRestart().isPresent()));
                }
                client = daemon.client();
            }
            configureIfBlank(client, options);
            fib = RtNetlink.open(node);
            learned = new LearnedRoutes(fib, uplink, config.name(), options.gracefulRestart().isPresent());
            dp = new BgpDataplane(config, capabilities, node, links, uplink, options, workDir, state,
                    Optional.ofNullable(daemon), Optional.ofNullable(how), client, learned);
            dp.prepareNode(saved.isPresent());
            if (saved.isPresent()) {
                learned.adopt();
                dp.scheduleStaleSweep(options.gracefulRestart().orElse(STALE_WITHOUT_GR));
            }
            learned.start();
            if (options.gracefulRestart().isEmpty()) {
                dp.sessionCloses = TcpCloseWatch.start(node, config.name(), dp::connectionClosed);
            }
            dp.startWatch(client);
            if (capabilities.has(Capability.POLICY)) {
                String table = HostInterfaceNames.stem(config.name()) + "bgp";
                dp.nft = saved.isPresent() ? NftPolicyProgram.adopt(node, table) : NftPolicyProgram.create(node, table);
            }
            dp.keepSavedState(state, saved);
            dp.stateKept = true;
            if (saved.isEmpty()) {
                dp.announcements.set(dp.wantedAnnouncements(List.of(), Map.of()));
            }
            LOG.info("BGP dataplane {} open in {} (AS {}, router id {}, {} peers{})", config.name(),
                    config.hostNetnsPath().orElse("the caller's namespace"), options.localAs(), options.routerId().orElseThrow(),
                    options.peers().size(), saved.isPresent() ? ", adopted" : "");
            return dp;
        } catch (RuntimeException | IOException e) {
            if (dp != null) {
                dp.abandon();
            }
            if (learned != null) {
                learned.close();
            }
            if (fib != null) {
                fib.close();
            }
            if (daemon != null) {
                daemon.close();
            } else if (client != null) {
                client.close();
            }
            if (links != null) {
                links.close();
            }
            node.close();
            throw BackendErrors.translate("open dataplane " + config.name(),
                    e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e));
        }
    }

    /** The router id: the option, else the uplink's first IPv4 address. */
    private static BgpOptions withRouterId(BgpOptions options, RtNetlink links, int uplink) {
        if (options.routerId().isPresent()) {
            return options;
        }
        Optional<IpAddress> first = uplink == 0 ? Optional.empty() : links.addresses(RtNetlink.AF_INET, uplink).stream()
                .map(a -> a.prefix().address()).findFirst();
        return options.withRouterId(first.orElseThrow(() -> new InvalidSpecException("options." + BgpOptions.ROUTER_ID, "",
                "no router id: set it, or give the uplink an IPv4 address to take it from")));
    }

    private static GobgpClient connect(NetNs node, InetSocketAddress api) {
        // A loopback address is the node namespace's own: its sockets must be opened in there.
        return api.getAddress().isLoopbackAddress()
                ? GobgpClient.connect(node, api.getPort(), CALL_TIMEOUT)
                : GobgpClient.connect(api, CALL_TIMEOUT);
    }

    /** {@link #configure} unless the daemon runs a configuration already (adopted, or a {@code bgp.grpc} daemon that kept it). */
    private static void configureIfBlank(GobgpClient client, BgpOptions options) {
        if (client.localAsn() == 0) {
            configure(client, options);
        }
    }

    /** StartBgp and the peers, on a daemon that is not configured yet. */
    private static void configure(GobgpClient client, BgpOptions options) {
        BgpGlobal global = new BgpGlobal(options.localAs(), options.routerId().orElseThrow(), options.listenPort(), List.of(),
                options.multipath(), options.gracefulRestart());
        client.startBgp(global);
        for (BgpPeerConfig peer : options.peers()) {
            client.addPeer(peer);
        }
    }

    /** Forwarding on, the blackhole defaults; on a fresh open also removes links an earlier instance of this name left. */
    private void prepareNode(boolean adopting) {
        if (!adopting) {
            removeOwnLinks();
        }
        sysctl("net/ipv4/ip_forward", "1");
        sysctl("net/ipv6/conf/all/forwarding", "1");
        // ECMP by the 5-tuple, so flows between two addresses spread over the next hops and each flow stays on one.
        // Policy 3 (custom fields), not 1: policy 1 takes a socket's random L4 hash as it is, which differs per socket.
        for (String family : List.of("ipv4", "ipv6")) {
            sysctl("net/" + family + "/fib_multipath_hash_policy", "3");
            sysctl("net/" + family + "/fib_multipath_hash_fields", "0x0037"); // addresses, protocol, ports
        }
        for (IpFamily family : IpFamily.values()) {
            nodeLinks.replaceRoute(FibRoutes.noRoute(family));
        }
    }

    private void startWatch(GobgpClient client) {
        // session changes on a stream of their own: a lost session's routes go at once, not after its 100k withdrawals
        java.util.concurrent.atomic.AtomicBoolean reported = new java.util.concurrent.atomic.AtomicBoolean();
        watch = client.watchPathsAndPeers(new GobgpClient.WatchListener() {
            @Override
            public void onRoutes(List<BgpRoute> routes) {
                learned.submit(routes);
            }

            @Override
            public void onPeer(BgpPeerStatus peer) {
                LOG.info("BGP dataplane {}: peer {} (AS {}) is {}", name(), peer.address(), peer.asn(), peer.state());
                sessions.values().remove(peer.address());
                peer.connection().ifPresent(c -> sessions.put(c, peer.address()));
                learned.peerChanged(peer);
            }

            @Override
            public void onError(GobgpException failure) {
                if (isClosed() || released || client != gobgp.client() || reported.getAndSet(true)) {
                    return; // closing, the stream of a daemon already replaced, or the other stream reported it
                }
                // gobgpd is gone: without graceful restart its routes must go too; with it they stay for the restart time
                LOG.error("BGP dataplane {}: the WatchEvent stream ended ({}); {}; recovering", name(), failure.getMessage(),
                        options.gracefulRestart().isPresent() ? "learned routes stay, stale, until refreshed or swept" : "removing learned routes");
                if (options.gracefulRestart().isEmpty()) {
                    learned.flush();
                }
                lost();
            }
        });
    }

    /** The kernel destroyed a TCP socket of the node namespace: if it carried an established session, that session is lost. */
    private void connectionClosed(TcpConnection connection) {
        String neighbor = sessions.remove(connection);
        if (neighbor != null) {
            LOG.info("BGP dataplane {}: the session with {} lost its TCP connection ({})", name(), neighbor, connection);
            learned.peerChanged(BgpPeerStatus.lost(neighbor));
        }
    }

    // --- gobgpd restarts ----------------------------------------------------------------------------------------

    /** Starts the recovery thread unless one runs (that one takes this loss up too); never works on the caller's thread. */
    private void lost() {
        synchronized (recoveryLock) {
            if (released) {
                return;
            }
            lost = true;
            if (recovery == null) {
                recovery = Thread.ofPlatform().daemon().name("bgp-recover-" + name()).start(this::recover);
            }
        }
    }

    /** Recovers from each loss reported ({@link #lost()}) until none is left or the dataplane is closed. */
    private void recover() {
        try {
            while (true) {
                synchronized (recoveryLock) {
                    if (!lost || released) {
                        recovery = null;
                        return;
                    }
                    lost = false;
                }
                recoverOnce();
            }
        } finally {
            synchronized (recoveryLock) {
                if (recovery == Thread.currentThread()) {
                    recovery = null; // ended by a failure: the next loss starts a new thread
                }
            }
        }
    }

    /**
     * Gets a working gobgpd again ({@link #reconnect()}), then under the lock puts it in use, announces everything the
     * desired state asks for, re-opens the watch and writes the saved state. Retries with a backoff until it succeeds
     * or the dataplane is closed.
     */
    private void recoverOnce() {
        long start = System.nanoTime();
        if (options.gracefulRestart().isPresent()) {
            // the learned routes keep forwarding; what the new daemon does not learn again within the restart time goes
            cancelStaleSweep();
            learned.markStale();
        }
        Duration backoff = RETRY_FIRST;
        while (!released) {
            try {
                GobgpHandle.Current next = reconnect();
                boolean done = runLocked(() -> {
                    if (released) {
                        letGo(next);
                        return false;
                    }
                    GobgpHandle.Current previous = gobgp.replace(next);
                    GobgpClient.Watch old = watch;
                    if (old != null) {
                        old.close();
                    }
                    if (previous.client() != next.client()) {
                        letGo(previous);
                    }
                    announcements.reannounce(next.client());
                    announcements.set(wantedAnnouncements(desired().endpoints().values(), desired().routes()));
                    startWatch(next.client());
                    saveState();
                    return true;
                });
                if (done) {
                    options.gracefulRestart().ifPresent(this::scheduleStaleSweep);
                    LOG.info("BGP dataplane {}: gobgpd is back ({}); configured, {} prefixes announced again, watch re-opened in {} ms",
                            name(), next.daemon().map(d -> "pid " + d.pid())
                                    .orElse(options.grpc().map(a -> a.getHostString() + ":" + a.getPort()).orElse("?")),
                            announcements.announced().size(), (System.nanoTime() - start) / 1_000_000);
                }
                return;
            } catch (RuntimeException e) {
                if (released) {
                    return;
                }
                LOG.warn("BGP dataplane {}: gobgpd recovery attempt failed ({}); retrying in {} ms", name(), e.getMessage(),
                        backoff.toMillis());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return; // closed
                }
                backoff = backoff.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : backoff.multipliedBy(2);
            }
        }
    }

    /**
     * A configured gobgpd to use: for {@code bgp.grpc} a new client once the daemon answers; for ours the same daemon
     * when only the stream ended and it still answers, else (dead or hung: stopped first) a new one with the same
     * options, flagging restart state with graceful restart. A daemon that answers unconfigured is configured.
     */
    private GobgpHandle.Current reconnect() {
        if (daemonOptions.isEmpty()) {
            GobgpClient client = connect(node, options.grpc().orElseThrow());
            try {
                configureIfBlank(client, options);
            } catch (RuntimeException e) {
                client.close();
                throw e;
            }
            return new GobgpHandle.Current(Optional.empty(), client);
        }
        GobgpHandle.Current now = gobgp.current();
        GobgpDaemon current = now.daemon().orElseThrow();
        if (!current.awaitExit(EXIT_WAIT) && answers(current.client())) {
            configureIfBlank(current.client(), options);
            return now;
        }
        current.close(); // its client and namespace handle; the process too if it hangs
        GobgpDaemon started = GobgpDaemon.start(daemonOptions.get().withRestarting(options.gracefulRestart().isPresent()));
        try {
            configure(started.client(), options);
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        return new GobgpHandle.Current(Optional.of(started), started.client());
    }

    private static boolean answers(GobgpClient client) {
        try {
            client.localAsn();
            return true;
        } catch (GobgpException e) {
            return false;
        }
    }

    /** Stops a daemon of ours that is no longer used (dead already, or started for a dataplane closed meanwhile). */
    private static void letGo(GobgpHandle.Current pair) {
        if (pair.daemon().isPresent()) {
            pair.daemon().get().close();
        } else {
            pair.client().close();
        }
    }

    /** Writes the saved state now, so that it names the daemon in use (a later process adopts that one). */
    private void saveState() {
        if (!stateKept) {
            return; // open is still adopting: the base class writes the state when it is done
        }
        try {
            savedState().write(stateFile);
        } catch (RuntimeException e) {
            LOG.error("BGP dataplane {}: cannot write its saved state ({}); a restart would miss the new gobgpd", name(), e.getMessage());
        }
    }

    /** A failed open: the daemon is about to be stopped, which must not start a recovery. */
    private void abandon() {
        synchronized (recoveryLock) {
            released = true;
            if (recovery != null) {
                recovery.interrupt();
            }
        }
        stopListening();
        timers.shutdownNow();
    }

    /** Closes gobgpd's watch streams and the kernel's TCP close events. */
    private void stopListening() {
        if (watch != null) {
            watch.close();
        }
        if (sessionCloses != null) {
            sessionCloses.close();
        }
    }

    /** Sweeps the stale learned routes after {@code after}, instead of any sweep pending. */
    private void scheduleStaleSweep(Duration after) {
        synchronized (recoveryLock) {
            if (released) {
                return;
            }
            cancelStaleSweep();
            staleSweep = timers.schedule(learned::sweepStale, after.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void cancelStaleSweep() {
        synchronized (recoveryLock) {
            if (staleSweep != null) {
                staleSweep.cancel(false);
                staleSweep = null;
            }
        }
    }

    private void removeOwnLinks() {
        String stem = HostInterfaceNames.stem(name()) + TAG;
        nodeLinks.links().stream().map(LinkInfo::name).filter(n -> n.startsWith(stem) && n.substring(stem.length()).matches("\\d+"))
                .forEach(nodeLinks::deleteLinkIfPresent);
    }

    // --- attach -------------------------------------------------------------------------------------------------

    @Override
    protected Endpoint backendAttach(AttachSpec spec, AttachKind kind) {
        int slot = usedSlots.nextClearBit(1);
        String hostName = HostInterfaceNames.of(name(), TAG, slot);
        MacAddress mac = spec.macAddress().orElseGet(() -> MacAddress.locallyAdministered(
                ((long) name().hashCode() << 16) ^ slot ^ ((long) spec.id().hashCode() << 24)));
        LinkInfo host = VethWorkload.createWithHostEndAsGateway(nodeLinks, hostName, spec, mac, Set.of());
        Endpoint endpoint = new Endpoint(spec, kind, hostName, mac, host.mac());
        try {
            sysctl("net/ipv4/conf/" + hostName + "/rp_filter", "1");
            // the host end's link-local must be usable at once for neighbour solicitations towards the workload
            sysctl("net/ipv6/conf/" + hostName + "/accept_dad", "0");
            // MLD reports repeat for about a second after link-up, counted as packets to the endpoint: all at once
            sysctl("net/ipv6/conf/" + hostName + "/mldv1_unsolicited_report_interval", "1");
            sysctl("net/ipv6/conf/" + hostName + "/mldv2_unsolicited_report_interval", "1");
            nodeLinks.setUp(host.index(), true);
            awaitLinkUpChatter(host.index());
            for (IpAddress address : spec.addresses()) {
                nodeLinks.replaceRoute(FibRoutes.endpoint(address, host.index()));
                // the workload's MAC is known: no ARP/NS from the host end, which would count as packets to the endpoint
                nodeLinks.replaceNeighbour(host.index(), address, mac, NeighbourInfo.NUD_PERMANENT);
            }
            List<Endpoint> after = new ArrayList<>(desired().endpoints().values());
            after.add(endpoint);
            applyPolicy(desired().policies(), after, desired().remotes().values(), desired().routes().values());
            announcements.set(wantedAnnouncements(after, desired().routes()));
        } catch (RuntimeException e) {
            nodeLinks.deleteLinkIfPresent(hostName); // takes its routes with it
            restorePolicy(e);
            throw e;
        }
        usedSlots.set(slot);
        return endpoint;
    }

    /**
     * Waits (at most half a second) until the host end has sent its link-up multicast listener reports, so that an
     * endpoint's counters start with the workload's own traffic rather than the host's bookkeeping.
     */
    private void awaitLinkUpChatter(int ifindex) {
        long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
        long last = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long tx = nodeLinks.link(ifindex).stats().txPackets();
            if (tx != last) {
                last = tx;
                quietSince = System.nanoTime();
            } else if (tx > 0 && System.nanoTime() - quietSince > Duration.ofMillis(60).toNanos()) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    protected void backendDetach(Endpoint endpoint) {
        nodeLinks.deleteLinkIfPresent(endpoint.hostInterface());
        slotOf(endpoint.hostInterface()).ifPresent(usedSlots::clear);
        List<Endpoint> after = desired().endpoints().values().stream().filter(e -> !e.id().equals(endpoint.id())).toList();
        applyPolicy(desired().policies(), after, desired().remotes().values(), desired().routes().values());
        announcements.set(wantedAnnouncements(after, desired().routes()));
    }

    Optional<Integer> slotOf(String hostInterface) {
        String stem = HostInterfaceNames.stem(name()) + TAG;
        if (hostInterface.startsWith(stem) && hostInterface.substring(stem.length()).matches("\\d+")) {
            return Optional.of(Integer.parseInt(hostInterface.substring(stem.length())));
        }
        return Optional.empty();
    }

    // --- routes -------------------------------------------------------------------------------------------------

    @Override
    protected void backendUpdateRoutes(List<Route> upserts, List<IpPrefix> removals, Map<IpPrefix, Route> all) {
        Map<IpPrefix, Route> before = desired().routes();
        Map<EndpointId, Endpoint> endpoints = desired().endpoints();
        List<RouteSpec> writes = upserts.stream().map(r -> FibRoutes.user(r, uplinkIfindex, hops(endpoints))).toList();
        boolean sourcesChange = routesToEndpointsChanged(before, all);
        try {
            deleteUserRoutes(removals);
            if (!writes.isEmpty()) {
                nodeLinks.programRoutes(RouteOperation.REPLACE, writes);
            }
            if (sourcesChange) {
                // a prefix routed to an endpoint is a source it may send from: its anti-spoofing set follows the routes
                applyPolicy(desired().policies(), endpoints.values(), desired().remotes().values(), all.values());
            }
            announcements.set(wantedAnnouncements(endpoints.values(), all));
        } catch (RuntimeException e) {
            restoreRoutes(before, upserts, removals, endpoints, e);
            if (sourcesChange) {
                restorePolicy(e);
            }
            throw e;
        }
    }

    /** Whether the prefixes routed to each endpoint differ between the two route tables. */
    private static boolean routesToEndpointsChanged(Map<IpPrefix, Route> before, Map<IpPrefix, Route> after) {
        return !routedPrefixes(before.values()).equals(routedPrefixes(after.values()));
    }

    /** Per endpoint, the prefixes of the routes that have it as a next hop. */
    private static Map<EndpointId, List<IpPrefix>> routedPrefixes(Collection<Route> routes) {
        Map<EndpointId, List<IpPrefix>> out = new HashMap<>();
        for (Route r : routes) {
            r.nextHops().stream().filter(h -> h instanceof NextHop.ToEndpoint).map(h -> ((NextHop.ToEndpoint) h).endpoint())
                    .distinct().forEach(id -> out.computeIfAbsent(id, k -> new ArrayList<>()).add(r.prefix()));
        }
        out.values().forEach(list -> list.sort(null));
        return out;
    }

    /** Deletes user entries in one batch; one that is gone already (its link went away) is not an error. */
    private void deleteUserRoutes(List<IpPrefix> prefixes) {
        if (prefixes.isEmpty()) {
            return;
        }
        List<RouteSpec> deletes = prefixes.stream().map(FibRoutes::userSelector).toList();
        try {
            nodeLinks.programRoutes(RouteOperation.DELETE, deletes);
        } catch (LinuxException batch) {
            for (RouteSpec r : deletes) {
                try {
                    nodeLinks.deleteRoute(r);
                } catch (LinuxException e) {
                    if (!"ESRCH".equals(e.errnoName())) {
                        throw e;
                    }
                }
            }
        }
    }

    /** Puts back the entries in force before a failed change (best effort), so the hook changes nothing. */
    private void restoreRoutes(Map<IpPrefix, Route> before, List<Route> upserts, List<IpPrefix> removals,
                               Map<EndpointId, Endpoint> endpoints, RuntimeException failure) {
        List<IpPrefix> touched = new ArrayList<>(removals);
        upserts.forEach(r -> touched.add(r.prefix()));
        for (IpPrefix prefix : touched) {
            try {
                Route old = before.get(prefix);
                if (old != null) {
                    nodeLinks.replaceRoute(FibRoutes.user(old, uplinkIfindex, hops(endpoints)));
                } else {
                    nodeLinks.deleteRoute(FibRoutes.userSelector(prefix));
                }
            } catch (RuntimeException e) {
                // not there (never written): nothing to undo
            }
        }
        try {
            announcements.set(wantedAnnouncements(endpoints.values(), before));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    FibRoutes.Endpoints hops(Map<EndpointId, Endpoint> endpoints) {
        return new FibRoutes.Endpoints() {
            @Override
            public int hostIfindex(EndpointId id) {
                return nodeLinks.index(endpoints.get(id).hostInterface());
            }

            @Override
            public IpAddress address(EndpointId id, IpFamily family) {
                return endpoints.get(id).spec().addresses().stream().filter(a -> a.family() == family).findFirst().orElseThrow();
            }
        };
    }

    /**
     * What this node announces: its pod CIDRs, each endpoint address with {@code bgp.announce-endpoints}, and the
     * prefixes of user routes whose next hops are all local endpoints (a service address hosted here). Gateway and
     * drop routes point away from this node and are not announced.
     */
    Set<IpPrefix> wantedAnnouncements(Collection<Endpoint> endpoints, Map<IpPrefix, Route> routes) {
        Set<IpPrefix> wanted = new LinkedHashSet<>(options.podCidrs());
        if (options.announceEndpoints()) {
            endpoints.forEach(e -> e.spec().addresses().forEach(a -> wanted.add(IpPrefix.host(a))));
        }
        routes.values().stream().filter(r -> r.nextHops().stream().allMatch(h -> h instanceof NextHop.ToEndpoint))
                .forEach(r -> wanted.add(r.prefix()));
        wanted.removeIf(p -> !options.families().contains(p.family()));
        return wanted;
    }

    // --- policy -------------------------------------------------------------------------------------------------

    @Override
    protected void backendApplyPolicies(PolicySet policies) {
        applyPolicy(policies, desired().endpoints().values(), desired().remotes().values(), desired().routes().values());
    }

    @Override
    protected void backendSetRemotes(List<RemoteEndpoint> remotes) {
        applyPolicy(desired().policies(), desired().endpoints().values(), remotes, desired().routes().values());
    }

    /**
     * Resolves {@code set} against {@code endpoints} (each endpoint's index is its position in the list) and replaces
     * the nftables ruleset in one transaction, each endpoint's sources widened by the prefixes {@code routes} route to
     * it; nothing while POLICY is not declared.
     */
    void applyPolicy(PolicySet set, Collection<Endpoint> endpoints, Collection<RemoteEndpoint> remotes,
                     Collection<Route> routes) {
        if (nft == null) {
            return;
        }
        List<Endpoint> list = List.copyOf(endpoints);
        Map<EndpointId, List<IpPrefix>> routed = routedPrefixes(routes);
        List<PolicyEndpoint> locals = new ArrayList<>();
        List<NftEndpoint> wired = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Endpoint e = list.get(i);
            locals.add(new PolicyEndpoint(i, e.spec().labels(), e.spec().addresses()));
            wired.add(new NftEndpoint(e.id(), e.hostInterface(), e.spec().addresses(), routed.getOrDefault(e.id(), List.of())));
        }
        nft.apply(PolicyResolver.resolve(set, locals, List.copyOf(remotes)), wired);
    }

    /** After a failed attach or route change: the ruleset of the state still in force (best effort). */
    private void restorePolicy(RuntimeException failure) {
        try {
            applyPolicy(desired().policies(), desired().endpoints().values(), desired().remotes().values(),
                    desired().routes().values());
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    // --- stats --------------------------------------------------------------------------------------------------

    /**
     * Per endpoint the packets it sent and was delivered, drop reasons and rule counters, all from nftables (with
     * POLICY; without it the link counters of each endpoint's host end, whose receive is the endpoint's transmit), and {@code "bgp.peers"}: per neighbor its session state, AS, router id,
     * uptime and received/accepted/advertised prefix counts per family.
     */
    @Override
    protected StatsSnapshot backendStats() {
        Instant now = Instant.now();
        Optional<NftCounters> counters = Optional.ofNullable(nft).map(NftPolicyProgram::counters);
        Map<String, LinkStats> links = new HashMap<>();
        nodeLinks.links().forEach(l -> links.put(l.name(), l.stats()));
        Map<EndpointId, EndpointStats> endpoints = new LinkedHashMap<>();
        for (Endpoint e : desired().endpoints().values()) {
            Map<DropReason, Long> drops = counters.map(c -> c.drops().getOrDefault(e.id(), Map.of())).orElse(Map.of());
            if (counters.isPresent()) {
                NftCounters.Traffic t = counters.get().traffic().getOrDefault(e.id(), NftCounters.Traffic.ZERO);
                endpoints.put(e.id(), new EndpointStats(e.id(), t.rxPackets(), t.rxBytes(), t.txPackets(), t.txBytes(), drops));
                continue;
            }
            LinkStats s = links.getOrDefault(e.hostInterface(), LinkStats.ZERO);
            endpoints.put(e.id(), new EndpointStats(e.id(), s.txPackets(), s.txBytes(), s.rxPackets(), s.rxBytes(), drops));
        }
        Map<RuleRef, RuleStats> rules = new LinkedHashMap<>();
        counters.ifPresent(c -> c.rules().forEach((ref, list) -> rules.put(ref,
                new RuleStats(ref, list.isEmpty() ? Action.ALLOW : list.getFirst().action(),
                        list.stream().mapToLong(RuleStats::packets).sum()))));
        Map<String, ProviderStats> extensions = new LinkedHashMap<>();
        try {
            extensions.put("bgp.peers", peerStats(gobgp.client().listPeers(), now));
        } catch (GobgpException e) {
            LOG.warn("BGP dataplane {}: no peer stats ({})", name(), e.getMessage());
        }
        return new StatsSnapshot(now, endpoints, rules, extensions);
    }

    static ProviderStats peerStats(List<BgpPeerStatus> peers, Instant now) {
        Map<String, ProviderStats.Row> rows = new LinkedHashMap<>();
        for (BgpPeerStatus p : peers) {
            Map<String, Long> gauges = new LinkedHashMap<>();
            gauges.put("uptime-seconds", p.establishedSince().map(t -> Math.max(0, Duration.between(t, now).toSeconds())).orElse(0L));
            long received = 0;
            long accepted = 0;
            long advertised = 0;
            for (var e : p.prefixes().entrySet()) {
                String family = e.getKey() == IpFamily.IPV4 ? "ipv4" : "ipv6";
                gauges.put(family + ".received", e.getValue().received());
                gauges.put(family + ".accepted", e.getValue().accepted());
                gauges.put(family + ".advertised", e.getValue().advertised());
                received += e.getValue().received();
                accepted += e.getValue().accepted();
                advertised += e.getValue().advertised();
            }
            gauges.put("received", received);
            gauges.put("accepted", accepted);
            gauges.put("advertised", advertised);
            rows.put(p.address(), new ProviderStats.Row(Map.of("state", p.state().name(), "asn", Long.toString(p.asn()),
                    "router-id", p.routerId()), gauges, Map.of()));
        }
        return new ProviderStats(rows);
    }

    // --- inspection and restart ---------------------------------------------------------------------------------

    @Override
    protected BackendView backendInspect() {
        return new BgpInspector(this).inspect();
    }

    @Override
    protected Object backendRecord() {
        return gobgp.daemon().map(d -> new BgpState(d.pid(), d.apiPort())).orElse(new BgpState(0, 0));
    }

    @Override
    protected AdoptionResult backendAdopt(SavedDataplane saved) {
        return BgpAdoption.adopt(this, saved);
    }

    /** The user route entries in the kernel now (for adoption and inspection). */
    List<RouteInfo> userEntries() {
        List<RouteInfo> entries = new ArrayList<>();
        for (int af : List.of(RtNetlink.AF_INET, RtNetlink.AF_INET6)) {
            nodeLinks.routes(af, RouteSpec.TABLE_MAIN).stream().filter(r -> r.priority() == FibRoutes.USER_METRIC)
                    .forEach(entries::add);
        }
        return entries;
    }

    // --- lifecycle ----------------------------------------------------------------------------------------------

    /**
     * Leaves the veths, user routes and saved state in force. With graceful restart gobgpd keeps running (peers keep
     * forwarding to this node) and so do the learned routes; without it gobgpd stops (peers withdraw our prefixes)
     * and the learned routes are removed, since nothing keeps them current any more.
     */
    @Override
    protected void backendClose() {
        release(false);
    }

    /** Lets go of everything this instance holds; {@code destroying} also stops the daemon and withdraws our prefixes. */
    private void release(boolean destroying) {
        Thread recovering;
        synchronized (recoveryLock) {
            if (released) {
                return;
            }
            released = true;
            recovering = recovery;
        }
        if (recovering != null) {
            recovering.interrupt(); // a daemon it is starting is stopped; it lets go of one it started
        }
        timers.shutdownNow();
        stopListening();
        learned.close();
        boolean keepDaemon = !destroying && options.gracefulRestart().isPresent();
        if (!keepDaemon) {
            removeLearnedRoutes();
        }
        GobgpHandle.Current current = gobgp.current();
        Optional<GobgpDaemon> daemon = current.daemon();
        if (daemon.isPresent()) {
            if (keepDaemon) {
                daemon.get().release();
            } else {
                daemon.get().close(); // StopBgp: peers get a Cease and drop our prefixes
            }
        } else {
            if (!keepDaemon) {
                try {
                    announcements.set(Set.of());
                } catch (GobgpException e) {
                    LOG.warn("BGP dataplane {}: cannot withdraw its prefixes from {}: {}", name(), options.grpc().orElseThrow(), e.getMessage());
                }
            }
            current.client().close();
        }
        if (nft != null) {
            nft.close();
        }
        nodeLinks.close();
        node.close();
    }

    private void removeLearnedRoutes() {
        for (IpPrefix prefix : learned.installed().keySet()) {
            try {
                nodeLinks.deleteRoute(FibRoutes.learnedSelector(prefix));
            } catch (LinuxException e) {
                // gone already
            }
        }
    }

    /** Endpoints are detached already (by the base class): removes user routes, the blackholes, the table, the daemon. */
    @Override
    protected void backendDestroy() {
        removeOwnLinks();
        for (RouteInfo r : userEntries()) {
            try {
                nodeLinks.deleteRoute(r.toSpec());
            } catch (LinuxException e) {
                LOG.warn("cannot remove route {}: {}", r.destination(), e.getMessage());
            }
        }
        for (IpFamily family : IpFamily.values()) {
            try {
                nodeLinks.deleteRoute(FibRoutes.noRoute(family));
            } catch (LinuxException e) {
                // gone already
            }
        }
        if (nft != null) {
            nft.destroy();
        }
        release(true);
        removeWorkDir();
    }

    /** The daemon's log directory under /run/uniplane goes with the dataplane. */
    private void removeWorkDir() {
        try (var files = Files.list(workDir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(workDir);
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", workDir, e.getMessage());
        }
    }

    /** Writes a sysctl of the node namespace ({@code /proc/sys/net} is per network namespace). */
    private void sysctl(String key, String value) {
        node.execute(() -> {
            try {
                Files.writeString(Path.of("/proc/sys/" + key), value);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot set " + key + "=" + value, e);
            }
        });
    }
}
