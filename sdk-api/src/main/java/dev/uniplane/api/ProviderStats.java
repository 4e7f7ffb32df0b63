package dev.uniplane.api;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Statistics only one provider has, carried in {@link StatsSnapshot#extensions()} under a name that starts with the
 * provider's name ({@code "bgp.peers"}), so that an application can read them without a compile-time dependency on the
 * provider (providers export no packages). One {@link Row} per object the provider counts for, keyed by what names it
 * (a peer address, an interface name):
 * <ul>
 * <li>{@link Row#attributes()}: text values that describe the object now (a session state, a router id);</li>
 * <li>{@link Row#gauges()}: numbers that are levels now (an uptime in seconds, a prefix count), kept as they are by
 * {@link #minus};</li>
 * <li>{@link Row#counters()}: monotonic counters, subtracted by {@link #minus} as {@link EndpointStats} are.</li>
 * </ul>
 * The BGP provider puts {@code "bgp.peers"} there: per neighbor address its session state, AS and router id, uptime,
 * and received/accepted/advertised prefix counts. A VPP provider would add e.g. {@code "vpp.interfaces"} (per
 * {@code sw_if_index}: rx/tx/drop/punt counters of its interface counters), an OVS provider {@code "ovs.datapath"}
 * (one row with the datapath's hit/missed/lost counters and its flow count as a gauge); neither changes this type.
 *
 * @param rows the rows, keyed by the name of what each describes
 */
public record ProviderStats(Map<String, Row> rows) {

    /** Copies and sorts the rows. */
    public ProviderStats {
        rows = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Check.notNull("rows", rows)));
    }

    /** No rows. */
    public static ProviderStats empty() {
        return new ProviderStats(Map.of());
    }

    /** The row of {@code key}, if there is one. */
    public Optional<Row> row(String key) {
        return Optional.ofNullable(rows.get(key));
    }

    /**
     * What changed since {@code earlier}: counters subtracted (a row or counter absent before counts from zero),
     * attributes and gauges as they are now; rows gone since are left out.
     */
    public ProviderStats minus(ProviderStats earlier) {
        Map<String, Row> delta = new TreeMap<>();
        rows.forEach((key, now) -> delta.put(key, now.minus(earlier.rows.get(key))));
        return new ProviderStats(delta);
    }

    /**
     * One object's statistics.
     *
     * @param attributes text values describing it now
     * @param gauges     levels now
     * @param counters   monotonic counters
     */
    public record Row(Map<String, String> attributes, Map<String, Long> gauges, Map<String, Long> counters) {

        /** Copies and sorts the maps. */
        public Row {
            attributes = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Check.notNull("attributes", attributes)));
            gauges = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Check.notNull("gauges", gauges)));
            counters = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Check.notNull("counters", counters)));
        }

        /** The counters gained since {@code earlier} (null: since zero); attributes and gauges as now. */
        Row minus(Row earlier) {
            Map<String, Long> delta = new TreeMap<>();
            counters.forEach((name, now) -> delta.put(name, now - (earlier == null ? 0L : earlier.counters.getOrDefault(name, 0L))));
            return new Row(attributes, gauges, delta);
        }
    }
}
