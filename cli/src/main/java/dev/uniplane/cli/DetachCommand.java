package dev.uniplane.cli;

import dev.uniplane.api.EndpointId;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code uniplane detach ID}. */
@Command(name = "detach", description = "Detach an endpoint (also when its namespace is gone).")
final class DetachCommand extends CliCommand {
    @Parameters(paramLabel = "ID", description = "Endpoint id.")
    String id;

    @Override
    ExitCode execute() {
        dataplane().detach(EndpointId.of(id));
        printer().print(Map.of("detached", id), out -> out.println("detached " + id));
        return ExitCode.OK;
    }
}
