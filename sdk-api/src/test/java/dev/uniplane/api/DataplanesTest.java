package dev.uniplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataplanesTest {

    /** A provider that is always available and opens nothing (discovery tests only). */
    public static class FastProvider extends StubProvider {
        public FastProvider() {
            super("fast", 10, Availability.ok(), Capabilities.of(Capability.IPV4, Capability.POLICY));
        }
    }

    public static class RichProvider extends StubProvider {
        public RichProvider() {
            super("rich", 5, Availability.ok(), Capabilities.of(Capability.IPV4, Capability.POLICY, Capability.ECMP));
        }
    }

    public static class MissingLibProvider extends StubProvider {
        public MissingLibProvider() {
            super("missing", 100, Availability.unavailable("libfoo.so.1 not found", "apt-get install libfoo1"),
                    Capabilities.of(Capability.IPV4, Capability.POLICY, Capability.ECMP));
        }
    }

    /** A broken provider jar: the constructor blows up. */
    public static class ExplodingProvider extends StubProvider {
        public ExplodingProvider() {
            super("boom", 0, Availability.ok(), Capabilities.none());
            throw new IllegalStateException("static init failed");
        }
    }

    /** A provider whose probe throws. */
    public static class ThrowingProbeProvider extends StubProvider {
        public ThrowingProbeProvider() {
            super("flaky", 50, Availability.ok(), Capabilities.none());
        }

        @Override
        public Availability probe() {
            throw new UnsupportedOperationException("probe exploded");
        }
    }

    abstract static class StubProvider implements DataplaneProvider {
        private final String name;
        private final int priority;
        private final Availability availability;
        private final Capabilities capabilities;

        StubProvider(String name, int priority, Availability availability, Capabilities capabilities) {
            this.name = name;
            this.priority = priority;
            this.availability = availability;
            this.capabilities = capabilities;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return name + " test provider";
        }

        @Override
        public Capabilities capabilities() {
            return capabilities;
        }

        @Override
        public Availability probe() {
            return availability;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public Dataplane open(DataplaneConfig config) {
            throw new UnsupportedOperationException("discovery test provider " + name + " opened with " + config.name());
        }
    }

    @TempDir
    Path dir;

    @AfterEach
    void clearOverride() {
        System.clearProperty(Dataplanes.PROVIDER_PROPERTY);
    }

    private Dataplanes discoverFrom(String... classNames) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(DataplaneProvider.class.getName()), String.join("\n", classNames) + "\n");
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
        return Dataplanes.discover(ServiceLoader.load(DataplaneProvider.class, loader));
    }

    @Test
    void brokenProviderJarsDoNotHideTheOthers() throws IOException {
        Dataplanes d = discoverFrom(FastProvider.class.getName(), "com.example.DoesNotExist",
                ExplodingProvider.class.getName(), MissingLibProvider.class.getName());
        assertThat(d.list()).extracting(ProviderStatus::name).containsExactly("missing", "fast");
        assertThat(d.loadErrors()).hasSize(2);
        assertThat(String.join("\n", d.loadErrors())).contains("DoesNotExist").contains("ExplodingProvider");
    }

    @Test
    void listShowsTheExactUnavailabilityCause() throws IOException {
        Dataplanes d = discoverFrom(MissingLibProvider.class.getName(), ThrowingProbeProvider.class.getName());
        assertThat(d.list()).filteredOn(s -> s.name().equals("missing")).singleElement()
                .satisfies(s -> assertThat(s.availability().describe()).isEqualTo("libfoo.so.1 not found (hint: apt-get install libfoo1)"));
        assertThat(d.list()).filteredOn(s -> s.name().equals("flaky")).singleElement()
                .satisfies(s -> assertThat(s.availability().cause()).contains("probe exploded"));
    }

    @Test
    void selectPicksTheBestAvailableProviderWithTheCapabilities() {
        Dataplanes d = Dataplanes.of(new FastProvider(), new RichProvider(), new MissingLibProvider());
        assertThat(d.select().name()).isEqualTo("fast");
        assertThat(d.select(Capability.ECMP).name()).isEqualTo("rich");
        assertThatThrownBy(() -> d.select(Capability.ATTACH_VF))
                .isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("no available provider has [ATTACH_VF]")
                .hasMessageContaining("missing=libfoo.so.1 not found");
    }

    @Test
    void systemPropertyOverridesSelection() {
        Dataplanes d = Dataplanes.of(new FastProvider(), new RichProvider(), new MissingLibProvider());
        System.setProperty(Dataplanes.PROVIDER_PROPERTY, "rich");
        assertThat(d.select().name()).isEqualTo("rich");
        System.setProperty(Dataplanes.PROVIDER_PROPERTY, "missing");
        assertThatThrownBy(d::select).isInstanceOf(ProviderUnavailableException.class)
                .satisfies(e -> assertThat(((ProviderUnavailableException) e).availability().cause()).isEqualTo("libfoo.so.1 not found"));
        System.setProperty(Dataplanes.PROVIDER_PROPERTY, "fast");
        assertThatThrownBy(() -> d.select(Capability.ECMP)).isInstanceOf(UnsupportedCapabilityException.class)
                .hasMessage("provider fast does not support ECMP");
    }

    @Test
    void openByUnknownNameSaysWhatWasFound() {
        Dataplanes d = Dataplanes.of(new FastProvider());
        assertThatThrownBy(() -> d.open(DataplaneConfig.builder().provider("vpp").build()))
                .isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("no provider named vpp")
                .hasMessageContaining("[fast]");
    }

    @Test
    void openPassesTheChosenProviderNameInTheConfig() {
        Dataplanes d = Dataplanes.of(new FastProvider());
        assertThatThrownBy(() -> d.open(DataplaneConfig.builder().name("edge").build()))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("fast opened with edge");
    }

    @Test
    void duplicateNamesAreRejectedForExplicitSets() {
        assertThatThrownBy(() -> Dataplanes.of(new FastProvider(), new FastProvider()))
                .hasMessageContaining("duplicate provider name fast");
    }
}
