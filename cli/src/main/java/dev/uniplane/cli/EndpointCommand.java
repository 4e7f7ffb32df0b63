package dev.uniplane.cli;

import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.NotFoundException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code uniplane endpoint list|get}. */
@Command(name = "endpoint", description = "Show attached endpoints.", subcommands = {EndpointCommand.ListEndpoints.class, EndpointCommand.GetEndpoint.class})
final class EndpointCommand extends CliCommand {
    @Override
    ExitCode execute() {
        spec.commandLine().usage(out());
        return ExitCode.USAGE;
    }

    static void table(List<Endpoint> endpoints, java.io.PrintWriter out) {
        Table table = new Table("ID", "KIND", "HOST-IF", "ADDRESSES", "MAC", "LABELS");
        endpoints.forEach(e -> table.row(e.id(), e.kind(), e.hostInterface(), Text.addresses(e.spec().addresses()), e.mac(), Text.labels(e.labels())));
        table.print(out);
    }

    /** {@code endpoint list}. */
    @Command(name = "list", description = "List the attached endpoints.")
    static final class ListEndpoints extends CliCommand {
        @Override
        ExitCode execute() {
            List<Endpoint> endpoints = dataplane().endpoints();
            printer().print(endpoints, out -> table(endpoints, out));
            return ExitCode.OK;
        }
    }

    /** {@code endpoint get ID}. */
    @Command(name = "get", description = "Show one endpoint.")
    static final class GetEndpoint extends CliCommand {
        @Parameters(paramLabel = "ID", description = "The endpoint id.")
        String id;

        @Override
        ExitCode execute() {
            Endpoint endpoint = dataplane().endpoint(EndpointId.of(id))
                    .orElseThrow(() -> new NotFoundException("endpoint " + id + " is not attached"));
            printer().print(endpoint, out -> {
                table(List.of(endpoint), out);
                out.println("netns: " + endpoint.spec().netns() + "   interface: " + endpoint.spec().interfaceName()
                        + "   gateway MAC: " + endpoint.gatewayMac());
            });
            return ExitCode.OK;
        }
    }
}
