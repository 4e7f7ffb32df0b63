package dev.uniplane.samples.cli;

import dev.uniplane.api.Dataplanes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code uniplane providers}: which providers are installed, which can run here, and why not. */
@Command(name = "providers", description = "List the discovered providers: priority, availability (cause and hint), capabilities.")
public final class ProvidersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        ProvidersReport report = ProvidersReport.of(Dataplanes.discover());
        if (json) {
            report.printJson(spec.commandLine().getOut());
        } else {
            report.printTable(spec.commandLine().getOut());
        }
        return 0;
    }
}
