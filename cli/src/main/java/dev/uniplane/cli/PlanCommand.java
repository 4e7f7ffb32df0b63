package dev.uniplane.cli;

import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Plan;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uniplane plan -f state.yaml}: what apply would change; changes nothing. */
@Command(name = "plan", description = "Show what `apply -f FILE` would add, change and remove; changes nothing.")
final class PlanCommand extends CliCommand {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "Desired state (YAML or JSON).")
    Path file;

    @Option(names = "--detailed-exitcode", description = "Exit with 10 when the plan has changes, 0 when it has none.")
    boolean detailedExitCode;

    @Override
    ExitCode execute() {
        DesiredState desired = new SpecReader().readState(file);
        Plan plan = dataplane().plan(desired);
        PlanReport report = PlanReport.of(plan, false);
        printer().print(report, out -> new PlanPrinter(ansi()).print(report, out));
        return detailedExitCode && !plan.isEmpty() ? ExitCode.CHANGES_PENDING : ExitCode.OK;
    }
}
