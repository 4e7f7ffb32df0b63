package dev.uniplane.provider.vpp;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.ProbeHost;
import dev.uniplane.spi.ProbingProvider;
import dev.uniplane.provider.vpp.internal.wire.IncompatibleVppException;
import dev.uniplane.provider.vpp.internal.wire.VppApiClient;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The VPP provider: FD.io VPP driven over its binary API socket ({@link VppDataplane}). The dataplane starts its own
 * VPP from {@code $UNIPLANE_VPP_HOME/bin/vpp}, {@value #DIST_HOME}/bin/vpp (what scripts/setup.sh unpacks) or
 * {@code vpp} on the PATH, or connects to one that runs ({@code vpp.socket}); without a binary, a VPP already running
 * at {@value #API_SOCKET} (FD.io's packages) is used. The probe checks the binary, the privilege, the runtime library
 * and the plugins, in that order, and names the first that is missing.
 */
public final class VppProvider extends ProbingProvider {
    /** The provider's name. */
    public static final String NAME = "vpp";
    /** VPP's default binary API socket ({@code socksvr { socket-name ... }}). */
    static final String API_SOCKET = "/run/vpp/api.sock";
    /** Where scripts/setup.sh unpacks the VPP build of the shared tarball. */
    static final String DIST_HOME = "/opt/uniplane/vpp-26.06";
    /** Where Debian/Ubuntu packages of VPP keep their plugins. */
    static final String PACKAGED_PLUGINS = "/usr/lib/x86_64-linux-gnu/vpp_plugins";
    /** The plugins the dataplane cannot work without. */
    static final List<String> REQUIRED_PLUGINS = List.of("af_packet_plugin.so", "acl_plugin.so");
    /**
     * What the dataplane does. ATTACH_VETH and ATTACH_AF_PACKET are the same attachment: a veth whose host end VPP
     * reads through an af_packet interface. ATTACH_MEMIF: a memif server interface whose socket (the endpoint's host
     * interface) the workload connects to. Policy is the ACL plugin's (internal.program.AclProgram). RESTART_SURVIVAL:
     * close leaves VPP running with everything programmed, and the next open takes it over. Not declared:
     * POLICY_SCTP (the ACL plugin reads no SCTP ports), DROP_REASONS.
     */
    static final Capabilities CAPABILITIES = Capabilities.of(Capability.ATTACH_VETH, Capability.ATTACH_AF_PACKET,
            Capability.IPV4, Capability.IPV6, Capability.ECMP, Capability.ROUTE_TO_ENDPOINT, Capability.ROUTE_DROP,
            Capability.ENDPOINT_STATS, Capability.ATTACH_MEMIF, Capability.POLICY, Capability.STATEFUL_POLICY,
            Capability.POLICY_CIDR_EXCEPT, Capability.POLICY_PORT_RANGES, Capability.RULE_STATS, Capability.REMOTE_ENDPOINTS,
            Capability.RESTART_SURVIVAL, Capability.SOURCE_ADDRESS_CHECK);
    /** How long the probe waits for VPP's answer to {@code sockclnt_create}. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    private final ProbeHost host;
    private final UnaryOperator<String> env;

    /** The provider as {@link java.util.ServiceLoader} creates it: probes this machine. Does no I/O. */
    public VppProvider() {
        this(ProbeHost.system(), System::getenv);
    }

    VppProvider(ProbeHost host) {
        this(host, name -> null);
    }

    VppProvider(ProbeHost host, UnaryOperator<String> env) {
        super(NAME, "FD.io VPP over its binary API socket (workloads on af_packet interfaces)", 0, CAPABILITIES);
        this.host = Objects.requireNonNull(host, "host");
        this.env = Objects.requireNonNull(env, "env");
    }

    /** The sdk-api this provider was compiled against: the compiler writes the constant into this class. */
    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    /** The vpp binary (absolute, as the real machine names it): UNIPLANE_VPP_HOME, the dist tree, then the PATH. */
    Optional<String> binary() {
        List<String> candidates = new ArrayList<>();
        String home = env.apply("UNIPLANE_VPP_HOME");
        if (home != null && !home.isBlank()) {
            candidates.add(Path.of(home, "bin", "vpp").toString());
        }
        candidates.add(DIST_HOME + "/bin/vpp");
        String path = env.apply("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (dir.startsWith("/")) {
                    candidates.add(Path.of(dir, "vpp").toString());
                }
            }
        }
        return candidates.stream().filter(host::isExecutable).findFirst().or(() -> host.findCommand("vpp"));
    }

    @Override
    protected Optional<Availability> firstMissing() {
        Optional<String> binary = binary();
        if (binary.isEmpty()) {
            if (apiSocketProblem().isEmpty()) {
                return messageVersionProblem(); // no binary to start, but a running VPP to use
            }
            return Optional.of(Availability.unavailable(
                    "no vpp binary found (VPP is not packaged in Debian bookworm) and no VPP running at " + API_SOCKET,
                    "run scripts/setup.sh (unpacks VPP 26.06 to " + DIST_HOME + "), set UNIPLANE_VPP_HOME to a VPP "
                            + "install, or install VPP from FD.io's packages"));
        }
        Optional<Availability> privilege = host.missingNetAdmin();
        if (privilege.isPresent()) {
            return privilege;
        }
        Path tree = Path.of(binary.get()).getParent().getParent();
        boolean distTree = host.exists(tree.resolve("lib/vpp_plugins").toString());
        if (distTree && !host.canLoadLibrary("libunwind.so.8")) {
            return Optional.of(Availability.unavailable("libunwind.so.8 cannot be loaded (" + binary.get()
                    + " needs it)", "apt-get install libunwind8"));
        }
        String plugins = distTree ? tree.resolve("lib/vpp_plugins").toString() : PACKAGED_PLUGINS;
        for (String plugin : REQUIRED_PLUGINS) {
            if (!host.exists(plugins + "/" + plugin)) {
                return Optional.of(Availability.unavailable("VPP plugin " + plugin + " not found in " + plugins,
                        "install VPP with its af_packet and acl plugins (FD.io package vpp-plugin-core)"));
            }
        }
        return Optional.empty();
    }

    /**
     * Registers with the VPP at {@value #API_SOCKET} and checks its message table: a message whose CRC differs from
     * the version this provider encodes (or that VPP lacks) makes the provider unavailable, naming each such message.
     */
    private Optional<Availability> messageVersionProblem() {
        try (VppApiClient client = VppApiClient.connect(host.path(API_SOCKET), "uniplane-probe",
                HANDSHAKE_TIMEOUT)) {
            return Optional.empty();
        } catch (IncompatibleVppException e) {
            return Optional.of(Availability.unavailable(e.getMessage(),
                    "use a VPP whose API matches this release (VPP 23.10 to 26.06 carry the same message versions)"
                            + " with the af_packet, memif and acl plugins loaded"));
        } catch (SocketTimeoutException e) {
            // Something accepts connections there but does not answer the handshake (yet): nothing to compare.
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of(Availability.unavailable("VPP's API handshake on " + API_SOCKET + " failed: "
                    + e.getMessage(), "check VPP's log; restart vpp"));
        }
    }

    /** Why VPP's default API socket cannot be used, or empty when a connection succeeds. */
    private Optional<String> apiSocketProblem() {
        Path socket = host.path(API_SOCKET);
        if (!Files.exists(socket)) {
            return Optional.of("no API socket at " + API_SOCKET);
        }
        // Connecting without sending anything is harmless: VPP only registers a client on sockclnt_create.
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("VPP's API socket " + API_SOCKET + " refuses connections: " + e.getMessage());
        }
    }

    /** Opens the dataplane: its own VPP from the binary, or (without one) the VPP at {@value #API_SOCKET}. */
    @Override
    protected Dataplane openAvailable(DataplaneConfig config) {
        Optional<String> binary = binary();
        if (binary.isEmpty() && config.option(VppDataplane.OPTION_SOCKET).isEmpty()) {
            config = config.toBuilder().option(VppDataplane.OPTION_SOCKET, API_SOCKET).build();
        }
        return VppDataplane.open(config, CAPABILITIES, Path.of(binary.orElse("vpp")));
    }
}
