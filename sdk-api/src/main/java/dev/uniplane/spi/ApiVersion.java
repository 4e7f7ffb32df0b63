package dev.uniplane.spi;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Uniplane API version, {@code major.minor} (the patch level and any qualifier never matter for compatibility).
 *
 * <p>The compatibility rule, as {@link #accepts} applies it: a provider built for API {@code M.m} runs on API
 * {@code M.n} when {@code n >= m} (same major, and no newer minor than the one running: a later minor only adds). Before
 * 1.0 every minor may break, so on {@code 0.x} the minor must be equal too.
 *
 * @param major the major version
 * @param minor the minor version
 */
public record ApiVersion(int major, int minor) {
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:[.\\-].*)?");

    /** Rejects negative numbers. */
    public ApiVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("negative API version " + major + "." + minor);
        }
    }

    /** The API this sdk-api is: the one providers run on. */
    public static ApiVersion current() {
        return parse(DataplaneProvider.API_VERSION);
    }

    /**
     * Reads {@code major.minor} from a version string such as {@code 0.1.0-SNAPSHOT}.
     *
     * @throws IllegalArgumentException when the string does not start with {@code major.minor}
     */
    public static ApiVersion parse(String version) {
        Objects.requireNonNull(version, "version");
        Matcher m = VERSION.matcher(version.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Uniplane API version (major.minor[.patch][-qualifier]): '" + version + "'");
        }
        return new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Whether a provider built for {@code builtFor} can run on this (the running) API; the rule of this type. */
    public boolean accepts(ApiVersion builtFor) {
        if (builtFor.major != major) {
            return false;
        }
        return major == 0 ? builtFor.minor == minor : builtFor.minor <= minor;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
