package dev.uniplane.provider.vpp;

import dev.uniplane.spi.ProbeHost;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.spi.Availability;
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
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The VPP provider: FD.io VPP driven over its binary API socket. Not implemented yet (no issue filed):
 * {@link #probe()} checks the real prerequisites and, when all are present, still reports the provider unavailable,
 * so {@link #open} always throws {@link ProviderUnavailableException}.
 */
public final class VppProvider extends ProbingProvider {
    /** The provider's name. */
    public static final String NAME = "vpp";
    /** VPP's default binary API socket ({@code socksvr { socket-name ... }}). */
    static final String API_SOCKET = "/run/vpp/api.sock";
    static final Availability NOT_IMPLEMENTED = Availability.unavailable(
            "dataplane not implemented yet in this release",
            "VPP is installed and running; use another provider until the VPP dataplane is implemented");
    /** How long the probe waits for VPP's answer to {@code sockclnt_create}. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    private final ProbeHost host;

    /** The provider as {@link java.util.ServiceLoader} creates it: probes this machine. Does no I/O. */
    public VppProvider() {
        this(ProbeHost.system());
    }

    VppProvider(ProbeHost host) {
        super(NAME, "FD.io VPP over its binary API socket - not implemented yet", 0,
                Capabilities.of(Capability.ATTACH_AF_PACKET, Capability.ATTACH_MEMIF, Capability.IPV4, Capability.IPV6, Capability.POLICY, Capability.ENDPOINT_STATS));
        this.host = Objects.requireNonNull(host, "host");
    }

    /** The sdk-api this provider was compiled against: the compiler writes the constant into this class. */
    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    protected Optional<Availability> firstMissing() {
        if (host.findCommand("vpp").isEmpty()) {
            return Optional.of(Availability.unavailable(
                    "no vpp binary found (VPP is not packaged in Debian bookworm)",
                    "install VPP from the FD.io project's own packages or build it from source"));
        }
        Optional<Availability> privilege = host.missingNetAdmin();
        if (privilege.isPresent()) {
            return privilege;
        }
        Optional<Availability> socket = apiSocketProblem().map(cause -> Availability.unavailable(cause,
                "start vpp with `socksvr { socket-name " + API_SOCKET + " }` in its startup.conf"));
        return socket.isPresent() ? socket : messageVersionProblem();
    }

    /**
     * Registers with VPP and checks its message table: a message whose CRC differs from the version this provider
     * encodes (or that VPP lacks) makes the provider unavailable, naming each such message.
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

    /** Why VPP's API socket cannot be used, or empty when a connection succeeds. */
    private Optional<String> apiSocketProblem() {
        Path socket = host.path(API_SOCKET);
        if (!Files.exists(socket)) {
            return Optional.of("VPP is not running: no API socket at " + API_SOCKET);
        }
        try {
            if (!Files.readAttributes(socket, BasicFileAttributes.class).isOther()) {
                return Optional.of(API_SOCKET + " is not a socket");
            }
        } catch (IOException e) {
            return Optional.of("cannot stat " + API_SOCKET + ": " + e.getMessage());
        }
        // Connecting without sending anything is harmless: VPP only registers a client on sockclnt_create.
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("VPP's API socket " + API_SOCKET + " refuses connections: " + e.getMessage());
        }
    }

    @Override
    protected Availability whenReady() {
        return NOT_IMPLEMENTED;
    }
}
