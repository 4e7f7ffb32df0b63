package dev.uniplane.cli;

import dev.uniplane.api.DesiredState;
import picocli.CommandLine.Command;

/** {@code uniplane get state}: the current state in the format {@code apply -f} reads. */
@Command(name = "get", description = "Write the dataplane's current state.", subcommands = GetCommand.GetState.class)
final class GetCommand extends CliCommand {
    @Override
    ExitCode execute() {
        spec.commandLine().usage(out());
        return ExitCode.USAGE;
    }

    /** {@code get state}: YAML unless {@code -o json}; applying it again is a no-op plan. */
    @Command(name = "state", description = "The current state as YAML (or -o json), ready for `apply -f`.")
    static final class GetState extends CliCommand {
        @Override
        ExitCode execute() {
            DesiredState state = dataplane().currentState();
            Printer printer = printer();
            if (printer.table()) {
                printer = new Printer(OutputFormat.YAML, out());
            }
            printer.print(state, out -> { });
            return ExitCode.OK;
        }
    }
}
