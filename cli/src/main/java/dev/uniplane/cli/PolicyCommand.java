package dev.uniplane.cli;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.Direction;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.Plan;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uniplane policy get [NAME] | apply -f policies.yaml}. */
@Command(name = "policy", description = "Show the policy set or replace it from a file.",
        subcommands = {PolicyCommand.GetPolicies.class, PolicyCommand.ApplyPolicies.class})
final class PolicyCommand extends CliCommand {
    @Override
    ExitCode execute() {
        spec.commandLine().usage(out());
        return ExitCode.USAGE;
    }

    /** {@code policy get [NAME]}: a table, or the policies as YAML/JSON (the format {@code policy apply -f} reads). */
    @Command(name = "get", description = "Show the policies (all, or one by name).")
    static final class GetPolicies extends CliCommand {
        @Parameters(paramLabel = "NAME", arity = "0..1", description = "One policy's name.")
        String name;

        @Override
        ExitCode execute() {
            PolicySet set = dataplane().policies();
            List<Policy> policies = name == null ? set.policies()
                    : List.of(set.policy(name).orElseThrow(() -> new NotFoundException("no policy named " + name)));
            printer().print(new PolicySet(policies), out -> {
                Table table = new Table("NAME", "SELECTOR", "INGRESS", "EGRESS");
                policies.forEach(p -> table.row(p.name(), Text.selector(p.selector()), rules(p, Direction.INGRESS), rules(p, Direction.EGRESS)));
                table.print(out);
            });
            return ExitCode.OK;
        }

        private static String rules(Policy policy, Direction direction) {
            return policy.rules(direction).map(r -> r.size() + " rule" + (r.size() == 1 ? "" : "s")).orElse("-");
        }
    }

    /** {@code policy apply -f FILE}: replaces the whole set atomically. */
    @Command(name = "apply", description = "Replace the whole policy set with the list in FILE, atomically.")
    static final class ApplyPolicies extends CliCommand {
        @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "A YAML/JSON list of policies.")
        Path file;

        @Option(names = "--dry-run", description = "Print what would change only.")
        boolean dryRun;

        @Override
        ExitCode execute() {
            PolicySet policies = new SpecReader().readPolicies(file);
            Dataplane dataplane = dataplane();
            PolicySet current = dataplane.policies();
            Plan plan = Plan.between(dev.uniplane.api.DesiredState.empty().withPolicies(current),
                    dev.uniplane.api.DesiredState.empty().withPolicies(policies));
            boolean apply = !dryRun && !plan.isEmpty();
            if (apply) {
                dataplane.applyPolicies(policies);
            }
            PlanReport report = PlanReport.of(plan, apply);
            printer().print(report, out -> new PlanPrinter(ansi()).print(report, out));
            return ExitCode.OK;
        }
    }
}
