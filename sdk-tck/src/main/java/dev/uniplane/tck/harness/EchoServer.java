package dev.uniplane.tck.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import dev.uniplane.linux.AddressInfo;
import dev.uniplane.linux.RtNetlink;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP + UDP echo server on one port (IPv4 and IPv6, wildcard address) inside a host's namespace, served by one
 * platform thread with a selector. It remembers the peers it served, so tests can see which server a flow reached.
 */
public final class EchoServer implements AutoCloseable {
    private final Host host;
    private final int port;
    private final Selector selector;
    private final Thread loop;
    private final List<SocketAddress> peers = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    private EchoServer(Host host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.selector = Selector.open();
        host.netns().run(() -> {
            // One dual-stack channel per protocol: INET6 wildcard sockets also accept IPv4 (bindv6only is 0 by default).
            ServerSocketChannel tcp = ServerSocketChannel.open(StandardProtocolFamily.INET6);
            tcp.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            tcp.bind(new InetSocketAddress(port));
            tcp.configureBlocking(false);
            tcp.register(selector, SelectionKey.OP_ACCEPT);
            // UDP: one socket per local address, so that replies leave from the address the request was sent to
            // (a wildcard socket would answer from the route's preferred source, which a connected client drops).
            try (RtNetlink nl = RtNetlink.open()) {
                for (AddressInfo a : nl.addresses(RtNetlink.AF_UNSPEC)) {
                    InetAddress local = a.prefix().address().toInetAddress();
                    if (local.isLinkLocalAddress()) {
                        continue;
                    }
                    DatagramChannel udp = DatagramChannel.open(local instanceof java.net.Inet4Address
                            ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
                    try {
                        udp.bind(new InetSocketAddress(local, port));
                    } catch (IOException notYetUsable) {
                        udp.close(); // e.g. an IPv6 address still in DAD
                        continue;
                    }
                    udp.configureBlocking(false);
                    udp.register(selector, SelectionKey.OP_READ);
                }
            }
            return null;
        });
        this.loop = Thread.ofPlatform().daemon().name("echo-" + host.name() + "-" + port).start(this::serve);
    }

    static EchoServer start(Host host, int port) {
        try {
            return new EchoServer(host, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start echo server in " + host.name() + " on port " + port, e);
        }
    }

    public int port() {
        return port;
    }

    /** Peers served so far (TCP connections accepted and UDP datagrams echoed), oldest first. */
    public List<SocketAddress> peers() {
        return List.copyOf(peers);
    }

    private void serve() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (running) {
            try {
                selector.select(200);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        SocketChannel c = ((ServerSocketChannel) key.channel()).accept();
                        if (c != null) {
                            peers.add(c.getRemoteAddress());
                            c.configureBlocking(false);
                            c.register(selector, SelectionKey.OP_READ);
                        }
                    } else if (key.channel() instanceof DatagramChannel udp && key.isReadable()) {
                        buf.clear();
                        SocketAddress from = udp.receive(buf);
                        if (from != null) {
                            peers.add(from);
                            buf.flip();
                            udp.send(buf, from);
                        }
                    } else if (key.channel() instanceof SocketChannel c && key.isReadable()) {
                        buf.clear();
                        int n = c.read(buf);
                        if (n < 0) {
                            key.cancel();
                            c.close();
                        } else {
                            buf.flip();
                            c.write(buf);
                        }
                    }
                }
                selector.selectedKeys().clear();
            } catch (ClosedChannelException | java.nio.channels.ClosedSelectorException closed) {
                return;
            } catch (IOException e) {
                // A reset connection must not stop the server.
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            loop.join(1000);
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "EchoServer[" + host.name() + ":" + port + "]";
    }
}
