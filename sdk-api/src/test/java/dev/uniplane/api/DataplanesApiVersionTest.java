package dev.uniplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.spi.ApiVersion;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Providers built for another API, or whose methods do not link, are reported by name and never hide the others. */
class DataplanesApiVersionTest {

    /** A provider that declares an API version and is otherwise always available. */
    public static class VersionedProvider implements DataplaneProvider {
        private final String name;
        private final String apiVersion;

        VersionedProvider(String name, String apiVersion) {
            this.name = name;
            this.apiVersion = apiVersion;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String apiVersion() {
            return apiVersion;
        }

        @Override
        public String description() {
            return name + " test provider";
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.of(Capability.IPV4);
        }

        @Override
        public Availability probe() {
            return Availability.ok();
        }

        @Override
        public Dataplane open(DataplaneConfig config) {
            throw new UnsupportedOperationException(name + " opened");
        }
    }

    /** Built for a future major version: its other methods must never be called. */
    public static class FutureProvider extends VersionedProvider {
        public FutureProvider() {
            super("future", "99.0.0");
        }

        @Override
        public String description() {
            throw new AbstractMethodError("description");
        }

        @Override
        public Availability probe() {
            throw new AssertionError("an incompatible provider must not be probed");
        }

        @Override
        public Dataplane open(DataplaneConfig config) {
            throw new AssertionError("an incompatible provider must not be opened");
        }
    }

    /** Says it fits, but was built against an SPI whose methods differ: probe and open do not link. */
    public static class MissingMethodProvider extends VersionedProvider {
        public MissingMethodProvider() {
            super("skewed", DataplaneProvider.API_VERSION);
        }

        @Override
        public Availability probe() {
            throw new AbstractMethodError("Receiver class " + getClass().getName() + " does not define or inherit an implementation of "
                    + "the resolved method 'abstract dev.uniplane.spi.Availability probe()'");
        }

        @Override
        public Dataplane open(DataplaneConfig config) {
            throw new NoSuchMethodError("'dev.uniplane.api.DataplaneConfig$Builder dev.uniplane.api.DataplaneConfig.oldBuilder()'");
        }
    }

    @TempDir
    Path dir;

    private static final String CURRENT = ApiVersion.current().toString();

    @Test
    void aProviderBuiltForAnotherMajorIsUnavailableByName() {
        Dataplanes d = Dataplanes.of(new FutureProvider(), new VersionedProvider("fits", DataplaneProvider.API_VERSION));
        String cause = FutureProvider.class.getName() + " was built for Uniplane API 99.0, this is " + CURRENT;
        assertThat(d.loadErrors()).containsExactly("provider future: " + cause);
        assertThat(d.list()).filteredOn(s -> s.name().equals("future")).singleElement().satisfies(s -> {
            assertThat(s.availability().available()).isFalse();
            assertThat(s.availability().cause()).isEqualTo(cause);
            assertThat(s.availability().hint()).contains("provider-future").contains(CURRENT);
        });
        assertThat(d.select().name()).isEqualTo("fits");
        assertThatThrownBy(() -> d.open(DataplaneConfig.builder().provider("future").build()))
                .isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("built for Uniplane API 99.0, this is " + CURRENT);
    }

    @Test
    void discoveryReportsTheIncompatibleProviderInLoadErrors() throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(DataplaneProvider.class.getName()), FutureProvider.class.getName() + "\n");
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
        Dataplanes d = Dataplanes.discover(ServiceLoader.load(DataplaneProvider.class, loader));
        assertThat(d.loadErrors()).singleElement().asString().contains("future").contains("built for Uniplane API 99.0");
        assertThat(d.list()).extracting(ProviderStatus::name).containsExactly("future");
    }

    @Test
    void aNewerMinorAndAnUnparsableVersionAreIncompatibleTooButAnUndeclaredOneIsNot() {
        ApiVersion current = ApiVersion.current();
        Dataplanes d = Dataplanes.of(new VersionedProvider("newer", current.major() + "." + (current.minor() + 1) + ".0"),
                new VersionedProvider("garbled", "latest"), new VersionedProvider("old-style", null));
        assertThat(d.loadErrors()).hasSize(2);
        assertThat(d.loadErrors().get(0)).contains("newer").contains("this is " + CURRENT);
        assertThat(d.loadErrors().get(1)).contains("garbled").contains("'latest'");
        assertThat(d.availability(d.provider("old-style").orElseThrow()).available()).isTrue();
    }

    @Test
    void aProbeThatDoesNotLinkNamesTheProviderClassAndItsApiVersion() {
        Dataplanes d = Dataplanes.of(new MissingMethodProvider());
        Availability a = d.list().getFirst().availability();
        assertThat(a.available()).isFalse();
        assertThat(a.cause()).startsWith("probe failed: java.lang.AbstractMethodError")
                .contains("provider class " + MissingMethodProvider.class.getName())
                .contains("built for Uniplane API " + DataplaneProvider.API_VERSION)
                .contains("this is Uniplane API " + CURRENT);
    }

    @Test
    void anOpenThatDoesNotLinkIsAProviderUnavailableExceptionNamingTheProvider() {
        MissingMethodProvider skewed = new MissingMethodProvider() {
            @Override
            public Availability probe() {
                return Availability.ok();
            }
        };
        Dataplanes d = Dataplanes.of(skewed);
        assertThatThrownBy(() -> d.open(DataplaneConfig.builder().provider("skewed").build()))
                .isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("open failed: java.lang.NoSuchMethodError")
                .hasMessageContaining("provider class " + skewed.getClass().getName())
                .hasMessageContaining("built for Uniplane API " + DataplaneProvider.API_VERSION)
                .hasCauseInstanceOf(NoSuchMethodError.class);
    }
}
