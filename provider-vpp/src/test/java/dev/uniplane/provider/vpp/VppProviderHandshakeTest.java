package dev.uniplane.provider.vpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.provider.vpp.internal.wire.Frames;
import dev.uniplane.provider.vpp.internal.wire.MessageType;
import dev.uniplane.provider.vpp.internal.wire.Messages;
import dev.uniplane.provider.vpp.internal.wire.WireReader;
import dev.uniplane.provider.vpp.internal.wire.WireWriter;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.ProbeHost;
import dev.uniplane.tck.FakeRoot;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe registers with VPP and names every message whose version differs from the one the provider encodes. */
class VppProviderHandshakeTest {
    @TempDir
    Path tmp;

    /**
     * A fake VPP: on every connection, answers sockclnt_create with {@code table} (name_crc entries); a connection
     * that sends nothing (the probe's plain reachability check) is just closed.
     */
    private static void serve(ServerSocketChannel server, List<String> table) {
        while (server.isOpen()) {
            try (SocketChannel channel = server.accept()) {
                Frames.Reader frames = new Frames.Reader(channel);
                WireReader create = new WireReader(frames.next());
                create.u16();
                int context = create.u32();
                WireWriter reply = new WireWriter().u16(16).u32(0).u32(context).u32(0).u32(0x80000001)
                        .u16(table.size());
                for (int i = 0; i < table.size(); i++) {
                    reply.u16(100 + i).fixedString(table.get(i), 64);
                }
                Frames.write(channel, reply.toByteArray());
                frames.next(); // sockclnt_delete, or the client hanging up
            } catch (Exception e) {
                // that client went away; wait for the next one
            }
        }
    }

    private Availability probeAgainst(List<String> table) throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS); // no binary: the probe uses the VPP that runs
        Path socket = tmp.resolve(VppProvider.API_SOCKET.substring(1));
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofPlatform().daemon().start(() -> serve(server, table));
            return new VppProvider(new ProbeHost(tmp)).probe();
        }
    }

    private static List<String> ourTable() {
        return new ArrayList<>(Messages.all().stream().map(MessageType::key).toList());
    }

    @Test
    void aMessageWithAnotherCrcMakesTheProviderUnavailableNamingIt() throws Exception {
        List<String> table = ourTable();
        table.remove("acl_add_replace_ee5c2f18");
        table.add("acl_add_replace_deadbeef");

        Availability a = probeAgainst(table);

        assertThat(a.available()).isFalse();
        assertThat(a.cause()).contains("acl_add_replace: VPP has crc deadbeef, this client encodes ee5c2f18");
        assertThat(a.hint()).contains("26.06");
    }

    @Test
    void aMatchingTableMakesTheRunningVppUsable() throws Exception {
        Availability a = probeAgainst(ourTable());

        assertThat(a.available()).isTrue();
    }
}
