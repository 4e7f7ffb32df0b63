package dev.uniplane.provider.vpp.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a fake VPP on a unix socket: connect with a ~61 KB table sent in small pieces, client_index in
 * requests, replies routed by context, dumps ended by the control_ping reply with an event in the same read, timeouts,
 * named retvals, CRC mismatches and a lost connection. Only the framing and the dispatch are faked; the codecs are
 * checked by {@link MessagesGoldenTest} and the real VPP by {@code VppApiClientVppTest}.
 */
class VppApiClientFakePeerTest {
    private static final int CLIENT_INDEX = 0x80000001;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;
    private FakeVpp fake;

    @AfterEach
    void stop() throws Exception {
        if (fake != null) {
            fake.close();
        }
    }

    /** A one-connection fake VPP: answers sockclnt_create with {@code table}, then asks {@code responder}. */
    private static final class FakeVpp implements AutoCloseable {
        final Map<String, Integer> ids = new HashMap<>();
        final ServerSocketChannel server;
        final List<byte[]> received = new ArrayList<>();
        volatile SocketChannel connection;

        FakeVpp(Path socket, List<String> table, BiFunction<FakeVpp, byte[], List<byte[]>> responder)
                throws IOException {
            for (int i = 0; i < table.size(); i++) {
                ids.put(table.get(i), 100 + i);
            }
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofPlatform().daemon().start(() -> serve(table, responder));
        }

        int id(String name) {
            return ids.entrySet().stream().filter(e -> e.getKey().startsWith(name + "_")
                    && e.getKey().length() == name.length() + 9).findFirst().orElseThrow().getValue();
        }

        private void serve(List<String> table, BiFunction<FakeVpp, byte[], List<byte[]>> responder) {
            try (SocketChannel channel = server.accept()) {
                connection = channel;
                Frames.Reader frames = new Frames.Reader(channel);
                WireReader create = new WireReader(frames.next());
                assertThat(create.u16()).isEqualTo(15);
                int context = create.u32();
                WireWriter reply = new WireWriter().u16(16).u32(0).u32(context).u32(0).u32(CLIENT_INDEX)
                        .u16(table.size());
                for (String name : table) {
                    reply.u16(ids.get(name)).fixedString(name, 64);
                }
                // Dribble the ~61 KB reply out in small writes, so the client sees it in many reads.
                ByteBuffer stream = ByteBuffer.wrap(frames(List.of(reply.toByteArray())));
                while (stream.hasRemaining()) {
                    ByteBuffer piece = stream.slice().limit(Math.min(997, stream.remaining()));
                    stream.position(stream.position() + channel.write(piece));
                }
                while (true) {
                    byte[] request = frames.next();
                    synchronized (received) {
                        received.add(request);
                    }
                    List<byte[]> answers = responder.apply(this, request);
                    if (answers == null) {
                        return; // close the connection
                    }
                    channel.write(ByteBuffer.wrap(frames(answers))); // all answers in one write
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        static byte[] frames(List<byte[]> payloads) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            var sink = Channels.newChannel(out);
            for (byte[] payload : payloads) {
                Frames.write(sink, payload);
            }
            return out.toByteArray();
        }

        @Override
        public void close() throws IOException {
            server.close();
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** Our messages plus filler up to VPP's ~900 entries (about 61 KB). */
    private static List<String> table(String... replacements) {
        List<String> table = new ArrayList<>(Messages.all().stream().map(MessageType::key).toList());
        for (String replacement : replacements) {
            String name = replacement.substring(0, replacement.length() - 9);
            table.removeIf(key -> key.equals(Messages.all().stream().filter(t -> t.name().equals(name))
                    .findFirst().orElseThrow().key()));
            table.add(replacement);
        }
        for (int i = table.size(); i < 929; i++) {
            table.add(String.format("filler_message_%d_%08x", i, i));
        }
        return table;
    }

    private static int context(byte[] request) {
        return new WireReader(request).at(6).u32();
    }

    /** Answers like VPP: control_ping, sw_interface_dump (2 details + an event), set_flags with -2; else silence. */
    private static List<byte[]> vppLike(FakeVpp vpp, byte[] request) {
        WireReader in = new WireReader(request);
        int id = in.u16();
        if (in.u32() != CLIENT_INDEX) {
            return List.of(); // VPP cannot find the registration and stays silent
        }
        int context = in.u32();
        if (id == vpp.id("control_ping")) {
            return List.of(new WireWriter().u16(vpp.id("control_ping_reply")).u32(context).u32(0).u32(CLIENT_INDEX)
                    .u32(4242).toByteArray());
        }
        if (id == vpp.id("sw_interface_dump")) {
            List<byte[]> answers = new ArrayList<>();
            for (int sw = 0; sw < 2; sw++) {
                answers.add(new WireWriter().u16(vpp.id("sw_interface_details")).u32(context).u32(sw).u32(sw)
                        .bytes(new byte[] {2, 0, 0, 0, 0, (byte) sw}).u32(sw == 1 ? 3 : 0).zeros(103 - 24)
                        .fixedString(sw == 0 ? "local0" : "host-hvpp0", 64).fixedString("af-packet", 64).zeros(64)
                        .toByteArray());
            }
            answers.add(new WireWriter().u16(vpp.id("sw_interface_event")).u32(CLIENT_INDEX).u32(1).u32(1).u32(3)
                    .u8(0).toByteArray());
            return answers;
        }
        if (id == vpp.id("sw_interface_set_flags")) {
            return List.of(new WireWriter().u16(vpp.id("sw_interface_set_flags_reply")).u32(context).u32(-2)
                    .toByteArray());
        }
        if (id == vpp.id("want_interface_events")) {
            return List.of(new WireWriter().u16(vpp.id("want_interface_events_reply")).u32(context).u32(0)
                    .toByteArray());
        }
        if (id == vpp.id("sockclnt_delete")) {
            return List.of(new WireWriter().u16(vpp.id("sockclnt_delete_reply")).u32(context).u32(1).toByteArray());
        }
        if (id == vpp.id("acl_del")) {
            return null; // VPP goes away
        }
        return List.of();
    }

    private VppApiClient connect(BiFunction<FakeVpp, byte[], List<byte[]>> responder, String... replaced)
            throws IOException {
        Path socket = tmp.resolve("api.sock");
        fake = new FakeVpp(socket, table(replaced), responder);
        return VppApiClient.connect(socket, "test", TIMEOUT);
    }

    @Test
    void connectReadsTheWholeTableAndRequestsCarryTheClientIndex() throws Exception {
        try (VppApiClient client = connect(VppApiClientFakePeerTest::vppLike)) {
            assertThat(client.clientIndex()).isEqualTo(CLIENT_INDEX);
            assertThat(client.messageTable()).hasSize(929).containsEntry("control_ping_51077d14",
                    fake.id("control_ping"));

            assertThat(client.call(new Messages.ControlPing())).isEqualTo(4242);
        }
    }

    @Test
    void aDumpCollectsDetailsUntilThePingReplyAndAnEventInTheSameReadIsDispatched() throws Exception {
        try (VppApiClient client = connect(VppApiClientFakePeerTest::vppLike)) {
            CompletableFuture<Messages.SwInterfaceEvent> event = new CompletableFuture<>();
            client.onInterfaceEvents(event::complete);

            List<Messages.InterfaceDetails> interfaces = client.dump(Messages.SwInterfaceDump.all());

            assertThat(interfaces).extracting(Messages.InterfaceDetails::name).containsExactly("local0", "host-hvpp0");
            assertThat(interfaces.get(1).adminUp()).isTrue();
            assertThat(interfaces.get(1).mac()).containsExactly(2, 0, 0, 0, 0, 1);
            assertThat(event.get(5, TimeUnit.SECONDS)).isEqualTo(new Messages.SwInterfaceEvent(1, 1, 3, false));
            // the dump and its control_ping went out under one context
            List<byte[]> sent;
            synchronized (fake.received) {
                sent = List.copyOf(fake.received);
            }
            byte[] dump = sent.get(sent.size() - 2);
            byte[] ping = sent.get(sent.size() - 1);
            assertThat(context(ping)).isEqualTo(context(dump));
        }
    }

    @Test
    void aNegativeRetvalIsANamedError() throws Exception {
        try (VppApiClient client = connect(VppApiClientFakePeerTest::vppLike)) {
            assertThatThrownBy(() -> client.call(new Messages.SwInterfaceSetFlags(99, Messages.IF_ADMIN_UP)))
                    .isInstanceOfSatisfying(VppApiException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo("INVALID_SW_IF_INDEX");
                        assertThat(e.retval()).isEqualTo(-2);
                        assertThat(e).hasMessage("sw_interface_set_flags: INVALID_SW_IF_INDEX (-2)");
                    });
        }
    }

    @Test
    void aRequestVppIgnoresTimesOut() throws Exception {
        Path socket = tmp.resolve("api.sock");
        fake = new FakeVpp(socket, table(), VppApiClientFakePeerTest::vppLike);
        try (VppApiClient client = VppApiClient.connect(socket, "test", Duration.ofMillis(300))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.call(new Messages.CliInband("show version")))
                    .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("cli_inband");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));

            assertThat(client.call(new Messages.ControlPing())).isEqualTo(4242); // still usable
        }
    }

    @Test
    void aMessageWithAnotherCrcIsNamedAtConnect() throws Exception {
        assertThatThrownBy(() -> connect(VppApiClientFakePeerTest::vppLike, "acl_add_replace_deadbeef"))
                .isInstanceOfSatisfying(IncompatibleVppException.class, e -> assertThat(e.problems())
                        .containsExactly("acl_add_replace: VPP has crc deadbeef, this client encodes ee5c2f18"));
    }

    @Test
    void aMissingMessageIsNamedAtConnect() throws Exception {
        Path socket = tmp.resolve("api.sock");
        List<String> table = table();
        table.remove("memif_create_v2_8c7de5f7");
        fake = new FakeVpp(socket, table, VppApiClientFakePeerTest::vppLike);

        assertThatThrownBy(() -> VppApiClient.connect(socket, "test", TIMEOUT))
                .isInstanceOfSatisfying(IncompatibleVppException.class, e -> assertThat(e.problems())
                        .containsExactly("memif_create_v2: not in VPP's message table (plugin not loaded?)"));
    }

    @Test
    void aLostConnectionFailsTheWaitingCallAndTellsTheListener() throws Exception {
        try (VppApiClient client = connect(VppApiClientFakePeerTest::vppLike)) {
            CompletableFuture<IOException> lost = new CompletableFuture<>();
            client.onDisconnect(lost::complete);

            assertThatThrownBy(() -> client.call(new Messages.AclDel(3))).isInstanceOf(IOException.class)
                    .isNotInstanceOf(SocketTimeoutException.class);
            assertThat(lost.get(5, TimeUnit.SECONDS)).isNotNull();
            assertThat(client.isConnected()).isFalse();
        }
    }
}
