package dev.uniplane.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * How to open a dataplane.
 *
 * @param provider     provider name, or {@code null} to let {@link Dataplanes} choose (honouring {@code -Duniplane.provider})
 * @param name         the dataplane's name; backends key persistent state by it (BPF pins, bridge names). Default {@code default}
 * @param hostNetns    path of the namespace the dataplane runs in as its "node", or {@code null} for the caller's
 * @param uplink       the interface towards the outside network (in the host netns), or {@code null} for none
 * @param flowTimeouts idle timeouts of tracked flows
 * @param options      provider-specific settings; a provider rejects keys it does not know
 */
public record DataplaneConfig(String provider, String name, String hostNetns, String uplink, FlowTimeouts flowTimeouts,
                              Map<String, String> options) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,14}");

    public DataplaneConfig {
        Check.notNull("name", name);
        if (!NAME.matcher(name).matches()) {
            throw new InvalidSpecException("name", name, "dataplane name must be 1-15 characters of [a-z0-9-], starting alphanumeric");
        }
        if (hostNetns != null && !hostNetns.startsWith("/")) {
            throw new InvalidSpecException("hostNetns", hostNetns, "must be an absolute path such as /run/netns/NAME");
        }
        if (uplink != null) {
            Check.interfaceName("uplink", uplink);
        }
        Check.notNull("flowTimeouts", flowTimeouts);
        options = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Check.notNull("options", options)));
    }

    public static DataplaneConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<String> providerName() {
        return Optional.ofNullable(provider);
    }

    public Optional<String> hostNetnsPath() {
        return Optional.ofNullable(hostNetns);
    }

    public Optional<String> uplinkInterface() {
        return Optional.ofNullable(uplink);
    }

    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }

    public String stringOption(String key, String defaultValue) {
        return options.getOrDefault(key, defaultValue);
    }

    public int intOption(String key, int defaultValue) {
        String v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new InvalidSpecException("options." + key, v, "must be an integer");
        }
    }

    /** Like {@link #intOption}, but a value that is set must be a positive integer (a size or a count). */
    public int positiveIntOption(String key, int defaultValue) {
        int value = intOption(key, defaultValue);
        if (options.containsKey(key) && value <= 0) {
            throw new InvalidSpecException("options." + key, options.get(key), "must be a positive integer");
        }
        return value;
    }

    public boolean boolOption(String key, boolean defaultValue) {
        String v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new InvalidSpecException("options." + key, v, "must be true or false");
        };
    }

    /** An ISO-8601 duration ({@code PT5S}) or a number with a unit suffix ({@code 500ms}, {@code 5s}, {@code 2m}). */
    public Duration durationOption(String key, Duration defaultValue) {
        String v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        String t = v.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.matches("\\d+ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.matches("\\d+[smh]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                return switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(v.strip());
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new InvalidSpecException("options." + key, v, "must be a duration such as 500ms, 5s or PT5S");
        }
    }

    /** Throws {@link InvalidSpecException} naming the first option key not in {@code known}. */
    public void rejectUnknownOptions(String providerName, Set<String> known) {
        for (String key : options.keySet()) {
            if (!known.contains(key)) {
                throw new InvalidSpecException("options." + key, options.get(key),
                        "unknown option for provider " + providerName + " (known: " + new TreeSet<>(known) + ")");
            }
        }
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.provider = provider;
        b.name = name;
        b.hostNetns = hostNetns;
        b.uplink = uplink;
        b.flowTimeouts = flowTimeouts;
        b.options.putAll(options);
        return b;
    }

    /** Fluent construction of a {@link DataplaneConfig}. */
    public static final class Builder {
        private String provider;
        private String name = "default";
        private String hostNetns;
        private String uplink;
        private FlowTimeouts flowTimeouts = FlowTimeouts.DEFAULT;
        private final Map<String, String> options = new TreeMap<>();

        private Builder() {
        }

        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder hostNetns(String path) {
            this.hostNetns = path;
            return this;
        }

        public Builder uplink(String interfaceName) {
            this.uplink = interfaceName;
            return this;
        }

        public Builder flowTimeouts(FlowTimeouts timeouts) {
            this.flowTimeouts = timeouts;
            return this;
        }

        public Builder option(String key, String value) {
            options.put(key, value);
            return this;
        }

        public DataplaneConfig build() {
            return new DataplaneConfig(provider, name, hostNetns, uplink, flowTimeouts, options);
        }
    }
}
