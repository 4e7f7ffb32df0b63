package dev.uniplane.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The exact difference between a dataplane's state and a desired state. Computing a plan touches nothing;
 * {@link Dataplane#apply(Plan)} carries it out, and refuses a plan made against a state that has since changed.
 *
 * @param from      the state the plan was computed against
 * @param to        the desired state
 * @param endpoints endpoint changes (a changed spec is a detach + attach)
 * @param routes    route changes, keyed by prefix
 * @param policies  policy changes, keyed by name (the whole set is applied atomically)
 * @param remotes   remote endpoint changes, keyed by id
 */
public record Plan(DesiredState from, DesiredState to, List<Change<AttachSpec>> endpoints, List<Change<Route>> routes,
                   List<Change<Policy>> policies, List<Change<RemoteEndpoint>> remotes) {

    public Plan {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        endpoints = List.copyOf(endpoints);
        routes = List.copyOf(routes);
        policies = List.copyOf(policies);
        remotes = List.copyOf(remotes);
    }

    /** The diff that turns {@code current} into {@code desired}. */
    public static Plan between(DesiredState current, DesiredState desired) {
        Check.notNull("current", current);
        Check.notNull("desired", desired);
        return new Plan(current, desired,
                diff(current.endpoints(), desired.endpoints(), AttachSpec::id),
                diff(current.routes(), desired.routes(), Route::prefix),
                diff(current.policies().policies(), desired.policies().policies(), Policy::name),
                diff(current.remotes(), desired.remotes(), RemoteEndpoint::id));
    }

    public boolean isEmpty() {
        return endpoints.isEmpty() && routes.isEmpty() && policies.isEmpty() && remotes.isEmpty();
    }

    /** Number of changes in all four lists. */
    public int size() {
        return endpoints.size() + routes.size() + policies.size() + remotes.size();
    }

    private static <T, K> List<Change<T>> diff(List<T> current, List<T> desired, Function<T, K> key) {
        Map<K, T> before = new LinkedHashMap<>();
        current.forEach(v -> before.put(key.apply(v), v));
        List<Change<T>> changes = new ArrayList<>();
        for (T want : desired) {
            T have = before.remove(key.apply(want));
            if (have == null) {
                changes.add(new Change.Add<>(want));
            } else if (!have.equals(want)) {
                changes.add(new Change.Modify<>(have, want));
            }
        }
        before.values().forEach(v -> changes.add(new Change.Remove<>(v)));
        return changes;
    }
}
