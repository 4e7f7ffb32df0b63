package dev.uniplane.cli;

import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.ProviderStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.lang3.StringUtils;
import org.apache.commons.lang3.exception.ExceptionUtils;
import picocli.CommandLine.Command;

/** {@code uniplane status}: where the dataplanes live, each one's health and contents, and the providers. */
@Command(name = "status", description = "Access, dataplanes (health, endpoint/route/policy/remote counts) and providers.")
final class StatusCommand extends CliCommand {

    /**
     * One dataplane: its health and, when it is up, what it holds and how full its bounded tables are. Counts are -1
     * when it is down.
     */
    record DataplaneStatus(DataplaneHealth health, int endpoints, int routes, int policies, int rules, int remotes,
                           List<Capability> capabilities, List<TableUsage> usage) {
    }

    /**
     * A backend table (map, flow table) against its limit: any provider statistics row with the gauges {@code used}
     * and {@code limit} (e.g. the eBPF provider's {@code ebpf.maps}).
     */
    record TableUsage(String table, long used, long limit) {
        static List<TableUsage> of(dev.uniplane.api.StatsSnapshot stats) {
            List<TableUsage> usage = new ArrayList<>();
            stats.extensions().forEach((name, ext) -> ext.rows().forEach((key, row) -> {
                Long used = row.gauges().get("used");
                Long limit = row.gauges().get("limit");
                if (used != null && limit != null) {
                    usage.add(new TableUsage(name + "/" + key, used, limit));
                }
            }));
            return usage;
        }
    }

    /** What {@code status} reports. */
    record StatusReport(String access, List<DataplaneStatus> dataplanes, List<ProviderStatus> providers) {
    }

    @Override
    ExitCode execute() {
        DataplaneAccess access = access();
        List<DataplaneStatus> dataplanes = new ArrayList<>();
        for (DataplaneHealth health : access.health()) {
            dataplanes.add(contents(access, health));
        }
        StatusReport report = new StatusReport(access.describe(), dataplanes, access.providers());
        printer().print(report, out -> printTable(report, out));
        return dataplanes.stream().allMatch(d -> d.health().up()) ? ExitCode.OK : ExitCode.UNAVAILABLE;
    }

    private static DataplaneStatus contents(DataplaneAccess access, DataplaneHealth health) {
        if (!health.up()) {
            return new DataplaneStatus(health, -1, -1, -1, -1, -1, List.of(), List.of());
        }
        try {
            Dataplane dataplane = access.dataplane(health.name());
            return new DataplaneStatus(health, dataplane.endpoints().size(), dataplane.routes().size(),
                    dataplane.policies().policies().size(), dataplane.policies().ruleCount(), dataplane.remotes().size(),
                    List.copyOf(dataplane.capabilities().values()), TableUsage.of(dataplane.stats()));
        } catch (DataplaneException e) {
            DataplaneHealth down = new DataplaneHealth(health.name(), health.provider(), false, ExceptionUtils.getMessage(e),
                    health.lastApply(), health.note());
            return new DataplaneStatus(down, -1, -1, -1, -1, -1, List.of(), List.of());
        }
    }

    private static void printTable(StatusReport report, PrintWriter out) {
        out.println("Access:      " + report.access());
        for (DataplaneStatus d : report.dataplanes()) {
            DataplaneHealth h = d.health();
            out.println("Dataplane:   " + h.name() + (h.provider().isEmpty() ? "" : " (" + h.provider() + ")") + ": "
                    + (h.up() ? "up" : "DOWN"));
            if (h.up()) {
                out.printf("  Endpoints: %d   Routes: %d   Policies: %d (%d rule%s)   Remotes: %d%n",
                        d.endpoints(), d.routes(), d.policies(), d.rules(), d.rules() == 1 ? "" : "s", d.remotes());
                for (TableUsage u : d.usage()) {
                    out.printf("  %-28s %,d / %,d (%d%%)%n", u.table(), u.used(), u.limit(),
                            u.limit() == 0 ? 0 : Math.round(100.0 * u.used() / u.limit()));
                }
            }
            if (!h.lastError().isEmpty()) {
                out.println("  Last error: " + h.lastError());
            }
            if (!h.lastApply().isEmpty()) {
                out.println("  Last apply: " + h.lastApply());
            }
            if (!h.note().isEmpty()) {
                out.println("  Note: " + h.note());
            }
        }
        out.println("Providers:");
        int width = report.providers().stream().mapToInt(p -> p.name().length()).max().orElse(0);
        for (ProviderStatus p : report.providers()) {
            out.println("  " + StringUtils.rightPad(p.name(), width) + "  "
                    + (p.availability().available() ? "available" : "unavailable: " + p.availability().cause()));
        }
    }
}
