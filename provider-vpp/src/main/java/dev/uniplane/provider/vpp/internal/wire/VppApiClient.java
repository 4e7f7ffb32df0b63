package dev.uniplane.provider.vpp.internal.wire;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of VPP's binary API over the {@code socksvr} unix socket. Thread-safe: requests from several threads are
 * multiplexed by their context; one reader thread routes replies to their callers, details of a dump until the
 * {@code control_ping} reply that ends it, and unsolicited events (by message id) to their subscribers on an event
 * thread. Every request has a timeout, as VPP drops a malformed request without a word. A negative retval throws
 * {@link VppApiException} naming it.
 */
public final class VppApiClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VppApiClient.class);
    private static final int NAME_LENGTH = 64;

    private final SocketChannel channel;
    private final int clientIndex;
    private final Map<String, Integer> ids;
    private final Duration timeout;
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Integer, Consumer<WireReader>> eventHandlers = new ConcurrentHashMap<>();
    private final ExecutorService events = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("vpp-api-events").factory());
    private final AtomicInteger contexts = new AtomicInteger();
    private final Object writeLock = new Object();
    private final Thread reader;
    private final int pingReplyId;
    private volatile Consumer<IOException> onDisconnect = e -> { };
    /** Set by the reader as soon as it stops, before it fails the waiting calls and tells the listener. */
    private volatile boolean readerStopped;
    private volatile boolean closing;

    /** What a caller waits for: one reply, or the details of a dump until the control_ping reply. */
    private sealed interface Pending permits Single, Dump {
    }

    private record Single(CompletableFuture<byte[]> reply) implements Pending {
    }

    private record Dump(int detailsId, List<byte[]> details, CompletableFuture<List<byte[]>> done)
            implements Pending {
    }

    private VppApiClient(SocketChannel channel, Frames.Reader frames, int clientIndex, Map<String, Integer> ids,
                         Duration timeout) {
        this.channel = channel;
        this.clientIndex = clientIndex;
        this.ids = ids;
        this.timeout = timeout;
        this.pingReplyId = id(Messages.CONTROL_PING_REPLY);
        this.reader = Thread.ofPlatform().daemon().name("vpp-api-reader").start(() -> readLoop(frames));
    }

    /**
     * Connects to the API socket at {@code socket}, registers as {@code clientName} and checks that VPP's message
     * table holds every message of {@link Messages#all()} in the version this client encodes.
     *
     * @throws IncompatibleVppException naming each message whose CRC differs or that VPP lacks
     */
    public static VppApiClient connect(Path socket, String clientName, Duration timeout) throws IOException {
        return connect(socket, clientName, timeout, Messages.all());
    }

    /** Like {@link #connect(Path, String, Duration)}, checking {@code required} instead of every known message. */
    public static VppApiClient connect(Path socket, String clientName, Duration timeout,
                                       Collection<MessageType> required) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            // sockclnt_create has no client_index: u16 id(15) | u32 context | char name[64].
            int context = 1;
            Frames.write(channel, new WireWriter().u16(Messages.SOCKCLNT_CREATE_ID).u32(context)
                    .fixedString(clientName, NAME_LENGTH).toByteArray());
            Frames.Reader frames = new Frames.Reader(channel);
            byte[] reply = readWithTimeout(channel, frames, timeout, "sockclnt_create");
            WireReader in = new WireReader(reply);
            int id = in.u16();
            in.u32(); // client_index, unused
            int replyContext = in.u32();
            int response = in.u32();
            if (id != Messages.SOCKCLNT_CREATE_ID + 1 || replyContext != context) {
                throw new IOException("unexpected answer to sockclnt_create: message id " + id + ", context "
                        + replyContext);
            }
            if (response != 0) {
                throw new VppApiException("sockclnt_create", response);
            }
            int clientIndex = in.u32();
            int count = in.u16();
            Map<String, Integer> ids = new HashMap<>(count * 2);
            for (int i = 0; i < count; i++) {
                int msgId = in.u16();
                ids.put(in.fixedString(NAME_LENGTH), msgId);
            }
            List<String> problems = compatibilityProblems(ids, required);
            if (!problems.isEmpty()) {
                throw new IncompatibleVppException(problems);
            }
            return new VppApiClient(channel, frames, clientIndex, Collections.unmodifiableMap(ids), timeout);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** One line per message of {@code required} that {@code table} (name_crc → id) does not hold as we encode it. */
    static List<String> compatibilityProblems(Map<String, Integer> table, Collection<MessageType> required) {
        Map<String, String> crcByName = new HashMap<>();
        for (String key : table.keySet()) {
            int underscore = key.lastIndexOf('_');
            if (underscore > 0) {
                crcByName.put(key.substring(0, underscore), key.substring(underscore + 1));
            }
        }
        List<String> problems = new ArrayList<>();
        for (MessageType type : required) {
            if (table.containsKey(type.key())) {
                continue;
            }
            String theirs = crcByName.get(type.name());
            problems.add(theirs != null
                    ? type.name() + ": VPP has crc " + theirs + ", this client encodes " + type.crc()
                    : type.name() + ": not in VPP's message table (plugin not loaded?)");
        }
        return problems;
    }

    /** Reads one frame, closing the channel (which ends the blocked read) when no frame comes within the timeout. */
    private static byte[] readWithTimeout(SocketChannel channel, Frames.Reader frames, Duration timeout,
                                          String request) throws IOException {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(frames.next());
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            channel.close();
            throw new SocketTimeoutException("VPP did not answer " + request + " within " + timeout);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.close();
            throw new InterruptedIOException("interrupted while connecting to VPP");
        }
    }

    /** The {@code index} VPP gave this client (sent as client_index in every request). */
    public int clientIndex() {
        return clientIndex;
    }

    /** VPP's message table: {@code name_crc} → message id, as the connect reply gave it. */
    public Map<String, Integer> messageTable() {
        return ids;
    }

    /** The id of {@code type} in this VPP; throws when VPP lacks that version of the message. */
    public int id(MessageType type) {
        Integer id = ids.get(type.key());
        if (id == null) {
            throw new IllegalStateException(type.key() + " is not in VPP's message table");
        }
        return id;
    }

    /** Sends {@code request} and waits for its reply. */
    public <R> R call(ApiRequest<R> request) throws IOException {
        int context = nextContext();
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        pending.put(context, new Single(reply));
        send(context, Messages.encode(id(request.request()), clientIndex, context, request::encodeFields));
        WireReader in = new WireReader(await(reply, context, request.request().name()));
        int id = in.u16();
        if (id != id(request.reply())) {
            throw new IOException("VPP answered " + request.request().name() + " with message id " + id
                    + " instead of " + request.reply().key());
        }
        int retval = request.retval(in);
        if (retval < 0) {
            throw new VppApiException(request.request().name(), retval);
        }
        return request.decodeReply(in);
    }

    /** Sends {@code dump} and a control_ping under one context, and returns the details that came before its reply. */
    public <D> List<D> dump(ApiDump<D> dump) throws IOException {
        int context = nextContext();
        CompletableFuture<List<byte[]>> done = new CompletableFuture<>();
        pending.put(context, new Dump(id(dump.details()), Collections.synchronizedList(new ArrayList<>()), done));
        send(context, Messages.encode(id(dump.request()), clientIndex, context, dump::encodeFields),
                Messages.encode(id(Messages.CONTROL_PING_TYPE), clientIndex, context, out -> { }));
        List<D> result = new ArrayList<>();
        for (byte[] details : await(done, context, dump.request().name())) {
            result.add(dump.decodeDetails(new WireReader(details)));
        }
        return result;
    }

    /**
     * Delivers every message of {@code type} that arrives unsolicited (an event) to {@code handler}, in order, on the
     * client's event thread (which may call this client). Replaces an earlier handler of that type.
     */
    public void subscribe(MessageType type, Consumer<WireReader> handler) {
        eventHandlers.put(id(type), Objects.requireNonNull(handler, "handler"));
    }

    /** Subscribes to interface events and enables them ({@code want_interface_events}). */
    public void onInterfaceEvents(Consumer<Messages.SwInterfaceEvent> handler) throws IOException {
        subscribe(Messages.SwInterfaceEvent.TYPE, in -> handler.accept(Messages.SwInterfaceEvent.decode(in)));
        call(new Messages.WantInterfaceEvents(true, (int) ProcessHandle.current().pid()));
    }

    /** Called once, on the reader thread, when the connection fails or VPP closes it (not on {@link #close()}). */
    public void onDisconnect(Consumer<IOException> listener) {
        this.onDisconnect = Objects.requireNonNull(listener, "listener");
    }

    /** Whether the connection is still usable. */
    public boolean isConnected() {
        // Not reader.isAlive() alone: the reader thread is still alive while it runs the disconnect listener.
        return !readerStopped && channel.isOpen() && reader.isAlive();
    }

    private int nextContext() {
        int context;
        do {
            context = contexts.incrementAndGet();
        } while (context == 0 || pending.containsKey(context));
        return context;
    }

    private void send(int context, byte[]... payloads) throws IOException {
        try {
            synchronized (writeLock) {
                for (byte[] payload : payloads) {
                    Frames.write(channel, payload);
                }
            }
        } catch (IOException e) {
            pending.remove(context);
            throw e;
        }
    }

    private <T> T await(CompletableFuture<T> future, int context, String request) throws IOException {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("VPP did not answer " + request + " within " + timeout
                    + " (VPP drops malformed requests without a reply)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException(request + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for VPP to answer " + request);
        } finally {
            pending.remove(context);
        }
    }

    private void readLoop(Frames.Reader frames) {
        IOException failure;
        try {
            while (true) {
                dispatch(frames.next());
            }
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new IOException("VPP API reader failed: " + e, e);
        }
        readerStopped = true;
        IOException cause = closing ? new IOException("client closed") : failure;
        pending.values().forEach(p -> {
            switch (p) {
                case Single s -> s.reply().completeExceptionally(cause);
                case Dump d -> d.done().completeExceptionally(cause);
            }
        });
        if (!closing) {
            LOG.warn("VPP API connection lost: {}", failure.toString());
            try {
                onDisconnect.accept(failure);
            } catch (RuntimeException e) {
                LOG.warn("disconnect listener failed", e);
            }
        }
    }

    private void dispatch(byte[] message) {
        WireReader in = new WireReader(message);
        int id = in.u16();
        Consumer<WireReader> handler = eventHandlers.get(id);
        if (handler != null) {
            events.execute(() -> {
                try {
                    handler.accept(new WireReader(message));
                } catch (RuntimeException e) {
                    LOG.warn("VPP event handler for message id {} failed", id, e);
                }
            });
            return;
        }
        if (message.length < 6) {
            LOG.debug("ignoring a {}-byte message with id {}", message.length, id);
            return;
        }
        int context = in.u32();
        Pending waiting = pending.get(context);
        switch (waiting) {
            case null -> LOG.debug("ignoring message id {} for context {} (nobody waits: timed out?)", id, context);
            case Single single -> single.reply().complete(message);
            case Dump dump when id == pingReplyId -> dump.done().complete(List.copyOf(dump.details()));
            case Dump dump when id == dump.detailsId() -> dump.details().add(message);
            case Dump dump -> LOG.debug("ignoring message id {} within dump context {}", id, context);
        }
    }

    /** Unregisters ({@code sockclnt_delete}, best effort) and closes the socket; waiting callers fail. */
    @Override
    public void close() {
        closing = true; // VPP may hang up right after its sockclnt_delete reply: that is no lost connection
        if (channel.isOpen() && reader.isAlive()) {
            try {
                int context = nextContext();
                CompletableFuture<byte[]> reply = new CompletableFuture<>();
                pending.put(context, new Single(reply));
                send(context, Messages.encode(id(Messages.SOCKCLNT_DELETE), clientIndex, context,
                        out -> out.u32(clientIndex)));
                reply.get(Math.min(timeout.toMillis(), 1000), TimeUnit.MILLISECONDS);
            } catch (IOException | ExecutionException | TimeoutException | RuntimeException e) {
                LOG.debug("sockclnt_delete failed: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the VPP API socket: {}", e.toString());
        }
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.shutdown();
    }
}
