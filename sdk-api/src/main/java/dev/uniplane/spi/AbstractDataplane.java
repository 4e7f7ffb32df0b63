package dev.uniplane.spi;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Change;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.Plan;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.StatsListener;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.api.Subscription;
import dev.uniplane.api.UnsupportedCapabilityException;
import dev.uniplane.spi.state.SavedDataplane;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider-independent half of a {@link Dataplane}: bookkeeping of what the user asked for, idempotence and
 * conflicts, capability checks, validation across objects (routes naming unknown endpoints, duplicate addresses),
 * stats watching and plan/apply with rollback. It is the one owner of the desired state: a provider extends it,
 * implements the {@code backend*} hooks, each of which must either take effect whole or throw and change nothing, and
 * keeps only backend handles (fds, maps, ports, slots), reading the desired state through {@link #desired()}. Hooks
 * run under the dataplane's lock; whatever they throw reaches the caller through {@link BackendErrors#translate}.
 *
 * <p>Restart: a provider that calls {@link #keepSavedState} gets a {@link SavedDataplane} written after every
 * successful change (never after a failed one) and removed by {@link #destroy()}; when its open found one, the SPI
 * hands it to {@link #backendAdopt} first and records what that returns.
 */
public abstract class AbstractDataplane implements Dataplane, BackendInspector {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractDataplane.class);
    private final String provider;
    private final DataplaneConfig config;
    private final Capabilities capabilities;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<EndpointId, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<IpPrefix, Route> routes = new LinkedHashMap<>();
    private final Map<String, RemoteEndpoint> remotes = new LinkedHashMap<>();
    private PolicySet policies = PolicySet.empty();
    private ScheduledExecutorService watcher;
    private volatile boolean closed;
    /** Where the saved state goes after every change; null while the provider keeps none (and while adopting). */
    private Path stateFile;
    /** {@link #desired()} as last built; null after a change. */
    private volatile DesiredView view;

    protected AbstractDataplane(String provider, DataplaneConfig config, Capabilities capabilities) {
        this.provider = provider;
        this.config = config;
        this.capabilities = capabilities;
    }

    // --- hooks --------------------------------------------------------------------------------------------------
    // While a hook runs, desired() shows the state BEFORE its change: what is in force. The arguments say what changes.

    /** Creates the workload interface and wires it in; returns what was made. */
    protected abstract Endpoint backendAttach(AttachSpec spec, AttachKind kind);

    /** Removes everything {@link #backendAttach} made, tolerating a workload netns that is already gone. */
    protected abstract void backendDetach(Endpoint endpoint);

    /**
     * Programs route changes as one unit; {@code all} is the complete route table after the change. No prefix is both
     * upserted and removed, and every endpoint next hop has an address of the prefix's family (checked before).
     */
    protected abstract void backendUpdateRoutes(List<Route> upserts, List<IpPrefix> removals, Map<IpPrefix, Route> all);

    /** Replaces the policy set atomically (selectors may match the current endpoints and remotes). */
    protected abstract void backendApplyPolicies(PolicySet policies);

    /** Replaces the set of remote endpoints (policy identities must follow). */
    protected abstract void backendSetRemotes(List<RemoteEndpoint> remotes);

    /** Reads every counter at one moment. */
    protected abstract StatsSnapshot backendStats();

    /** Releases handles; with RESTART_SURVIVAL leaves the programmed state in force. */
    protected abstract void backendClose();

    /** Removes whatever {@link #backendClose} would have left in force (pins, bridges, daemons' config). */
    protected abstract void backendDestroy();

    /** Reads back what the backend has programmed (see {@link BackendInspector}); by default the provider cannot. */
    protected BackendView backendInspect() {
        throw new InspectionUnsupportedException(provider);
    }

    // --- restart adoption -----------------------------------------------------------------------------------------

    /**
     * Takes over what a previous process (or instance) of this dataplane left, described by {@code saved}: checks its
     * backend objects, takes them again and programs what is missing, dropping (with a warning) what cannot be kept.
     * Runs under the lock before any other call, with an empty {@link #desired()}; a provider may replay the saved
     * state through the dataplane's own API (then it returns {@link AdoptionResult#of}{@code (desired())}). The saved
     * state is written once, after it returns. Only called for providers that call {@link #keepSavedState}.
     */
    protected AdoptionResult backendAdopt(SavedDataplane saved) {
        throw new UnsupportedOperationException(provider + " does not adopt saved state");
    }

    /** The provider's record of {@code endpoint} for the saved state (see {@link SavedDataplane}); null for none. */
    protected Object endpointRecord(Endpoint endpoint) {
        return null;
    }

    /** The provider-level record for the saved state (see {@link SavedDataplane}); null for none. */
    protected Object backendRecord() {
        return null;
    }

    /**
     * Called once by the provider at the end of its open: from now on the saved state is written to {@code file} after
     * every successful change and removed by {@link #destroy()}. With a {@code saved} state, {@link #backendAdopt}
     * takes it over first and the SPI records what it returns; then the file is written.
     */
    protected final void keepSavedState(Path file, java.util.Optional<SavedDataplane> saved) {
        withLock(() -> {
            if (saved.isPresent()) {
                // no file yet: a replay through the API writes nothing until the adoption is complete
                record(hook("adopt the saved state of " + name(), () -> backendAdopt(saved.get())));
            }
            stateFile = file;
            changed();
            return null;
        });
    }

    /** Removes the saved state file now (a provider whose close ends what it programmed); no more are written. */
    protected final void deleteSavedState() {
        withLockEvenIfClosed(() -> {
            if (stateFile != null) {
                try {
                    StateFiles.delete(stateFile);
                } catch (RuntimeException e) {
                    LOG.warn("{} dataplane {}: {}", provider, name(), e.getMessage());
                }
                stateFile = null;
            }
            return null;
        });
    }

    /** The saved state of what is in force now. */
    protected final SavedDataplane savedState() {
        return withLockEvenIfClosed(() -> SavedDataplane.of(provider, name(), desired().toState(),
                List.copyOf(endpoints.values()), this::endpointRecord, backendRecord()));
    }

    /**
     * Runs {@code action} under the lock the hooks run under (also after close): for a provider's own background work,
     * such as a reconcile after a daemon restart, that reads {@link #desired()} and must not interleave with a change.
     */
    protected final <T> T runLocked(java.util.function.Supplier<T> action) {
        return withLockEvenIfClosed(action);
    }

    private void record(AdoptionResult adopted) {
        endpoints.clear();
        routes.clear();
        remotes.clear();
        adopted.endpoints().forEach(e -> endpoints.put(e.id(), e));
        adopted.routes().forEach(r -> routes.put(r.prefix(), r));
        adopted.remotes().forEach(r -> remotes.put(r.id(), r));
        policies = adopted.policies();
        view = null;
    }

    /**
     * The whole desired state, which is also what is in force: an immutable snapshot. Inside a hook it is the state
     * before the hook's change; after a successful call, the state after it.
     */
    protected final DesiredView desired() {
        DesiredView v = view;
        if (v == null) {
            v = withLockEvenIfClosed(() -> {
                if (view == null) {
                    view = new DesiredView(endpoints, routes, policies, remotes);
                }
                return view;
            });
        }
        return v;
    }

    /** After a successful change: the view is rebuilt on demand and the saved state written (not while adopting). */
    private void changed() {
        view = null;
        if (stateFile == null) {
            return;
        }
        try {
            savedState().write(stateFile);
        } catch (RuntimeException e) {
            // the change is in force already; failing it now would set the backend and the bookkeeping apart
            LOG.error("{} dataplane {}: cannot write its saved state ({}); a restart would miss this change", provider,
                    name(), e.getMessage());
        }
    }

    /** Runs a backend hook, translating what it throws once, here ({@link BackendErrors#translate}). */
    private static <T> T hook(String operation, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw BackendErrors.translate(operation, e);
        }
    }

    private static void hook(String operation, Runnable call) {
        hook(operation, () -> {
            call.run();
            return null;
        });
    }

    protected final DataplaneConfig config() {
        return config;
    }

    // --- Dataplane ------------------------------------------------------------------------------------------------

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public Endpoint attach(AttachSpec spec) {
        StateChecks.argument("spec", spec);
        return withLock(() -> {
            Endpoint existing = endpoints.get(spec.id());
            if (existing != null) {
                if (existing.spec().equals(spec)) {
                    return existing;
                }
                throw new ConflictException("endpoint " + spec.id() + " is attached with another spec (" + existing.spec()
                        + "); detach it first");
            }
            StateChecks.workloadNamespace(config, spec.netns());
            for (IpAddress address : spec.addresses()) {
                requireFamily(address.family());
                StateChecks.addressIsFree("endpoint " + spec.id(), address, endpoints.values(), remotes.values(), null);
                StateChecks.noRouteBorrows(spec.id(), address, routes.values());
            }
            AttachKind kind = spec.kinds().stream().filter(k -> capabilities.has(k.capability())).findFirst()
                    .orElseThrow(() -> new UnsupportedCapabilityException(provider, spec.kinds().getFirst().capability()));
            StateChecks.oneKernelInterfacePerNamespaceAndFamily(spec, kind, endpoints.values());
            Endpoint endpoint = hook("attach " + spec.id(), () -> backendAttach(spec, kind));
            endpoints.put(spec.id(), endpoint);
            changed();
            return endpoint;
        });
    }

    @Override
    public void detach(EndpointId id) {
        StateChecks.argument("id", id);
        withLock(() -> {
            Endpoint endpoint = endpoints.get(id);
            if (endpoint == null) {
                throw new NotFoundException("endpoint " + id + " is not attached");
            }
            for (Route r : routes.values()) {
                if (r.nextHops().stream().anyMatch(h -> h instanceof NextHop.ToEndpoint t && t.endpoint().equals(id))) {
                    throw new ConflictException("endpoint " + id + " is a next hop of route " + r.prefix() + "; remove or replace the route first");
                }
            }
            hook("detach " + id, () -> backendDetach(endpoint));
            endpoints.remove(id);
            changed();
            return null;
        });
    }

    @Override
    public List<Endpoint> endpoints() {
        return withLock(() -> List.copyOf(endpoints.values()));
    }

    @Override
    public Optional<Endpoint> endpoint(EndpointId id) {
        StateChecks.argument("id", id);
        return withLock(() -> Optional.ofNullable(endpoints.get(id)));
    }

    @Override
    public void addRoute(Route route) {
        StateChecks.argument("route", route);
        withLock(() -> {
            Route existing = routes.get(route.prefix());
            if (existing != null && !existing.equals(route)) {
                throw new ConflictException("a different route for " + route.prefix() + " exists (" + existing.nextHops()
                        + "); use replaceRoute");
            }
            if (existing == null) {
                updateRoutesLocked(List.of(route), List.of());
            }
            return null;
        });
    }

    @Override
    public void replaceRoute(Route route) {
        StateChecks.argument("route", route);
        updateRoutes(List.of(route), List.of());
    }

    @Override
    public void removeRoute(IpPrefix prefix) {
        StateChecks.argument("prefix", prefix);
        updateRoutes(List.of(), List.of(prefix));
    }

    @Override
    public void updateRoutes(List<Route> upserts, List<IpPrefix> removals) {
        List<Route> upsertList = StateChecks.elements("upserts", upserts);
        List<IpPrefix> removalList = StateChecks.elements("removals", removals);
        StateChecks.notUpsertedAndRemoved(upsertList, removalList);
        withLock(() -> {
            updateRoutesLocked(upsertList, removalList);
            return null;
        });
    }

    private void updateRoutesLocked(List<Route> upserts, List<IpPrefix> removals) {
        Map<IpPrefix, Route> after = new LinkedHashMap<>(routes);
        for (IpPrefix prefix : removals) {
            if (after.remove(prefix) == null) {
                throw new NotFoundException("no route for " + prefix);
            }
        }
        Map<IpPrefix, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < upserts.size(); i++) {
            Route r = upserts.get(i);
            Integer first = seen.putIfAbsent(r.prefix(), i);
            if (first != null) {
                throw new dev.uniplane.api.InvalidSpecException("routes[" + i + "].prefix", r.prefix(), "duplicate in one batch (also routes[" + first + "])");
            }
            checkRoute(r);
            after.put(r.prefix(), r);
        }
        List<Route> changed = upserts.stream().filter(r -> !r.equals(routes.get(r.prefix()))).toList();
        if (changed.isEmpty() && removals.isEmpty()) {
            return;
        }
        Map<IpPrefix, Route> all = java.util.Collections.unmodifiableMap(after);
        hook("update routes", () -> backendUpdateRoutes(changed, removals, all));
        routes.clear();
        routes.putAll(after);
        changed();
    }

    private void checkRoute(Route r) {
        requireFamily(r.prefix().family());
        if (r.isEcmp()) {
            capabilities.require(provider, Capability.ECMP);
        }
        for (NextHop hop : r.nextHops()) {
            switch (hop) {
                case NextHop.Drop d -> capabilities.require(provider, Capability.ROUTE_DROP);
                case NextHop.ToEndpoint t -> {
                    capabilities.require(provider, Capability.ROUTE_TO_ENDPOINT);
                    if (!endpoints.containsKey(t.endpoint())) {
                        throw new NotFoundException("route " + r.prefix() + " names endpoint " + t.endpoint() + ", which is not attached");
                    }
                    StateChecks.hasAddressOfFamily(r, endpoints.get(t.endpoint()));
                    StateChecks.noIdentityBorrowing(r, endpoints.values());
                }
                case NextHop.Gateway g -> {
                    if (config.uplinkInterface().isEmpty()) {
                        throw new dev.uniplane.api.InvalidSpecException("nextHops.gateway", g.address(),
                                "this dataplane has no uplink (DataplaneConfig.uplink) to reach a gateway through");
                    }
                }
            }
        }
    }

    @Override
    public List<Route> routes() {
        return withLock(() -> List.copyOf(routes.values()));
    }

    @Override
    public void applyPolicies(PolicySet set) {
        StateChecks.argument("policies", set);
        withLock(() -> {
            checkPolicies(set);
            if (!set.equals(policies)) {
                hook("apply policies", () -> backendApplyPolicies(set));
                policies = set;
                changed();
            }
            return null;
        });
    }

    private void checkPolicies(PolicySet set) {
        if (set.policies().isEmpty()) {
            return;
        }
        capabilities.require(provider, Capability.POLICY);
        PolicyCapabilities.check(provider, capabilities, set);
    }

    @Override
    public PolicySet policies() {
        return withLock(() -> policies);
    }

    @Override
    public void registerRemote(RemoteEndpoint remote) {
        StateChecks.argument("remote", remote);
        withLock(() -> {
            capabilities.require(provider, Capability.REMOTE_ENDPOINTS);
            remote.addresses().forEach(a -> requireFamily(a.family()));
            remote.addresses().forEach(a -> StateChecks.addressIsFree("remote endpoint " + remote.id(), a, endpoints.values(),
                    remotes.values(), remote.id()));
            if (!remote.equals(remotes.get(remote.id()))) {
                Map<String, RemoteEndpoint> after = new LinkedHashMap<>(remotes);
                after.put(remote.id(), remote);
                List<RemoteEndpoint> next = List.copyOf(after.values());
                hook("set remote endpoints", () -> backendSetRemotes(next));
                remotes.put(remote.id(), remote);
                changed();
            }
            return null;
        });
    }

    @Override
    public void unregisterRemote(String id) {
        StateChecks.argument("id", id);
        withLock(() -> {
            if (!remotes.containsKey(id)) {
                throw new NotFoundException("remote endpoint " + id + " is not registered");
            }
            Map<String, RemoteEndpoint> after = new LinkedHashMap<>(remotes);
            after.remove(id);
            List<RemoteEndpoint> next = List.copyOf(after.values());
            hook("set remote endpoints", () -> backendSetRemotes(next));
            remotes.remove(id);
            changed();
            return null;
        });
    }

    @Override
    public List<RemoteEndpoint> remotes() {
        return withLock(() -> List.copyOf(remotes.values()));
    }

    @Override
    public StatsSnapshot stats() {
        return withLock(() -> hook("read stats", this::backendStats));
    }

    @Override
    public Subscription watch(Duration period, StatsListener listener) {
        StateChecks.argument("period", period);
        StateChecks.argument("listener", listener);
        if (period.isNegative() || period.isZero()) {
            throw new dev.uniplane.api.InvalidSpecException("period", period, "must be positive");
        }
        ScheduledExecutorService executor = withLock(() -> {
            if (watcher == null) {
                watcher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("uniplane-stats-" + name()).factory());
            }
            return watcher;
        });
        StatsSnapshot[] previous = new StatsSnapshot[1];
        var future = executor.scheduleAtFixedRate(() -> {
            try {
                StatsSnapshot now = stats();
                StatsSnapshot delta = previous[0] == null ? now : now.delta(previous[0]);
                previous[0] = now;
                listener.onStats(now, delta);
            } catch (DataplaneException e) {
                listener.onError(e);
            } catch (RuntimeException e) {
                listener.onError(new DataplaneException("stats watch failed", e));
            }
        }, 0, period.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public DesiredState currentState() {
        return withLock(() -> desired().toState());
    }

    /** Reads the backend back under the dataplane's lock, so no change runs while it is read. */
    @Override
    public final BackendView inspect() {
        return withLock(this::backendInspect);
    }

    /**
     * Carries out a plan step by step, undoing completed steps in reverse when one fails. Removals that free an address
     * come first, so an address can move between a remote and an endpoint or between two endpoints in one plan (a
     * workload migrating onto this node). Order: route removals (one batch), remote removals, removals of endpoints no
     * remaining route points at, new and changed endpoints, remote upserts, route upserts (one batch), policies (the
     * whole set), then removals of endpoints that routes pointed at until the route upserts moved them away (make before
     * break). When such an endpoint's address is taken by a new endpoint or remote in the same plan, make before break
     * is impossible: the routes leaving it are removed in the first batch and it is detached with the other removals,
     * so those routes carry no traffic until the upsert batch re-adds them.
     */
    @Override
    public void apply(Plan plan) {
        StateChecks.argument("plan", plan);
        withLock(() -> {
            if (!plan.from().equals(currentState())) {
                throw new ConflictException("the plan was computed against another state; compute it again with plan()");
            }
            if (plan.isEmpty()) {
                return null;
            }
            checkPolicies(plan.to().policies());
            Deque<Runnable> undo = new ArrayDeque<>();
            try {
                applySteps(plan, undo);
            } catch (RuntimeException failure) {
                while (!undo.isEmpty()) {
                    try {
                        undo.pop().run();
                    } catch (RuntimeException e) {
                        failure.addSuppressed(e);
                    }
                }
                throw failure;
            }
            return null;
        });
    }

    private void applySteps(Plan plan, Deque<Runnable> undo) {
        java.util.Set<EndpointId> freedEarly = endpointsWhoseAddressesMove(plan);
        List<Route> removedRoutes = new ArrayList<>();
        java.util.Set<IpPrefix> removedFirst = new java.util.HashSet<>();
        for (Change<Route> c : plan.routes()) {
            if (c instanceof Change.Remove<Route>(Route r)) {
                removedRoutes.add(r);
            } else if (c instanceof Change.Modify<Route>(Route before, Route after) && pointsAtAny(before, freedEarly)) {
                removedRoutes.add(before);
                removedFirst.add(before.prefix());
            }
        }
        if (!removedRoutes.isEmpty()) {
            updateRoutes(List.of(), removedRoutes.stream().map(Route::prefix).toList());
            undo.push(() -> updateRoutes(removedRoutes, List.of()));
        }
        for (Change<RemoteEndpoint> c : plan.remotes()) {
            if (c instanceof Change.Remove<RemoteEndpoint>(RemoteEndpoint r)) {
                unregisterRemote(r.id());
                undo.push(() -> registerRemote(r));
            }
        }
        List<AttachSpec> stillNextHops = new ArrayList<>();
        for (Change<AttachSpec> c : plan.endpoints()) {
            if (c instanceof Change.Remove<AttachSpec>(AttachSpec spec)) {
                if (isNextHop(spec.id()) && !freedEarly.contains(spec.id())) {
                    stillNextHops.add(spec);
                } else {
                    detachInPlan(spec, undo);
                }
            }
        }
        for (Change<AttachSpec> c : plan.endpoints()) {
            if (c instanceof Change.Modify<AttachSpec>(AttachSpec before, AttachSpec after)) {
                detach(before.id());
                undo.push(() -> attach(before));
                attach(after);
                undo.push(() -> detach(after.id()));
            } else if (c instanceof Change.Add<AttachSpec>(AttachSpec spec)) {
                attach(spec);
                undo.push(() -> detach(spec.id()));
            }
        }
        for (Change<RemoteEndpoint> c : plan.remotes()) {
            if (!(c instanceof Change.Remove)) {
                RemoteEndpoint before = remotes.get(c.subject().id());
                registerRemote(c.subject());
                undo.push(() -> {
                    if (before == null) {
                        unregisterRemote(c.subject().id());
                    } else {
                        registerRemote(before);
                    }
                });
            }
        }
        List<Route> upserts = new ArrayList<>();
        List<Route> restore = new ArrayList<>();
        List<IpPrefix> unadd = new ArrayList<>();
        for (Change<Route> c : plan.routes()) {
            if (c instanceof Change.Add<Route>(Route r)) {
                upserts.add(r);
                unadd.add(r.prefix());
            } else if (c instanceof Change.Modify<Route>(Route before, Route after)) {
                upserts.add(after);
                if (removedFirst.contains(before.prefix())) {
                    unadd.add(after.prefix()); // the first batch removed it; its own undo puts `before` back
                } else {
                    restore.add(before);
                }
            }
        }
        if (!upserts.isEmpty()) {
            updateRoutes(upserts, List.of());
            undo.push(() -> updateRoutes(restore, unadd));
        }
        if (!plan.policies().isEmpty()) {
            PolicySet before = policies;
            applyPolicies(plan.to().policies());
            undo.push(() -> applyPolicies(before));
        }
        for (AttachSpec spec : stillNextHops) {
            detachInPlan(spec, undo);
        }
    }

    /**
     * Endpoints the plan removes whose addresses a new or changed endpoint or a remote of the same plan takes: they must
     * go before the adds, even though routes point at them until the route upserts.
     */
    private static java.util.Set<EndpointId> endpointsWhoseAddressesMove(Plan plan) {
        java.util.Set<IpAddress> taken = new java.util.HashSet<>();
        for (Change<AttachSpec> c : plan.endpoints()) {
            if (!(c instanceof Change.Remove)) {
                taken.addAll(c.subject().addresses());
            }
        }
        for (Change<RemoteEndpoint> c : plan.remotes()) {
            if (!(c instanceof Change.Remove)) {
                taken.addAll(c.subject().addresses());
            }
        }
        java.util.Set<EndpointId> moving = new java.util.HashSet<>();
        for (Change<AttachSpec> c : plan.endpoints()) {
            if (c instanceof Change.Remove<AttachSpec>(AttachSpec spec)
                    && spec.addresses().stream().anyMatch(taken::contains)) {
                moving.add(spec.id());
            }
        }
        return moving;
    }

    private static boolean pointsAtAny(Route route, java.util.Set<EndpointId> ids) {
        return route.nextHops().stream().anyMatch(h -> h instanceof NextHop.ToEndpoint t && ids.contains(t.endpoint()));
    }

    private boolean isNextHop(EndpointId id) {
        return routes.values().stream().flatMap(r -> r.nextHops().stream())
                .anyMatch(h -> h instanceof NextHop.ToEndpoint t && t.endpoint().equals(id));
    }

    private void detachInPlan(AttachSpec spec, Deque<Runnable> undo) {
        detach(spec.id());
        undo.push(() -> attach(spec));
    }

    @Override
    public final void close() {
        ScheduledExecutorService w = withLockEvenIfClosed(() -> {
            if (closed) {
                return null;
            }
            closed = true;
            try {
                backendClose();
            } finally {
                OpenDataplanes.closed(provider, name(), this);
            }
            return watcher;
        });
        if (w != null) {
            w.shutdownNow();
        }
    }

    @Override
    public final void destroy() {
        RuntimeException failure = withLock(() -> {
            // Best effort: one endpoint that cannot be detached must not leave the backend (daemons, maps) behind.
            RuntimeException first = null;
            for (Endpoint e : List.copyOf(endpoints.values()).reversed()) {
                // Routes may point at endpoints; they go with the backend state below.
                try {
                    backendDetach(e);
                } catch (RuntimeException ex) {
                    first = collect(first, ex);
                }
                endpoints.remove(e.id());
            }
            routes.clear();
            remotes.clear();
            policies = PolicySet.empty();
            view = null;
            try {
                backendDestroy();
            } catch (RuntimeException ex) {
                first = collect(first, ex);
            }
            deleteSavedState();
            return first;
        });
        close();
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException collect(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    protected final boolean isClosed() {
        return closed;
    }

    private void requireFamily(IpFamily family) {
        capabilities.require(provider, family == IpFamily.IPV4 ? Capability.IPV4 : Capability.IPV6);
    }

    private <T> T withLock(java.util.function.Supplier<T> action) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("dataplane " + name() + " (" + provider + ") is closed");
            }
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private <T> T withLockEvenIfClosed(java.util.function.Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
