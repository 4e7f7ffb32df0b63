package dev.uniplane.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.spi.DataplaneProvider;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Tests run on the class path, which only reads {@code META-INF/services}. This checks the other half: each provider's
 * own jar (or classes directory, in a reactor build) has a module descriptor that {@code provides} the SPI with the
 * same class, so the provider is also found on the module path.
 */
class ModuleDescriptorTest {
    private static final String SPI = DataplaneProvider.class.getName();
    private static final Set<String> PROVIDER_MODULES = Set.of("dev.uniplane.provider.ebpf", "dev.uniplane.provider.dpdk", "dev.uniplane.provider.ovsdpdk",
            "dev.uniplane.provider.vpp", "dev.uniplane.provider.bgp", "dev.uniplane.provider.sriov");

    /** Module descriptor of each discovered provider class, read from where the class was loaded. */
    private static Map<String, ModuleDescriptor> descriptorsByProviderClass() throws URISyntaxException {
        Map<String, ModuleDescriptor> result = new TreeMap<>();
        for (ServiceLoader.Provider<DataplaneProvider> p : ServiceLoader.load(DataplaneProvider.class).stream().toList()) {
            Path location = Path.of(p.type().getProtectionDomain().getCodeSource().getLocation().toURI());
            List<ModuleReference> modules = List.copyOf(ModuleFinder.of(location).findAll());
            assertThat(modules).as("modules at %s", location).hasSize(1);
            result.put(p.type().getName(), modules.getFirst().descriptor());
        }
        return result;
    }

    @Test
    void everyDiscoveredProviderModuleProvidesTheSpiWithItsClass() throws Exception {
        Map<String, ModuleDescriptor> descriptors = descriptorsByProviderClass();

        assertThat(descriptors).isNotEmpty();
        descriptors.forEach((providerClass, descriptor) -> assertThat(descriptor.provides())
                .as("provides of module %s", descriptor.name())
                .anySatisfy(provides -> {
                    assertThat(provides.service()).isEqualTo(SPI);
                    assertThat(provides.providers()).contains(providerClass);
                }));
    }

    @Test
    void everyProviderIsAnExplicitModuleThatRequiresTheApi() throws Exception {
        Map<String, ModuleDescriptor> byName = new TreeMap<>();
        descriptorsByProviderClass().values().forEach(d -> byName.put(d.name(), d));

        assertThat(byName.keySet()).containsAll(PROVIDER_MODULES);
        for (String name : PROVIDER_MODULES) {
            ModuleDescriptor d = byName.get(name);
            assertThat(d.isAutomatic()).as("%s is automatic", name).isFalse();
            assertThat(d.requires()).as("requires of %s", name).anyMatch(r -> r.name().equals("dev.uniplane.api"));
            assertThat(d.exports()).as("%s exports nothing", name).isEmpty();
        }
    }
}
