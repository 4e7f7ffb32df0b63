package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.provider.ovsdpdk.internal.state.SavedState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state file of one dataplane, {@code /run/uniplane/ovsdpdk-<name>.json}: rewritten after every change, read by the
 * next open of the name (in any JVM), deleted by destroy. Failures to write are logged: the dataplane keeps working.
 */
final class StateFile {
    private static final Logger LOG = LoggerFactory.getLogger(StateFile.class);
    static final Path ROOT = Path.of("/run/uniplane");

    private final String dataplane;
    private final Path path;

    StateFile(String dataplane) {
        this.dataplane = dataplane;
        this.path = pathOf(dataplane);
    }

    static Path pathOf(String dataplane) {
        return ROOT.resolve("ovsdpdk-" + dataplane + ".json");
    }

    Path path() {
        return path;
    }

    /** The saved state, or empty when there is none or it cannot be read (then the dataplane starts empty). */
    Optional<SavedState> read() {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        try {
            return Optional.of(SavedState.read(path));
        } catch (RuntimeException e) {
            LOG.warn("ignoring unreadable state {}: {}", path, e.getMessage());
            return Optional.empty();
        }
    }

    /** Writes the state (atomically); a failure, also one of building it, is logged. */
    void write(Supplier<SavedState> state) {
        try {
            state.get().write(path);
        } catch (RuntimeException e) {
            LOG.warn("cannot write the state of {} to {}: {}", dataplane, path, e.getMessage());
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", path, e.getMessage());
        }
    }
}
