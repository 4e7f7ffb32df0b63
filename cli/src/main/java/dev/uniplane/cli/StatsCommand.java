package dev.uniplane.cli;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.StatsSnapshot;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uniplane stats [--watch 1s]}: endpoint and rule counters with rates and drop reasons; with {@code --watch}
 * a table redrawn in place on a terminal, or one JSON line per refresh under {@code -o json}.
 */
@Command(name = "stats", description = "Endpoint and rule counters, rates (pps, bps) and drop reasons.")
final class StatsCommand extends CliCommand {
    @Option(names = "--watch", paramLabel = "PERIOD", converter = DurationConverter.class, arity = "0..1", fallbackValue = "1s",
            description = "Refresh every PERIOD (default 1s) until interrupted.")
    Duration watch;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "With --watch: stop after N refreshes (0 = never).")
    int count;

    @Override
    ExitCode execute() {
        Dataplane dataplane = dataplane();
        Printer printer = printer();
        if (watch == null) {
            StatsReport report = StatsReport.of(dataplane.stats(), null);
            printer.print(report, report::printTable);
            return ExitCode.OK;
        }
        boolean redraw = options().interactive();
        StatsSnapshot previous = null;
        for (int n = 0; count == 0 || n < count; n++) {
            StatsSnapshot now = dataplane.stats();
            StatsReport report = StatsReport.of(now, previous);
            previous = now;
            switch (printer.format()) {
                case JSON -> printer.printJsonLine(report);
                case YAML -> {
                    out().println("---");
                    printer.print(report, o -> { });
                }
                case TABLE -> {
                    if (redraw) {
                        out().print("\033[H\033[2J");
                    } else if (n > 0) {
                        out().println();
                    }
                    out().println("Every " + watch.toMillis() + " ms, " + report.takenAt());
                    report.printTable(out());
                    out().flush();
                }
            }
            if (count != 0 && n == count - 1) {
                break;
            }
            try {
                Thread.sleep(watch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return ExitCode.OK;
    }
}
