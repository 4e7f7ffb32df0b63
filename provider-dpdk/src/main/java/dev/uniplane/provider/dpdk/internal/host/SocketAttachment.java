package dev.uniplane.provider.dpdk.internal.host;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.MacAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The dataplane side of a {@link AttachKind#MEMIF} or {@link AttachKind#VHOST_USER} endpoint: a DPDK vdev in server
 * mode listening on a Unix socket {@code /run/uniplane/dpdk/<dataplane>/<endpoint>.<memif|vhost>.sock}, to which a
 * DPDK-native workload connects ({@code net_memif,role=client} or {@code net_virtio_user,path=}).
 *
 * @param kind       MEMIF or VHOST_USER
 * @param socket     the server socket's path
 * @param deviceName the vdev name, unique in this process ({@code net_memif<N>}, {@code net_vhost<N>})
 */
public record SocketAttachment(AttachKind kind, Path socket, String deviceName) {
    /** Where every dataplane keeps its sockets, one directory per dataplane name. */
    static final Path RUN_DIRECTORY = Path.of("/run/uniplane/dpdk");
    /** {@code sizeof(sockaddr_un.sun_path)} minus the terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;

    /** Validates the kind and the path length. */
    public SocketAttachment {
        if (kind != AttachKind.MEMIF && kind != AttachKind.VHOST_USER) {
            throw new IllegalArgumentException("not a socket attachment kind: " + kind);
        }
        int length = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_SOCKET_PATH) {
            throw new InvalidSpecException("id", socket.getFileName(), "the socket path " + socket + " is " + length
                    + " bytes, more than a Unix socket path holds (" + MAX_SOCKET_PATH + "); use a shorter endpoint id");
        }
    }

    /** The attachment of endpoint {@code id} of dataplane {@code dataplane}; {@code sequence} makes the vdev name unique. */
    static SocketAttachment of(AttachKind kind, String dataplane, EndpointId id, int sequence) {
        String type = kind == AttachKind.MEMIF ? "memif" : "vhost";
        return new SocketAttachment(kind, directory(dataplane).resolve(id.value() + "." + type + ".sock"), "net_" + type + sequence);
    }

    /** The socket directory of a dataplane. */
    public static Path directory(String dataplane) {
        return RUN_DIRECTORY.resolve(dataplane);
    }

    /**
     * The {@code rte_dev_probe} arguments: memif as server with the socket in the file system (not the abstract
     * namespace, which is per network namespace) and {@code gatewayMac} as its MAC; vhost-user as server
     * ({@code client=0}) with one queue pair.
     */
    String devargs(MacAddress gatewayMac) {
        return switch (kind) {
            case MEMIF -> deviceName + ",role=server,id=0,socket=" + socket + ",socket-abstract=no,mac=" + gatewayMac;
            case VHOST_USER -> deviceName + ",iface=" + socket + ",queues=1,client=0";
            default -> throw new AssertionError(kind);
        };
    }

    /** The Debian packages of the driver, for error messages (the plugins are only Recommends of {@code dpdk}, or less). */
    String packageHint() {
        return kind == AttachKind.MEMIF ? "apt-get install librte-net-memif23" : "apt-get install librte-net-vhost23 librte-vhost23";
    }

    /**
     * Creates the directory and removes a stale socket file (left by a killed process: a new server would fail with
     * EADDRINUSE). A socket someone still listens on is another live dataplane's and is refused.
     */
    void prepare() {
        try {
            Files.createDirectories(socket.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the socket directory " + socket.getParent(), e);
        }
        if (!Files.exists(socket)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new ConflictException("the socket " + socket + " has a listener: another dataplane named "
                    + socket.getParent().getFileName() + " serves endpoint " + socket.getFileName() + " on this machine");
        } catch (IOException refused) {
            removeSocket(); // nobody listens: stale
        }
    }

    /** Deletes a dataplane's socket directory when nothing is left in it; a problem is ignored (it is only tidying). */
    public static void removeDirectoryIfEmpty(String dataplane) {
        try {
            Files.deleteIfExists(directory(dataplane));
        } catch (IOException notEmptyOrGone) {
            // another socket is still there, or the directory cannot be removed: leave it
        }
    }

    /** Deletes the socket file if it is still there (the drivers normally remove it when the vdev is removed). */
    void removeSocket() {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the socket " + socket, e);
        }
    }
}
