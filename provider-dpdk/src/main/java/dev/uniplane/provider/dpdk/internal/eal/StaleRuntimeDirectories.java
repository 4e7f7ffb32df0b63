package dev.uniplane.provider.dpdk.internal.eal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EAL runtime directories ({@code /var/run/dpdk/upd<pid>_<hex>}, {@link EalArguments#newFilePrefix()}) of JVMs that died
 * without running their shutdown hook (SIGKILL, a crash): EAL never removes them itself, so the next dataplane open
 * does. Only our own prefix pattern, and only when no process with that pid is alive (a reused pid keeps its
 * directory: a leak, never a removal under a live EAL).
 */
public final class StaleRuntimeDirectories {
    private static final Logger LOG = LoggerFactory.getLogger(StaleRuntimeDirectories.class);
    private static final Pattern OURS = Pattern.compile("upd(\\d+)_[0-9a-f]{6}");

    private StaleRuntimeDirectories() {
    }

    /** Removes the stale directories next to where this JVM's EAL keeps (or would keep) its own; returns them. */
    public static List<Path> remove() {
        return remove(Eal.runtimeDirectory("x").getParent());
    }

    static List<Path> remove(Path base) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(base)) {
            return removed;
        }
        try (Stream<Path> dirs = Files.list(base)) {
            for (Path dir : dirs.toList()) {
                Matcher m = OURS.matcher(dir.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty() && deleteTree(dir)) {
                    removed.add(dir);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {} for stale EAL runtime directories: {}", base, e.getMessage());
        }
        if (!removed.isEmpty()) {
            LOG.info("removed the EAL runtime directories of dead processes: {}", removed);
        }
        return removed;
    }

    private static boolean deleteTree(Path dir) {
        try {
            Eal.deleteTree(dir);
            return true;
        } catch (UncheckedIOException e) {
            LOG.warn("cannot remove the stale EAL runtime directory {}: {}", dir, e.getMessage());
            return false;
        }
    }
}
