package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.spi.Availability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The part of the machine a probe looks at: files under {@code root} (normally {@code /}). Tests pass a temporary
 * directory as the root.
 *
 * @param root where absolute paths such as {@code /proc/self/status} are resolved
 */
record Host(Path root) {
    /** Bit of {@code CAP_NET_ADMIN} in the capability masks of {@code /proc/self/status}. */
    static final int CAP_NET_ADMIN = 12;
    private static final List<String> BINARY_DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    /** The real machine. */
    static Host system() {
        return new Host(Path.of("/"));
    }

    /** {@code absolute} (starting with {@code /}) resolved under the root. */
    Path path(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    boolean exists(String absolute) {
        return Files.exists(path(absolute));
    }

    boolean isExecutable(String absolute) {
        Path p = path(absolute);
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    /**
     * The absolute path of {@code command} in the standard binary directories. A fixed list rather than {@code $PATH}:
     * {@code sudo} resets PATH, and the answer must not depend on the caller's shell.
     */
    Optional<String> findCommand(String command) {
        return BINARY_DIRS.stream().map(dir -> dir + "/" + command).filter(this::isExecutable).findFirst();
    }

    /** The file's text, or empty when it is missing or unreadable. */
    Optional<String> read(String absolute) {
        try {
            return Optional.of(Files.readString(path(absolute)));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** Why this process may not program the network (no {@code CAP_NET_ADMIN}), or empty when it may. */
    Optional<Availability> missingNetAdmin() {
        Optional<String> status = read("/proc/self/status");
        if (status.isEmpty()) {
            return Optional.of(Availability.unavailable("cannot read /proc/self/status to check for CAP_NET_ADMIN",
                    "run on Linux with /proc mounted"));
        }
        String effective = field(status.get(), "CapEff:");
        String uid = field(status.get(), "Uid:");
        boolean netAdmin;
        try {
            netAdmin = (Long.parseUnsignedLong(effective, 16) & (1L << CAP_NET_ADMIN)) != 0;
        } catch (NumberFormatException e) {
            netAdmin = false;
        }
        if (netAdmin) {
            return Optional.empty();
        }
        String realUid = uid.isEmpty() ? "?" : uid.split("\\s+")[0];
        String who = realUid.equals("0") ? " (uid 0, but the capability was dropped)" : " (uid " + realUid + ", not root)";
        return Optional.of(Availability.unavailable("the process lacks CAP_NET_ADMIN" + who,
                "run as root (sudo) or grant CAP_NET_ADMIN to the JVM"));
    }

    private static String field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name)).map(l -> l.substring(name.length()).strip()).findFirst().orElse("");
    }
}
