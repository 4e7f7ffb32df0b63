package dev.uniplane.cli;

import dev.uniplane.api.Action;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.RuleStats;
import dev.uniplane.api.StatsSnapshot;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Counters with rates: what {@code stats} prints. Rates are per second over the interval since the previous
 * snapshot (zero on the first).
 *
 * @param takenAt         when the counters were read (ISO-8601)
 * @param intervalSeconds the time since the previous snapshot, 0 for the first
 * @param endpoints       per endpoint
 * @param rules           per policy rule
 */
public record StatsReport(String takenAt, double intervalSeconds, List<EndpointRow> endpoints, List<RuleRow> rules) {

    /** One endpoint's counters, rates (pps, bits per second) and non-zero drops by reason. */
    public record EndpointRow(String endpoint, long rxPackets, long rxBytes, long txPackets, long txBytes, double rxPps,
                              double rxBps, double txPps, double txBps, Map<DropReason, Long> drops) {
    }

    /** One rule's counter and rate. */
    public record RuleRow(String rule, Action action, long packets, double pps) {
    }

    public StatsReport {
        endpoints = List.copyOf(endpoints);
        rules = List.copyOf(rules);
    }

    /** The report of {@code now}, with rates against {@code previous} (may be null). */
    public static StatsReport of(StatsSnapshot now, StatsSnapshot previous) {
        double seconds = previous == null ? 0 : Duration.between(previous.takenAt(), now.takenAt()).toNanos() / 1e9;
        StatsSnapshot delta = previous == null ? null : now.delta(previous);
        List<EndpointRow> endpoints = now.endpoints().values().stream().map(e -> {
            EndpointStats d = delta == null ? null : delta.endpoints().get(e.endpoint());
            Map<DropReason, Long> drops = new LinkedHashMap<>();
            e.drops().forEach((reason, n) -> {
                if (n != 0) {
                    drops.put(reason, n);
                }
            });
            return new EndpointRow(e.endpoint().toString(), e.rxPackets(), e.rxBytes(), e.txPackets(), e.txBytes(),
                    rate(d == null ? 0 : d.rxPackets(), seconds), rate(d == null ? 0 : d.rxBytes() * 8, seconds),
                    rate(d == null ? 0 : d.txPackets(), seconds), rate(d == null ? 0 : d.txBytes() * 8, seconds), drops);
        }).toList();
        List<RuleRow> rules = now.rules().values().stream().map(r -> {
            RuleStats d = delta == null ? null : delta.rules().get(r.rule());
            return new RuleRow(r.rule().toString(), r.action(), r.packets(), rate(d == null ? 0 : d.packets(), seconds));
        }).toList();
        return new StatsReport(now.takenAt().toString(), seconds, endpoints, rules);
    }

    private static double rate(long count, double seconds) {
        return seconds <= 0 ? 0 : Math.max(0, count) / seconds;
    }

    void printTable(PrintWriter out) {
        boolean rates = intervalSeconds > 0;
        Table eps = new Table("ENDPOINT", "RX-PKTS", "RX-BYTES", "TX-PKTS", "TX-BYTES", "RX-PPS", "RX-BPS", "TX-PPS", "TX-BPS", "DROPS");
        for (EndpointRow e : endpoints) {
            eps.row(e.endpoint(), e.rxPackets(), e.rxBytes(), e.txPackets(), e.txBytes(), human(e.rxPps(), rates),
                    human(e.rxBps(), rates), human(e.txPps(), rates), human(e.txBps(), rates),
                    e.drops().isEmpty() ? "-" : e.drops().entrySet().stream().map(d -> d.getKey() + "=" + d.getValue())
                            .collect(Collectors.joining(" ")));
        }
        eps.print(out);
        if (!rules.isEmpty()) {
            out.println();
            Table rs = new Table("RULE", "ACTION", "PACKETS", "PPS");
            rules.forEach(r -> rs.row(r.rule(), r.action(), r.packets(), human(r.pps(), rates)));
            rs.print(out);
        }
    }

    /** 1234567 → 1.2M; "-" without a previous snapshot. */
    static String human(double value, boolean known) {
        if (!known) {
            return "-";
        }
        String[] units = {"", "k", "M", "G", "T"};
        int unit = 0;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return (unit == 0 ? String.format(java.util.Locale.ROOT, "%.0f", value) : String.format(java.util.Locale.ROOT, "%.1f", value)) + units[unit];
    }
}
