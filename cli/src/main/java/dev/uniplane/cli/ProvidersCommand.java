package dev.uniplane.cli;

import dev.uniplane.api.Capability;
import dev.uniplane.api.ProviderStatus;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code uniplane providers}: every provider, whether it can run here (cause and hint when not), its capabilities. */
@Command(name = "providers", description = "List the providers: priority, availability (cause and hint), capabilities.")
final class ProvidersCommand extends CliCommand {

    @Override
    ExitCode execute() {
        List<ProviderStatus> providers = access().providers();
        printer().print(providers, out -> {
            Table table = new Table("NAME", "PRIORITY", "AVAILABLE", "CAPABILITIES");
            for (ProviderStatus p : providers) {
                table.row(p.name(), p.priority(), p.availability().available() ? "yes" : "no",
                        p.capabilities().values().stream().map(Capability::name).collect(Collectors.joining(",")));
            }
            table.print(out);
            providers.stream().filter(p -> !p.availability().available()).forEach(p -> {
                out.println(p.name() + ": " + p.availability().cause());
                if (!p.availability().hint().isBlank()) {
                    out.println("  hint: " + p.availability().hint());
                }
            });
        });
        return ExitCode.OK;
    }
}
