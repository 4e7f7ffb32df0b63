package dev.uniplane.provider.sriov;

import dev.uniplane.spi.ProbeHost;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.linux.Sysfs;
import dev.uniplane.provider.sriov.internal.host.SriovHost;
import dev.uniplane.provider.sriov.internal.host.VfAllocator;
import dev.uniplane.spi.state.SavedDataplane;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.ProbingProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The SR-IOV provider: hands each workload a virtual function of a physical NIC, configured over rtnetlink, like
 * sriov-cni ({@link SriovDataplane}). {@link #probe()} checks the real prerequisites (a kernel with CONFIG_PCI_IOV, an
 * SR-IOV physical function, CAP_NET_ADMIN) and says which is missing and what it looked at; {@link #open} then throws
 * {@link ProviderUnavailableException} carrying that cause.
 */
public final class SriovProvider extends ProbingProvider {
    /** The provider's name. */
    public static final String NAME = "sriov";
    static final String KERNEL_CONFIG = "/proc/config.gz";
    static final String NET_CLASS = "/sys/class/net";
    /**
     * What the dataplane does: VF attach, IPv4 and IPv6 addresses on the VF, counters from IFLA_VF_STATS, and VFs that
     * stay in their workloads while the JVM is down. No routes, no policy, no remote endpoints: the NIC switches L2.
     */
    static final Capabilities CAPABILITIES = Capabilities.of(Capability.ATTACH_VF, Capability.IPV4, Capability.IPV6,
            Capability.ENDPOINT_STATS, Capability.RESTART_SURVIVAL);
    private static final String NEEDS_HARDWARE =
            "SR-IOV needs a kernel with CONFIG_PCI_IOV and an SR-IOV capable NIC; VMs with only virtio-net (such as Firecracker) have neither";

    private final ProbeHost host;
    private final Path allocations;

    /** The provider as {@link java.util.ServiceLoader} creates it: probes this machine. Does no I/O. */
    public SriovProvider() {
        this(ProbeHost.system());
    }

    SriovProvider(ProbeHost host) {
        this(host, VfAllocator.DEFAULT_DIRECTORY);
    }

    /** For tests: the machine as the probe sees it, and where the VF allocations are kept. */
    SriovProvider(ProbeHost host, Path allocations) {
        super(NAME, "SR-IOV virtual functions moved into workload namespaces (rtnetlink)", 0, CAPABILITIES);
        this.host = Objects.requireNonNull(host, "host");
        this.allocations = Objects.requireNonNull(allocations, "allocations");
    }

    /** The sdk-api this provider was compiled against: the compiler writes the constant into this class. */
    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    protected Optional<Availability> firstMissing() {
        if (kernelLacksPciIov()) {
            return Optional.of(Availability.unavailable(
                    "the kernel has no SR-IOV support: CONFIG_PCI_IOV is not set (" + KERNEL_CONFIG + "), and "
                            + noPfBecause(), NEEDS_HARDWARE));
        }
        if (physicalFunctions().isEmpty()) {
            return Optional.of(Availability.unavailable("no SR-IOV physical function: " + noPfBecause(), NEEDS_HARDWARE));
        }
        return host.missingNetAdmin();
    }

    /** True only when the kernel config is readable and says PCI_IOV is off; an unknown config proves nothing. */
    private boolean kernelLacksPciIov() {
        Path config = host.path(KERNEL_CONFIG);
        if (!Files.isReadable(config)) {
            return false;
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(config))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines().noneMatch("CONFIG_PCI_IOV=y"::equals);
        } catch (IOException e) {
            return false;
        }
    }

    /** Names of interfaces whose device can have virtual functions ({@code device/sriov_totalvfs} > 0). */
    List<String> physicalFunctions() {
        Path net = host.path(NET_CLASS);
        if (!Files.isDirectory(net)) {
            return List.of();
        }
        try (Stream<Path> links = Files.list(net)) {
            return links.filter(link -> totalVfs(link.resolve("device/sriov_totalvfs")) > 0)
                    .map(link -> link.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Why no interface is a PF, listing each one looked at: {@code eth0 (device virtio2, driver virtio_net: no sriov_totalvfs)}. */
    String noPfBecause() {
        Path net = host.path(NET_CLASS);
        List<String> seen = new ArrayList<>();
        if (Files.isDirectory(net)) {
            try (Stream<Path> links = Files.list(net)) {
                links.sorted().forEach(link -> seen.add(describe(link)));
            } catch (IOException e) {
                seen.add("cannot list: " + e.getMessage());
            }
        }
        return "no interface under " + NET_CLASS + " has device/sriov_totalvfs > 0 (looked at: "
                + (seen.isEmpty() ? "no interfaces" : String.join(", ", seen)) + ")";
    }

    private static String describe(Path link) {
        String name = link.getFileName().toString();
        Path device = link.resolve("device");
        if (!Files.exists(device)) {
            return name + " (virtual: no device)";
        }
        StringBuilder text = new StringBuilder(name).append(" (");
        String deviceName = lastElementOfLink(device);
        if (deviceName != null) {
            text.append("device ").append(deviceName);
            String driver = lastElementOfLink(device.resolve("driver"));
            text.append(", driver ").append(driver == null ? "none" : driver).append(": ");
        }
        Path total = device.resolve("sriov_totalvfs");
        text.append(Files.exists(total) ? "sriov_totalvfs=" + totalVfs(total) : "no sriov_totalvfs");
        return text.append(')').toString();
    }

    private static String lastElementOfLink(Path path) {
        try {
            return Files.isSymbolicLink(path) ? Files.readSymbolicLink(path).getFileName().toString() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static int totalVfs(Path file) {
        try {
            return Integer.parseInt(Files.readString(file).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    @Override
    protected Dataplane openAvailable(DataplaneConfig config) {
        return SriovDataplane.open(config, new SriovHost(new Sysfs(host.path("/sys"))), new VfAllocator(allocations),
                SavedDataplane.file(NAME, config.name()));
    }
}
