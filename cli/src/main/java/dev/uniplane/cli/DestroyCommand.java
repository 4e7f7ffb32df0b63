package dev.uniplane.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uniplane destroy --yes}: removes everything the dataplane programmed (endpoints, routes, policies, pins). */
@Command(name = "destroy", description = "Remove everything the dataplane programmed, including state kept across restarts.")
final class DestroyCommand extends CliCommand {
    @Option(names = "--yes", required = true, description = "Confirm: the dataplane's endpoints lose connectivity.")
    boolean yes;

    @Override
    ExitCode execute() {
        String name = options().settings().dataplanes().getFirst();
        dataplane().destroy();
        printer().print(Map.of("destroyed", name), out -> out.println("destroyed dataplane " + name));
        return ExitCode.OK;
    }
}
