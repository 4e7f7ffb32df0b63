package dev.uniplane.cli;

import dev.uniplane.api.Change;
import dev.uniplane.api.Plan;
import dev.uniplane.api.Policy;
import dev.uniplane.api.RemoteEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link Plan} as {@code plan} and {@code apply} report it: every change with its kind, key and the object before
 * and after.
 *
 * @param add     how many objects are added
 * @param change  how many are changed
 * @param remove  how many are removed
 * @param changes the changes, endpoints first, then routes, policies and remote endpoints
 * @param applied whether the plan was carried out
 */
public record PlanReport(int add, int change, int remove, List<Entry> changes, boolean applied) {

    /**
     * One change.
     *
     * @param action {@code add}, {@code change} or {@code remove}
     * @param kind   {@code endpoint}, {@code route}, {@code policy} or {@code remote}
     * @param key    the endpoint id, route prefix, policy name or remote id
     * @param before the object before (absent for an add)
     * @param after  the object after (absent for a remove)
     */
    public record Entry(String action, String kind, String key, Object before, Object after) {
    }

    public PlanReport {
        changes = List.copyOf(changes);
    }

    public static PlanReport of(Plan plan, boolean applied) {
        List<Entry> entries = new ArrayList<>();
        add(entries, "endpoint", plan.endpoints(), s -> s.id().toString());
        add(entries, "route", plan.routes(), r -> r.prefix().toString());
        add(entries, "policy", plan.policies(), Policy::name);
        add(entries, "remote", plan.remotes(), RemoteEndpoint::id);
        int add = (int) entries.stream().filter(e -> e.action().equals("add")).count();
        int remove = (int) entries.stream().filter(e -> e.action().equals("remove")).count();
        return new PlanReport(add, entries.size() - add - remove, remove, entries, applied);
    }

    private static <T> void add(List<Entry> entries, String kind, List<Change<T>> changes, Function<T, String> key) {
        for (Change<T> c : changes) {
            entries.add(switch (c) {
                case Change.Add<T> a -> new Entry("add", kind, key.apply(a.value()), null, a.value());
                case Change.Modify<T> m -> new Entry("change", kind, key.apply(m.after()), m.before(), m.after());
                case Change.Remove<T> r -> new Entry("remove", kind, key.apply(r.value()), r.value(), null);
            });
        }
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }
}
