package dev.uniplane.agent;

import dev.uniplane.api.ConflictException;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server on a unix domain socket (grpc-netty-shaded's epoll transport). The socket file gets mode 0600 and its
 * directory, when the server creates it, 0700: only the agent's user (root) may talk to the agent. A stale socket file
 * of a dead agent is replaced; the socket of a live one is not.
 */
final class UnixSocketServer implements AutoCloseable {
    /** gRPC's default 4 MiB is too small for a state with 100k routes; the socket is local and root-only. */
    static final int MAX_MESSAGE = 512 << 20;
    private final Server server;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Path socket;

    private UnixSocketServer(Server server, EventLoopGroup boss, EventLoopGroup workers, Path socket) {
        this.server = server;
        this.boss = boss;
        this.workers = workers;
        this.socket = socket;
    }

    static UnixSocketServer start(Path socket, BindableService service) {
        Path file = socket.toAbsolutePath();
        prepare(file);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        try {
            Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(file.toString()))
                    .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(boss).workerEventLoopGroup(workers)
                    .maxInboundMessageSize(MAX_MESSAGE).addService(service).build().start();
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return new UnixSocketServer(server, boss, workers, file);
        } catch (IOException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new UncheckedIOException("cannot serve on " + file, e);
        }
    }

    /** Creates the directory (0700) or removes a dead agent's socket; refuses when an agent answers on it. */
    private static void prepare(Path file) {
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (Files.exists(file)) {
                if (answers(file)) {
                    throw new ConflictException("an agent is already serving on " + file);
                }
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare socket " + file, e);
        }
    }

    private static boolean answers(Path file) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return probe.connect(UnixDomainSocketAddress.of(file));
        } catch (IOException e) {
            return false;
        }
    }

    void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops accepting calls, cancels running ones (watch streams) after a short grace, removes the socket file. */
    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // the next agent replaces a stale socket anyway
        }
    }
}
