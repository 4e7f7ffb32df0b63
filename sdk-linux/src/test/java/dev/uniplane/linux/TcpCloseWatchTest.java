package dev.uniplane.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.IpAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link TcpCloseWatch} against the kernel: real TCP connections inside a namespace of the test's own. */
class TcpCloseWatchTest {
    @BeforeAll
    static void root() {
        Privileged.requireRoot();
    }

    @Test
    void reportsBothEndsOfAClosedConnectionOfItsNamespaceOnly() throws Exception {
        String name = Privileged.name("t");
        try (NetNs ns = NetNs.create(name); RtNetlink rt = RtNetlink.open(ns)) {
            rt.setUp("lo", true);
            List<TcpConnection> closed = new CopyOnWriteArrayList<>();
            try (TcpCloseWatch watch = TcpCloseWatch.start(ns, name, closed::add)) {
                // a connection in this JVM's own namespace must not be reported
                connectAndClose(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
                int[] ports = ns.run(() -> connectAndClose(new ServerSocket(0, 1, InetAddress.getLoopbackAddress())));
                IpAddress loopback = IpAddress.parse("127.0.0.1");
                TcpConnection client = new TcpConnection(loopback, ports[1], loopback, ports[0]);
                TcpConnection server = new TcpConnection(loopback, ports[0], loopback, ports[1]);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!closed.containsAll(List.of(client, server)) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(closed).contains(client, server);
                assertThat(closed).allSatisfy(c -> assertThat(List.of(c.localPort(), c.remotePort())).contains(ports[0]));
            }
        } finally {
            NetNs.delete(name);
        }
    }

    @Test
    void aDualStackSocketsMappedAddressIsTheIpv4Address() {
        TcpConnection c = new TcpConnection(IpAddress.parse("::ffff:10.1.2.3"), 179, IpAddress.parse("fd00::1"), 4000);
        assertThat(c.local()).isEqualTo(IpAddress.parse("10.1.2.3"));
        assertThat(c.remote()).isEqualTo(IpAddress.parse("fd00::1"));
    }

    /** {server port, client port} of a connection made and closed from both ends. */
    private static int[] connectAndClose(ServerSocket server) throws Exception {
        try (server; Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            try (Socket accepted = server.accept()) {
                return new int[] {server.getLocalPort(), client.getLocalPort()};
            }
        }
    }
}
