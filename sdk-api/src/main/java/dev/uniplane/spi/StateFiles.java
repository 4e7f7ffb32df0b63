package dev.uniplane.spi;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * The state file a provider keeps so that the next {@code open} of the same dataplane name, in another process, can
 * adopt what the user configured: JSON of the API's model types ({@code AttachSpec}, {@code Route}, {@code PolicySet},
 * {@code RemoteEndpoint}, {@code DesiredState}, …) inside a provider's own record, written atomically.
 *
 * <p>Format: Jackson's default mapping of records, with the sealed {@link Peer} and {@link NextHop} variants tagged by
 * a {@code "kind"} property ({@code selector}/{@code cidr}, {@code gateway}/{@code endpoint}/{@code drop}); unknown
 * properties are ignored on read, so a field added later does not make an older file unreadable.
 *
 * <p><b>Dependency:</b> sdk-api declares {@code jackson-databind} as an <em>optional</em> dependency (and
 * {@code requires static} in its module descriptor), so applications that only use the API do not get Jackson. A
 * provider that uses this class must depend on {@code com.fasterxml.jackson.core:jackson-databind} itself (and, as a
 * module, {@code requires com.fasterxml.jackson.databind} and open its own state records' package to it).
 */
public final class StateFiles {
    /** Where providers keep their state files: {@code /run/uniplane} (a tmpfs, so a reboot forgets it, as it should). */
    public static final Path DIRECTORY = Path.of("/run/uniplane");

    private static final ObjectMapper JSON = newMapper();

    private StateFiles() {
    }

    /**
     * A new mapper configured for the model types: the {@code "kind"} tags of {@link Peer} and {@link NextHop},
     * unknown properties ignored. A fresh instance each call, so a caller may configure it further.
     */
    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .addMixIn(Peer.class, PeerTypes.class)
                .addMixIn(NextHop.class, NextHopTypes.class);
    }

    /**
     * Reads {@code file} as a {@code type}.
     *
     * @return empty when the file does not exist
     * @throws UncheckedIOException naming the file when it exists but cannot be read or does not parse as {@code type}
     */
    public static <T> Optional<T> read(Path file, Class<T> type) {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), type));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (JsonProcessingException e) {
            // one line: Jackson's own message spans several (it quotes the source)
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new UncheckedIOException("cannot read the dataplane state " + file + ": " + e.getOriginalMessage() + where, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dataplane state " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // a model constructor refused a value (InvalidSpecException): the file is as unusable as a syntax error
            throw new UncheckedIOException("cannot read the dataplane state " + file + ": " + e.getMessage(), new IOException(e));
        }
    }

    /**
     * Reads {@code file} as a {@code type} written in format version {@code expected}.
     *
     * @param version the format version a read value carries
     * @return empty when the file does not exist
     * @throws UncheckedIOException naming the file when it exists but cannot be read or does not parse as {@code type}
     * @throws IllegalStateException naming the file and both versions when it has another format version
     */
    public static <T> Optional<T> read(Path file, Class<T> type, ToIntFunction<T> version, int expected) {
        Optional<T> state = read(file, type);
        state.ifPresent(s -> {
            if (version.applyAsInt(s) != expected) {
                throw new IllegalStateException(file + " has format version " + version.applyAsInt(s) + ", expected " + expected);
            }
        });
        return state;
    }

    /**
     * Writes {@code state} to {@code file} atomically: into a temporary file next to it, then renamed over it, so a
     * reader (or a process killed mid-write) sees the old or the new content, never a part. Creates the directory.
     * No fsync: the files live on a tmpfs ({@link #DIRECTORY}) that does not outlive the machine anyway.
     *
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public static void write(Path file, Object state) {
        Path tmp = null;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(state));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write the dataplane state " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes {@code file} when it exists.
     *
     * @return whether there was a file to delete
     * @throws UncheckedIOException naming the file when it cannot be deleted
     */
    public static boolean delete(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the dataplane state " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp == null) {
            return;
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // the original failure is the one worth reporting
        }
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({@JsonSubTypes.Type(value = Peer.Selector.class, name = "selector"),
            @JsonSubTypes.Type(value = Peer.Cidr.class, name = "cidr")})
    private interface PeerTypes {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({@JsonSubTypes.Type(value = NextHop.Gateway.class, name = "gateway"),
            @JsonSubTypes.Type(value = NextHop.ToEndpoint.class, name = "endpoint"),
            @JsonSubTypes.Type(value = NextHop.Drop.class, name = "drop")})
    private interface NextHopTypes {
    }
}
