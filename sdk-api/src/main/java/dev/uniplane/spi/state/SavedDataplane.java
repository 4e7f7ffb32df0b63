package dev.uniplane.spi.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.spi.StateFiles;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link dev.uniplane.spi.AbstractDataplane} writes after every successful change of a dataplane that keeps a
 * saved state, so that the next open of its name, in this or another process, can adopt it: the user's desired state,
 * per endpoint the {@link Endpoint} the backend returned and a record of the provider's (what it needs to find its
 * objects again: a host veth, an ifindex, a counter slot, an OpenFlow port…), and one provider-level record. JSON
 * through {@link StateFiles}, in {@code /run/uniplane/<provider>-<name>.json} ({@link #file}).
 *
 * <p>The provider's records are stored as JSON trees: a provider passes its own record types and reads them back with
 * {@link #backend(Class)} and {@link SavedEndpoint#backend(Class)} (its record package must be open to Jackson).
 *
 * @param version   format version ({@link #VERSION})
 * @param provider  the provider's name
 * @param name      the dataplane's name
 * @param desired   the configuration in force, as {@code Dataplane.currentState()} reported it
 * @param endpoints the attached endpoints in attach order, with the provider's record of each
 * @param backend   the provider-level record, or null
 */
public record SavedDataplane(int version, String provider, String name, DesiredState desired, List<SavedEndpoint> endpoints,
                             JsonNode backend) {

    /** The format this code writes and reads. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = StateFiles.newMapper();

    /** Copies the endpoint list. */
    public SavedDataplane {
        endpoints = List.copyOf(endpoints);
    }

    /**
     * One attached endpoint.
     *
     * @param endpoint what the backend returned for it
     * @param backend  the provider's record of it, or null
     */
    public record SavedEndpoint(Endpoint endpoint, JsonNode backend) {
        /** The provider's record, read as {@code type}; empty when there is none. */
        public <T> Optional<T> backend(Class<T> type) {
            return convert(backend, type);
        }
    }

    /** A saved state of the current format, turning the provider's records into JSON trees. */
    public static SavedDataplane of(String provider, String name, DesiredState desired, List<Endpoint> endpoints,
                                    java.util.function.Function<Endpoint, Object> endpointRecord, Object backend) {
        return new SavedDataplane(VERSION, provider, name, desired,
                endpoints.stream().map(e -> new SavedEndpoint(e, tree(endpointRecord.apply(e)))).toList(), tree(backend));
    }

    /** The provider-level record, read as {@code type}; empty when there is none. */
    public <T> Optional<T> backend(Class<T> type) {
        return convert(backend, type);
    }

    /** The saved endpoint {@code id}. */
    public Optional<SavedEndpoint> endpoint(EndpointId id) {
        return endpoints.stream().filter(e -> e.endpoint().id().equals(id)).findFirst();
    }

    /** {@code /run/uniplane/<provider>-<name>.json}. */
    public static Path file(String provider, String name) {
        return StateFiles.DIRECTORY.resolve(provider + "-" + name + ".json");
    }

    /**
     * Reads {@code file}: empty when there is none.
     *
     * @throws UncheckedIOException naming the file when it does not parse
     * @throws IllegalStateException naming the file when it has another format version
     */
    public static Optional<SavedDataplane> read(Path file) {
        return StateFiles.read(file, SavedDataplane.class, SavedDataplane::version, VERSION);
    }

    /** Replaces {@code file} atomically ({@link StateFiles#write}). */
    public void write(Path file) {
        StateFiles.write(file, this);
    }

    /** As JSON text would read back (an int field is not a long node), so that a written state equals the one read. */
    private static JsonNode tree(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.readTree(JSON.writeValueAsBytes(value));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
        }
    }

    private static <T> Optional<T> convert(JsonNode node, Class<T> type) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.treeToValue(node, type));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("the saved state has no valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UncheckedIOException("the saved state has no valid " + type.getSimpleName() + ": " + e.getMessage(),
                    new java.io.IOException(e));
        }
    }
}
