package dev.uniplane.agent;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
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
import java.util.ArrayList;
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
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidSpecException("config", file.toString(), "no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (text.isBlank()) {
            return empty();
        }
        try {
            FileModel model = yaml.readValue(text, FileModel.class);
            if (model == null) {
                return empty();
            }
            return new AgentConfig(model.socket() == null ? null : Path.of(model.socket()),
                    model.dataplanes() == null ? List.of() : model.dataplanes().stream().map(DataplaneEntry::config).toList());
        } catch (InvalidSpecException e) {
            // across entries (a duplicate name): placed at the entry its field names
            String pointer = "/" + e.field().replace("].", "/").replace("[", "/").replace("]", "").replace('.', '/');
            throw new InvalidSpecException(where(file, text, pointer) + ": " + e.field(), new Raw(e.value()), e.problem());
        } catch (JsonProcessingException e) {
            throw located(file, text, e);
        }
    }

    /**
     * The error of a malformed file as {@code FILE:LINE:COLUMN: field=value: problem}. The position is found again by
     * the field's path: the parser's own position at the error is the end of the entry, not the field.
     */
    private static InvalidSpecException located(Path file, String text, JsonProcessingException e) {
        List<String> path = e instanceof JsonMappingException m ? path(m) : List.of();
        if (e instanceof UnrecognizedPropertyException u) {
            return new InvalidSpecException(where(file, text, pointer(path)) + ": " + field(path), u.getPropertyName(),
                    "unknown field (known: " + new TreeSet<>(u.getKnownPropertyIds().stream().map(String::valueOf).toList()) + ")");
        }
        if (e.getCause() instanceof InvalidSpecException spec) {
            // thrown by a record constructor below: the model's own message, placed at its field in the file
            List<String> at = new ArrayList<>(path);
            at.add(spec.field());
            return new InvalidSpecException(where(file, text, pointer(at)) + ": " + field(at), new Raw(spec.value()), spec.problem());
        }
        JsonLocation loc = e.getLocation();
        String where = loc == null ? file.toString() : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
        return new InvalidSpecException(where + ": " + field(path), null, e.getOriginalMessage());
    }

    /** {@code FILE:LINE:COLUMN} of the node at {@code pointer}, or of its nearest enclosing node. */
    private static String where(Path file, String text, String pointer) {
        for (String p = pointer; ; p = p.substring(0, p.lastIndexOf('/'))) {
            JsonLocation at = locate(text, p);
            if (at != null) {
                return file + ":" + at.getLineNr() + ":" + at.getColumnNr();
            }
            if (p.isEmpty()) {
                return file.toString();
            }
        }
    }

    private static JsonLocation locate(String text, String pointer) {
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            while (p.nextToken() != null) {
                if (p.getParsingContext().pathAsPointer().toString().equals(pointer)) {
                    return p.currentTokenLocation();
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Jackson's path as segments: field names and list indexes. */
    private static List<String> path(JsonMappingException e) {
        List<String> segments = new ArrayList<>();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getIndex() >= 0) {
                segments.add(Integer.toString(r.getIndex()));
            } else if (r.getFieldName() != null) {
                segments.add(r.getFieldName());
            }
        }
        return segments;
    }

    private static String pointer(List<String> path) {
        return path.isEmpty() ? "" : "/" + String.join("/", path);
    }

    /** The path in the model's field notation: {@code dataplanes[0].options}. */
    private static String field(List<String> path) {
        StringBuilder sb = new StringBuilder();
        for (String s : path) {
            if (s.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(s).append(']');
            } else {
                sb.append(sb.isEmpty() ? "" : ".").append(s);
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
