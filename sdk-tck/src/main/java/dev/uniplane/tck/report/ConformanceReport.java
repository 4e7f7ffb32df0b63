package dev.uniplane.tck.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A provider's report file, {@code target/conformance/<provider>.json}: read, merged by test id, written. */
public record ConformanceReport(String provider, List<ConformanceResult> results) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ConformanceReport {
        results = results.stream().sorted(Comparator.comparing(ConformanceResult::testId)).toList();
    }

    public static Path fileFor(Path directory, String provider) {
        return directory.resolve(provider + ".json");
    }

    public static ConformanceReport read(Path file) {
        try {
            return JSON.readValue(file.toFile(), ConformanceReport.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read conformance report " + file, e);
        }
    }

    /** Adds results to the provider's file (creating it), replacing earlier results of the same test ids. */
    public static synchronized void merge(Path directory, String provider, List<ConformanceResult> fresh) {
        Path file = fileFor(directory, provider);
        Map<String, ConformanceResult> byId = new TreeMap<>();
        if (Files.exists(file)) {
            read(file).results().forEach(r -> byId.put(r.testId(), r));
        }
        fresh.forEach(r -> byId.put(r.testId(), r));
        try {
            Files.createDirectories(directory);
            Path tmp = Files.createTempFile(directory, provider, ".tmp");
            JSON.writeValue(tmp.toFile(), new ConformanceReport(provider, new ArrayList<>(byId.values())));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write conformance report " + file, e);
        }
    }

    /** Every report under {@code <root>/<module>/target/conformance/}, ordered by module and provider. */
    public static List<ConformanceReport> findAll(Path root) {
        List<ConformanceReport> reports = new ArrayList<>();
        try (var modules = Files.list(root)) {
            for (Path module : modules.sorted().toList()) {
                Path dir = module.resolve("target/conformance");
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (var files = Files.list(dir)) {
                    files.filter(f -> f.toString().endsWith(".json")).sorted().forEach(f -> reports.add(read(f)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan " + root, e);
        }
        return reports;
    }
}
