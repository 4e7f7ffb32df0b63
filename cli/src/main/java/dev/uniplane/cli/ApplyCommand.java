package dev.uniplane.cli;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Plan;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uniplane apply -f state.yaml [--dry-run]}: makes the dataplane hold exactly the file's state, through
 * {@link Dataplane#plan} and {@link Dataplane#apply} (all or nothing; a conflict when the state changed in between).
 */
@Command(name = "apply", description = "Make the dataplane hold exactly the state in FILE, all or nothing.")
final class ApplyCommand extends CliCommand {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "Desired state (YAML or JSON).")
    Path file;

    @Option(names = "--dry-run", description = "Print the plan only (as `plan` does).")
    boolean dryRun;

    @Override
    ExitCode execute() {
        DesiredState desired = new SpecReader().readState(file);
        Progress progress = progress();
        progress.step("opening dataplane");
        Dataplane dataplane = dataplane();
        progress.done();
        Plan plan = dataplane.plan(desired);
        boolean apply = !dryRun && !plan.isEmpty();
        if (apply) {
            progress.step("applying " + plan.size() + " change" + (plan.size() == 1 ? "" : "s"));
            try {
                dataplane.apply(plan);
            } catch (RuntimeException e) {
                progress.abandon();
                throw e;
            }
            progress.done();
        }
        PlanReport report = PlanReport.of(plan, apply);
        printer().print(report, out -> {
            new PlanPrinter(ansi()).print(report, out);
            if (apply) {
                out.println("Applied.");
            } else if (dryRun && !plan.isEmpty()) {
                out.println("Dry run: nothing changed.");
            }
        });
        return ExitCode.OK;
    }
}
