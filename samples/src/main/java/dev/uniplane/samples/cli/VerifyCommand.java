package dev.uniplane.samples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.Dataplanes;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.spi.Drift;
import dev.uniplane.spi.state.SavedDataplane;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code uniplane verify}: adopts a running dataplane (its provider must survive a restart of the controlling JVM),
 * compares what it should hold with what its backend really holds ({@link Drift#of}), and closes it again without
 * destroying it, so it keeps forwarding. Exit code 0: no drift; 3: drift; 1: it could not be verified.
 */
@Command(name = "verify", description = "Compare a running dataplane's desired state with what its backend holds; "
        + "exit 0 when they match, 3 on drift, 1 when it cannot be verified. The dataplane keeps running.")
public final class VerifyCommand implements Callable<Integer> {
    /** Exit code when the backend differs from the desired state. */
    public static final int DRIFT = 3;
    /** Exit code when the dataplane could not be verified (no such provider or dataplane, no inspector). */
    public static final int NOT_VERIFIED = 1;

    /** Output formats of {@code -o}. */
    public enum Format { text, json }

    @Spec
    CommandSpec spec;

    @Option(names = "--provider", required = true, description = "The provider that runs the dataplane, e.g. ebpf.")
    String provider;

    @Option(names = "--name", required = true, description = "The dataplane's name, as it was opened.")
    String name;

    @Option(names = "--host-netns", description = "The node's network namespace path, as the dataplane was opened with.")
    String hostNetns;

    @Option(names = "--uplink", description = "The uplink interface, as the dataplane was opened with.")
    String uplink;

    @Option(names = "--option", description = "A provider option key=value, as the dataplane was opened with (repeatable).")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text (one line per difference) or json.")
    Format format;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Optional<DataplaneProvider> found = Dataplanes.discover().provider(provider);
        Optional<String> refused = refusal(found);
        if (refused.isPresent()) {
            return print(out, NOT_VERIFIED, List.of(), refused.get());
        }
        DataplaneConfig.Builder config = DataplaneConfig.builder().provider(provider).name(name);
        if (hostNetns != null) {
            config.hostNetns(hostNetns);
        }
        if (uplink != null) {
            config.uplink(uplink);
        }
        options.forEach(config::option);
        List<String> drift;
        // close(), never destroy(): verifying must leave the dataplane forwarding as it was.
        try (Dataplane dataplane = found.orElseThrow().open(config.build())) {
            drift = Drift.of(dataplane);
        } catch (DataplaneException e) { // InspectionUnsupportedException included
            return print(out, NOT_VERIFIED, List.of(), e.getMessage());
        }
        return print(out, drift.isEmpty() ? 0 : DRIFT, drift, null);
    }

    /** Why this dataplane cannot be verified at all, before anything is opened. */
    private Optional<String> refusal(Optional<DataplaneProvider> found) {
        if (found.isEmpty()) {
            return Optional.of("no provider named " + provider + " (see uniplane providers)");
        }
        DataplaneProvider p = found.get();
        if (!p.capabilities().has(Capability.RESTART_SURVIVAL)) {
            return Optional.of("provider " + provider + " does not survive a restart of its JVM (no RESTART_SURVIVAL), "
                    + "so another process cannot adopt its dataplanes");
        }
        Availability availability = p.probe();
        if (!availability.available()) {
            return Optional.of("provider " + provider + " is unavailable: " + availability.describe());
        }
        // Opening a name that is not running would create an empty dataplane; there is nothing to verify.
        if (!Files.exists(SavedDataplane.file(provider, name))) {
            return Optional.of("no running dataplane " + name + " of provider " + provider + " (no " + SavedDataplane.file(provider, name) + ")");
        }
        return Optional.empty();
    }

    private int print(PrintWriter out, int exitCode, List<String> drift, String error) {
        if (format == Format.json) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("provider", provider);
            report.put("name", name);
            report.put("verified", error == null);
            report.put("drift", drift);
            if (error != null) {
                report.put("error", error);
            }
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the verify report as JSON", e);
            }
        } else if (error != null) {
            out.println("cannot verify: " + error);
        } else if (drift.isEmpty()) {
            out.println("no drift: the " + provider + " backend of " + name + " holds exactly its desired state");
        } else {
            drift.forEach(out::println);
        }
        out.flush();
        return exitCode;
    }
}
