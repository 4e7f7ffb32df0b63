package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FeaturesReply;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.Hello;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A switch that completes the handshake and then stops answering: the request times out, the channel closes and the
 * owner hears about it through onLost (so the dataplane reconciles on a new connection).
 */
class SilentSwitchTest {

    @Test
    void aTimedOutRequestEndsTheChannelAndFiresOnLost() throws Exception {
        Path dir = Files.createTempDirectory("upof-silent");
        Path socket = dir.resolve("br.mgmt");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread fake = Thread.ofPlatform().daemon().start(() -> handshakeThenSilence(server));
            OpenFlowChannel channel = OpenFlowChannel.connect(socket, Duration.ofMillis(300));
            CountDownLatch lost = new CountDownLatch(1);
            channel.onLost(lost::countDown);

            assertThatThrownBy(channel::barrier).isInstanceOf(OpenFlowException.class).hasMessageContaining("timeout");
            assertThat(lost.await(2, TimeUnit.SECONDS)).as("onLost fired").isTrue();
            assertThatThrownBy(channel::barrier).as("the channel is gone").isInstanceOf(OpenFlowException.class)
                    .hasMessageContaining("connection closed");
            channel.close();
            fake.join(2000);
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    private static void handshakeThenSilence(ServerSocketChannel server) {
        try (SocketChannel peer = server.accept()) {
            read(peer); // HELLO
            peer.write(ByteBuffer.wrap(Codec.encode(new Hello(1, Codec.VERSION, 1L << Codec.VERSION))));
            OfMessage request = read(peer); // FEATURES_REQUEST
            peer.write(ByteBuffer.wrap(Codec.encode(new FeaturesReply(request.xid(), 1, 0, 254, 0, 0))));
            while (read(peer) != null) {
                // swallow everything, answer nothing
            }
        } catch (IOException e) {
            // the client closed the connection: done
        }
    }

    private static OfMessage read(SocketChannel peer) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(Codec.HEADER);
        while (header.hasRemaining()) {
            if (peer.read(header) < 0) {
                return null;
            }
        }
        int length = header.getShort(2) & 0xffff;
        ByteBuffer frame = ByteBuffer.allocate(length);
        frame.put(header.array());
        while (frame.hasRemaining()) {
            if (peer.read(frame) < 0) {
                return null;
            }
        }
        return Codec.decode(frame.array());
    }
}
