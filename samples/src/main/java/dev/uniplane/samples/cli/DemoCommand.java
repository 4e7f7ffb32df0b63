package dev.uniplane.samples.cli;

import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplanes;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.api.UnsupportedCapabilityException;
import dev.uniplane.samples.Demo;
import dev.uniplane.spi.DataplaneProvider;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code uniplane demo}: runs {@link Demo} on the best available provider that has {@link Demo#REQUIRED}. When none
 * can run it, says so, shows why per provider, and exits 0 (nothing failed; nothing is available yet).
 */
@Command(name = "demo", description = "Attach two workloads, allow one port, deny another, send traffic and print stats.")
public final class DemoCommand implements Callable<Integer> {
    /** What {@link Dataplanes#select} names in its exception when no provider was forced. */
    private static final String ANY_PROVIDER = "(any)";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Dataplanes dataplanes = Dataplanes.discover();
        DataplaneProvider provider;
        try {
            provider = dataplanes.select(Demo.REQUIRED.toArray(Capability[]::new));
        } catch (ProviderUnavailableException | UnsupportedCapabilityException e) {
            out.println("no provider can run the demo yet (it needs " + Demo.REQUIRED + ")");
            boolean forcedProvider = !(e instanceof ProviderUnavailableException u) || !u.provider().equals(ANY_PROVIDER);
            if (forcedProvider) {
                out.println(e.getMessage());
            }
            out.println();
            ProvidersReport.of(dataplanes).printTable(out);
            return 0;
        }
        return new Demo(provider, out).run() ? 0 : 1;
    }
}
