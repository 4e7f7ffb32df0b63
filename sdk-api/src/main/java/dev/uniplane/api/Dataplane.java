package dev.uniplane.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A running dataplane on one backend. The four verbs are the same on every provider: {@link #attach attach}
 * workloads, {@link #addRoute route} prefixes, apply {@link #applyPolicies policy} and read {@link #stats stats}.
 * Every mutating call validates first and either takes effect whole or not at all. Thread-safe.
 */
public interface Dataplane extends AutoCloseable {

    /** The provider that opened this dataplane. */
    String provider();

    /** The dataplane's name ({@link DataplaneConfig#name()}). */
    String name();

    Capabilities capabilities();

    // --- attach ---------------------------------------------------------------------------------------------

    /**
     * Connects a workload. Idempotent for the same spec; another spec under an attached id is a {@link ConflictException}.
     * Uses the first kind of {@link AttachSpec#kinds()} the provider supports, else {@link UnsupportedCapabilityException}.
     */
    Endpoint attach(AttachSpec spec);

    /** Removes everything {@link #attach} created, also when the workload netns is gone. {@link NotFoundException} if unknown. */
    void detach(EndpointId id);

    List<Endpoint> endpoints();

    Optional<Endpoint> endpoint(EndpointId id);

    // --- routes ---------------------------------------------------------------------------------------------

    /** Adds a route; the same route again is a no-op, another route for the same prefix is a {@link ConflictException}. */
    void addRoute(Route route);

    /** Adds or replaces the route for {@code route.prefix()}. */
    void replaceRoute(Route route);

    /** Removes the route for a prefix; {@link NotFoundException} if there is none. */
    void removeRoute(IpPrefix prefix);

    /** Replaces or adds every route of {@code upserts} and removes every prefix of {@code removals}, all or nothing. */
    void updateRoutes(List<Route> upserts, List<IpPrefix> removals);

    /** Explicit routes (host routes of endpoints are implicit and not listed). */
    List<Route> routes();

    // --- policy ---------------------------------------------------------------------------------------------

    /** Replaces the whole policy set atomically. */
    void applyPolicies(PolicySet policies);

    PolicySet policies();

    /** Registers (or updates) a workload of another node so that peer selectors match it. */
    void registerRemote(RemoteEndpoint remote);

    void unregisterRemote(String id);

    List<RemoteEndpoint> remotes();

    // --- stats ----------------------------------------------------------------------------------------------

    /** All counters, read at one moment. */
    StatsSnapshot stats();

    /** Calls {@code listener} every {@code period} with the snapshot and the delta since the previous call. */
    Subscription watch(Duration period, StatsListener listener);

    // --- plan/apply -----------------------------------------------------------------------------------------

    /** What this dataplane holds now, as a desired state. */
    DesiredState currentState();

    /** The diff from {@link #currentState()} to {@code desired}; touches nothing. */
    default Plan plan(DesiredState desired) {
        return Plan.between(currentState(), desired);
    }

    /**
     * Carries out a plan: atomically with {@link Capability#TRANSACTIONS}, otherwise undoing what it did when a step
     * fails. A plan computed against another state than the current one is a {@link ConflictException}.
     */
    void apply(Plan plan);

    /**
     * Stops the dataplane's threads and releases its handles. With {@link Capability#RESTART_SURVIVAL} what it programmed
     * stays in force and a later open of the same name adopts it; otherwise close removes it. Closing twice is a no-op.
     */
    @Override
    void close();

    /** Removes everything this dataplane programmed (endpoints, routes, policies, pinned state), then closes it. */
    void destroy();
}
