package dev.uniplane.agent;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The agent's configuration file ({@code agent.yaml}):
 *
 * <pre>
 * socket: /run/uniplane/agent.sock      # optional; --socket overrides it
 * dataplanes:
 *   - name: node1                       # DataplaneConfig.name
 *     provider: ebpf                    # optional: the best available provider when absent
 *     hostNetns: /run/netns/node1       # optional
 *     uplink: eth1                      # optional
 *     options:                          # optional, provider-specific
 *       maps.routes: "65536"
 * </pre>
 *
 * Unknown fields are errors; every error names the file, line and column, the field and the value.
 *
 * @param socket     the socket to serve on, or {@code null} for the default (or --socket)
 * @param dataplanes the dataplanes the agent opens at start (and reopens after a restart)
 */
public record AgentConfig(Path socket, List<DataplaneConfig> dataplanes) {
    public AgentConfig {
        dataplanes = List.copyOf(dataplanes);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < dataplanes.size(); i++) {
            if (!names.add(dataplanes.get(i).name())) {
                throw new InvalidSpecException("dataplanes[" + i + "].name", dataplanes.get(i).name(), "duplicate dataplane name");
            }
        }
    }

    /** No dataplanes, default socket. */
    public static AgentConfig empty() {
        return new AgentConfig(null, List.of());
    }

    /**
     * Reads a configuration file.
     *
     * @throws InvalidSpecException naming {@code FILE:LINE:COLUMN}, the field and the value when the file is malformed
     */
    public static AgentConfig read(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        try {
            FileModel model = yaml.readValue(Files.readString(file), FileModel.class);
            if (model == null) {
                return empty();
            }
            return new AgentConfig(model.socket() == null ? null : Path.of(model.socket()),
                    model.dataplanes() == null ? List.of() : model.dataplanes().stream().map(DataplaneEntry::config).toList());
        } catch (NoSuchFileException e) {
            throw new InvalidSpecException("config", file.toString(), "no such file");
        } catch (JsonProcessingException e) {
            throw located(file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The error of a malformed file as {@code FILE:LINE:COLUMN: field=value: problem}. */
    private static InvalidSpecException located(Path file, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = file + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr());
        String field = e instanceof JsonMappingException m ? path(m) : "";
        if (e instanceof UnrecognizedPropertyException u) {
            return new InvalidSpecException(where + ": " + field, u.getPropertyName(),
                    "unknown field (known: " + new TreeSet<>(u.getKnownPropertyIds().stream().map(String::valueOf).toList()) + ")");
        }
        Throwable cause = e.getCause();
        if (cause instanceof InvalidSpecException spec) {
            // thrown by a record constructor below: the model's own message, placed in the file
            return new InvalidSpecException(where + ": " + field + "." + spec.field(), new Raw(spec.value()), spec.problem());
        }
        return new InvalidSpecException(where + ": " + field, null, e.getOriginalMessage());
    }

    /** Jackson's path ({@code dataplanes[0].options}) in the model's field notation. */
    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            } else if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            }
        }
        return sb.toString();
    }

    /** A value already rendered by an InvalidSpecException. */
    private record Raw(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** The file's top level as Jackson reads it. */
    record FileModel(String socket, List<DataplaneEntry> dataplanes) {
    }

    /** One dataplane entry; building the {@link DataplaneConfig} here makes Jackson report a bad value's location. */
    record DataplaneEntry(String name, String provider, String hostNetns, String uplink, Map<String, String> options) {
        DataplaneEntry {
            config(name, provider, hostNetns, uplink, options);
        }

        DataplaneConfig config() {
            return config(name, provider, hostNetns, uplink, options);
        }

        private static DataplaneConfig config(String name, String provider, String hostNetns, String uplink, Map<String, String> options) {
            if (name == null) {
                throw new InvalidSpecException("name", null, "every dataplane needs a name");
            }
            DataplaneConfig.Builder b = DataplaneConfig.builder().name(name).provider(provider).hostNetns(hostNetns).uplink(uplink);
            if (options != null) {
                options.forEach(b::option);
            }
            return b.build();
        }
    }
}
