package dev.uniplane.samples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.uniplane.api.Dataplanes;
import java.io.PrintWriter;
import java.util.List;

/**
 * What {@code uniplane providers} prints: every discovered provider with its availability, as a text table or JSON.
 *
 * @param providers  discovered providers, highest priority first
 * @param loadErrors provider jars that failed to load
 */
public record ProvidersReport(List<ProviderRow> providers, List<String> loadErrors) {

    public ProvidersReport {
        providers = List.copyOf(providers);
        loadErrors = List.copyOf(loadErrors);
    }

    /** Probes every provider {@code dataplanes} found. */
    public static ProvidersReport of(Dataplanes dataplanes) {
        return new ProvidersReport(dataplanes.list().stream().map(ProviderRow::of).toList(), dataplanes.loadErrors());
    }

    /** A table: one line per provider, then its cause and hint indented below it when it is unavailable. */
    public void printTable(PrintWriter out) {
        if (providers.isEmpty()) {
            out.println("no Uniplane provider found on the class path");
        }
        int nameWidth = Math.max("NAME".length(), providers.stream().mapToInt(p -> p.name().length()).max().orElse(0));
        String format = "%-" + nameWidth + "s  %8s  %-9s  %s%n";
        String indent = " ".repeat(nameWidth + 2);
        out.printf(format, "NAME", "PRIORITY", "AVAILABLE", "CAPABILITIES");
        for (ProviderRow p : providers) {
            out.printf(format, p.name(), p.priority(), p.available() ? "yes" : "no", String.join(", ", p.capabilities()));
            if (!p.available()) {
                out.println(indent + "cause: " + p.cause());
                if (!p.hint().isBlank()) {
                    out.println(indent + "hint:  " + p.hint());
                }
            }
        }
        for (String error : loadErrors) {
            out.println("failed to load a provider: " + error);
        }
        out.flush();
    }

    public void printJson(PrintWriter out) {
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the providers report as JSON", e);
        }
        out.flush();
    }
}
