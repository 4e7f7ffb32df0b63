package dev.uniplane.api;

import dev.uniplane.spi.ApiVersion;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds providers and opens dataplanes. Discovery uses {@link ServiceLoader}; a provider jar that fails to load is
 * reported by {@link #loadErrors()} and never hides the others. {@code -Duniplane.provider=NAME} (or the
 * {@code UNIPLANE_PROVIDER} environment variable) forces a provider, as SLF4J's {@code slf4j.provider} does.
 *
 * <p>As SLF4J 2 does with its providers' requested API version, a provider built for an API this sdk-api cannot run
 * ({@link DataplaneProvider#apiVersion()}, rule in {@link ApiVersion}) is reported by name: in {@link #loadErrors()},
 * and as unavailable with both versions in its {@link ProviderStatus}; it is never probed or opened. A provider whose
 * probe or open fails to link ({@link IncompatibleClassChangeError}: a missing or abstract method) is reported with its
 * class and declared API version instead of the bare error.
 */
public final class Dataplanes {
    /** System property that forces the provider used when a config names none. */
    public static final String PROVIDER_PROPERTY = "uniplane.provider";
    private static final Logger LOG = LoggerFactory.getLogger(Dataplanes.class);

    private final Map<String, DataplaneProvider> providers;
    private final List<String> loadErrors;
    private final Map<String, Availability> probed = new java.util.concurrent.ConcurrentHashMap<>();
    /** Providers built for an API this one cannot run, with the availability that says so. */
    private final Map<String, Availability> incompatible = new LinkedHashMap<>();

    private Dataplanes(Map<String, DataplaneProvider> providers, List<String> loadErrors) {
        this.providers = providers;
        List<String> errors = new ArrayList<>(loadErrors);
        providers.forEach((name, p) -> incompatibility(p).ifPresent(cause -> {
            LOG.warn("Uniplane provider {} cannot run here: {}", name, cause);
            errors.add("provider " + name + ": " + cause);
            incompatible.put(name, Availability.unavailable(cause,
                    "use a build of provider-" + name + " made for Uniplane API " + ApiVersion.current()));
        }));
        this.loadErrors = List.copyOf(errors);
    }

    /** Why a provider cannot run on this API, from the version it declares; empty when it can (or declares none). */
    private static Optional<String> incompatibility(DataplaneProvider provider) {
        String declared;
        try {
            declared = provider.apiVersion();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of(provider.getClass().getName() + ": apiVersion() failed: " + e);
        }
        if (declared == null) {
            return Optional.empty();
        }
        ApiVersion builtFor;
        try {
            builtFor = ApiVersion.parse(declared);
        } catch (IllegalArgumentException e) {
            return Optional.of(provider.getClass().getName() + " declares API version '" + declared + "', which is not major.minor");
        }
        ApiVersion current = ApiVersion.current();
        return current.accepts(builtFor) ? Optional.empty()
                : Optional.of(provider.getClass().getName() + " was built for Uniplane API " + builtFor + ", this is " + current);
    }

    /** A provider's call that failed to link: names the provider class and the API it says it was built for. */
    private static String linkageFailure(DataplaneProvider provider, String call, LinkageError e) {
        String declared;
        try {
            declared = provider.apiVersion();
        } catch (RuntimeException | LinkageError again) {
            declared = null;
        }
        return call + " failed: " + e + " (provider class " + provider.getClass().getName() + ", "
                + (declared == null ? "declares no API version" : "built for Uniplane API " + declared)
                + "; this is Uniplane API " + ApiVersion.current() + ")";
    }

    /** Providers visible to the thread context class loader (or the module layer of this module). */
    public static Dataplanes discover() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return discover(ServiceLoader.load(DataplaneProvider.class, loader != null ? loader : Dataplanes.class.getClassLoader()));
    }

    /** Providers of a given loader, e.g. {@code ServiceLoader.load(layer, DataplaneProvider.class)}. */
    public static Dataplanes discover(ServiceLoader<DataplaneProvider> loader) {
        Map<String, DataplaneProvider> found = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        Iterator<DataplaneProvider> it = loader.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                add(found, errors, it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                // ServiceLoader's iterator goes on with the next provider after an error.
                String message = e.getMessage() + (e.getCause() != null ? " (" + e.getCause() + ")" : "");
                LOG.warn("skipping a Uniplane provider that failed to load: {}", message);
                errors.add(message);
            }
        }
        return new Dataplanes(found, errors);
    }

    /** An explicit set of providers (tests, embedding). */
    public static Dataplanes of(DataplaneProvider... providers) {
        Map<String, DataplaneProvider> found = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        Arrays.stream(providers).forEach(p -> add(found, errors, p));
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new Dataplanes(found, errors);
    }

    private static void add(Map<String, DataplaneProvider> found, List<String> errors, DataplaneProvider provider) {
        String name;
        try {
            name = provider.name();
        } catch (RuntimeException | LinkageError e) {
            errors.add(provider.getClass().getName() + ": name() failed: " + e);
            return;
        }
        DataplaneProvider previous = found.putIfAbsent(name, provider);
        if (previous != null) {
            errors.add("duplicate provider name " + name + ": " + provider.getClass().getName() + " ignored, "
                    + previous.getClass().getName() + " kept");
        }
    }

    /**
     * Why some provider jars could not be loaded, and which loaded providers were built for an API this one cannot run
     * (empty when all loaded and fit).
     */
    public List<String> loadErrors() {
        return loadErrors;
    }

    public Optional<DataplaneProvider> provider(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    /** Every discovered provider with its availability, highest priority first. Probes each provider once. */
    public List<ProviderStatus> list() {
        return providers.values().stream()
                .map(this::status)
                .sorted(Comparator.comparingInt(ProviderStatus::priority).reversed().thenComparing(ProviderStatus::name))
                .toList();
    }

    private ProviderStatus status(DataplaneProvider p) {
        if (!incompatible.containsKey(p.name())) {
            return new ProviderStatus(p.name(), p.description(), p.capabilities(), p.priority(), availability(p));
        }
        // Built for another API: its other methods may not even link, so only its name and the reason are shown.
        return new ProviderStatus(p.name(), p.getClass().getName(), Capabilities.none(), Integer.MIN_VALUE, availability(p));
    }

    /** The provider's {@link DataplaneProvider#probe()}, cached per {@code Dataplanes} instance; a throwing probe counts as unavailable. */
    public Availability availability(DataplaneProvider provider) {
        return probed.computeIfAbsent(provider.name(), n -> {
            Availability unfit = incompatible.get(n);
            if (unfit != null) {
                return unfit;
            }
            try {
                return provider.probe();
            } catch (IncompatibleClassChangeError e) {
                return Availability.unavailable(linkageFailure(provider, "probe", e),
                        "the provider does not match this Uniplane API: use a build of it made for " + ApiVersion.current());
            } catch (RuntimeException | LinkageError e) {
                return Availability.unavailable("probe failed: " + e, "report this as a provider bug");
            }
        });
    }

    /**
     * The provider to use: the one forced by {@code -Duniplane.provider} if set, else the available provider with every
     * required capability and the highest priority.
     *
     * @throws ProviderUnavailableException   when the forced provider is missing or unavailable, or none qualifies
     * @throws UnsupportedCapabilityException when the forced provider lacks a required capability
     */
    public DataplaneProvider select(Capability... required) {
        String forced = forcedProvider();
        if (forced != null) {
            DataplaneProvider p = require(forced);
            for (Capability c : required) {
                p.capabilities().require(p.name(), c);
            }
            return p;
        }
        List<Capability> needs = List.of(required);
        Optional<DataplaneProvider> best = providers.values().stream()
                .filter(p -> !incompatible.containsKey(p.name()))
                .filter(p -> p.capabilities().hasAll(needs))
                .filter(p -> availability(p).available())
                .max(Comparator.comparingInt(DataplaneProvider::priority));
        return best.orElseThrow(() -> new ProviderUnavailableException("(any)", Availability.unavailable(
                "no available provider has " + needs + "; providers: " + summary(),
                "run `uniplane providers` to see each provider's cause")));
    }

    /** Opens with the provider named in the config, else the forced one, else the best available. */
    public Dataplane open(DataplaneConfig config) {
        DataplaneProvider provider = config.providerName().map(this::require).orElseGet(this::select);
        DataplaneConfig named = config.toBuilder().provider(provider.name()).build();
        LOG.debug("opening dataplane {} on provider {}", named.name(), provider.name());
        try {
            return provider.open(named);
        } catch (IncompatibleClassChangeError e) {
            ProviderUnavailableException unavailable = new ProviderUnavailableException(provider.name(), Availability.unavailable(
                    linkageFailure(provider, "open", e),
                    "the provider does not match this Uniplane API: use a build of it made for " + ApiVersion.current()));
            unavailable.initCause(e);
            throw unavailable;
        }
    }

    /** {@code Dataplanes.discover().open(config with provider)}. */
    public static Dataplane open(String provider, DataplaneConfig config) {
        return discover().open(config.toBuilder().provider(provider).build());
    }

    private DataplaneProvider require(String name) {
        DataplaneProvider p = providers.get(name);
        if (p == null) {
            throw new ProviderUnavailableException(name, Availability.unavailable(
                    "no provider named " + name + " on the class path or module path (found: " + providers.keySet() + ")",
                    "add the dev.uniplane:provider-" + name + " artifact"));
        }
        Availability a = availability(p);
        if (!a.available()) {
            throw new ProviderUnavailableException(name, a);
        }
        return p;
    }

    private String summary() {
        StringBuilder sb = new StringBuilder();
        for (DataplaneProvider p : providers.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(p.name()).append('=').append(availability(p).describe());
        }
        return sb.length() == 0 ? "none found" : sb.toString();
    }

    private static String forcedProvider() {
        String v = System.getProperty(PROVIDER_PROPERTY);
        if (v == null || v.isBlank()) {
            v = System.getenv("UNIPLANE_PROVIDER");
        }
        return v == null || v.isBlank() ? null : v.strip();
    }
}
