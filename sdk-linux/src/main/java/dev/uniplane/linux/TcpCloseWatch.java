package dev.uniplane.linux;

import dev.uniplane.api.IpAddress;
import dev.uniplane.linux.internal.netlink.NetlinkSocket;
import dev.uniplane.linux.internal.netlink.NlMessage;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports each TCP connection of a network namespace as the kernel destroys its socket: the sock_diag destroy
 * broadcasts ({@code SKNLGRP_INET_TCP_DESTROY}, {@code SKNLGRP_INET6_TCP_DESTROY}; what {@code ss -E} shows), read
 * by a daemon thread. A daemon that learns of a closed connection only through its own event loop (gobgpd reports a
 * lost BGP session after it has queued the withdrawal of every path) can be overtaken this way. Events are
 * best-effort: the kernel drops broadcasts a full receive buffer cannot take (ENOBUFS), so a caller keeps its slower
 * source of truth too.
 */
public final class TcpCloseWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpCloseWatch.class);
    private static final int SOCK_DIAG_BY_FAMILY = 20;
    private static final int SKNLGRP_INET_TCP_DESTROY = 1;
    private static final int SKNLGRP_INET6_TCP_DESTROY = 3;
    private static final int AF_INET = 2;
    /** How often the reader looks whether it was closed. */
    private static final long POLL_MILLIS = 200;
    private final NetlinkSocket socket;
    private final Consumer<TcpConnection> onClosed;
    private final Thread reader;
    private volatile boolean closed;

    private TcpCloseWatch(NetlinkSocket socket, Consumer<TcpConnection> onClosed, String name) {
        this.socket = socket;
        this.onClosed = onClosed;
        this.reader = Thread.ofPlatform().daemon().name("tcp-close-" + name).unstarted(this::read);
    }

    /**
     * Starts reporting the TCP connections of {@code ns} that close, to {@code onClosed} on the watch's own thread
     * (one call at a time). Needs CAP_NET_ADMIN in {@code ns}.
     */
    public static TcpCloseWatch start(NetNs ns, String name, Consumer<TcpConnection> onClosed) {
        Objects.requireNonNull(onClosed, "onClosed");
        NetlinkSocket socket = ns.run(() -> NetlinkSocket.open(NetlinkSocket.NETLINK_SOCK_DIAG));
        try {
            socket.setBufferSizes(1 << 20, 1 << 20);
            socket.joinGroup(SKNLGRP_INET_TCP_DESTROY);
            socket.joinGroup(SKNLGRP_INET6_TCP_DESTROY);
            socket.setReceiveTimeout(POLL_MILLIS);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
        TcpCloseWatch watch = new TcpCloseWatch(socket, onClosed, name);
        watch.reader.start();
        return watch;
    }

    private void read() {
        while (!closed) {
            try {
                for (NlMessage m : socket.receive()) {
                    if (m.type() == SOCK_DIAG_BY_FAMILY) {
                        onClosed.accept(decode(m.payload()));
                    }
                }
            } catch (LinuxException e) {
                if (closed) {
                    return;
                }
                if (e.errno() == Errno.ENOBUFS) {
                    LOG.debug("TCP close events were dropped by the kernel (receive buffer full)");
                } else if (e.errno() != Errno.EAGAIN) {
                    LOG.warn("TCP close events stop: {}", e.getMessage());
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warn("a TCP close event handler failed: {}", e.toString());
            }
        }
    }

    /** {@code struct inet_diag_msg}: family, state, timer, retrans, then the socket id (ports and addresses big-endian). */
    static TcpConnection decode(ByteBuffer msg) {
        int base = msg.position();
        int family = msg.get(base) & 0xff;
        int sport = ((msg.get(base + 4) & 0xff) << 8) | (msg.get(base + 5) & 0xff);
        int dport = ((msg.get(base + 6) & 0xff) << 8) | (msg.get(base + 7) & 0xff);
        return new TcpConnection(address(msg, base + 8, family), sport, address(msg, base + 24, family), dport);
    }

    private static IpAddress address(ByteBuffer msg, int offset, int family) {
        byte[] bytes = new byte[family == AF_INET ? 4 : 16];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = msg.get(offset + i);
        }
        return IpAddress.ofBytes(bytes);
    }

    /** Stops the reader (within a fraction of a second) and closes the socket. */
    @Override
    public void close() {
        closed = true;
        try {
            reader.join(2 * POLL_MILLIS + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }
}
