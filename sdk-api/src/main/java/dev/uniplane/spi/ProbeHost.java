package dev.uniplane.spi;

import dev.uniplane.spi.Availability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The parts of the machine a provider's {@link DataplaneProvider#probe()} looks at: files under {@code root} (normally {@code /}) and which shared libraries
 * the dynamic loader can load. Tests pass a temporary directory as the root and a fixed set of libraries.
 *
 * @param root            where absolute paths such as {@code /proc/self/status} are resolved
 * @param libraryLoadable whether a soname (e.g. {@code librte_eal.so.23}) can be loaded
 */
public record ProbeHost(Path root, Predicate<String> libraryLoadable) {
    /** Bit of {@code CAP_NET_ADMIN} in the capability masks of {@code /proc/self/status}. */
    public static final int CAP_NET_ADMIN = 12;
    private static final List<String> BINARY_DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    /** A fake machine rooted at {@code root} on which no shared library loads (for tests). */
    public ProbeHost(Path root) {
        this(root, soname -> false);
    }

    /** The real machine. */
    public static ProbeHost system() {
        return new ProbeHost(Path.of("/"), ProbeHost::canLoad);
    }

    /** {@code absolute} (starting with {@code /}) resolved under the root. */
    public Path path(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    public boolean exists(String absolute) {
        return Files.exists(path(absolute));
    }

    public boolean isExecutable(String absolute) {
        Path p = path(absolute);
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    /**
     * The absolute path of {@code command} in the standard binary directories. A fixed list rather than {@code $PATH}:
     * {@code sudo} resets PATH, and the answer must not depend on the caller's shell.
     */
    public Optional<String> findCommand(String command) {
        return BINARY_DIRS.stream().map(dir -> dir + "/" + command).filter(this::isExecutable).findFirst();
    }

    public boolean canLoadLibrary(String soname) {
        return libraryLoadable.test(soname);
    }

    /** The file's text, or empty when it is missing or unreadable. */
    public Optional<String> read(String absolute) {
        try {
            return Optional.of(Files.readString(path(absolute)));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** Why this process may not program the network (no {@code CAP_NET_ADMIN}), or empty when it may. */
    public Optional<Availability> missingNetAdmin() {
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

    @SuppressWarnings("restricted") // libraryLookup needs native access, which the JVM is started with (--enable-native-access)
    private static boolean canLoad(String soname) {
        // A confined arena unloads the library again when closed: probing must not keep native code mapped.
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(soname, arena);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
