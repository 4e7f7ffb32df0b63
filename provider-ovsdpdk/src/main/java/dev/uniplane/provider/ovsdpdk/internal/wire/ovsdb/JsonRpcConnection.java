package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 1.0 over a stream socket (UNIX or TCP) as OVSDB speaks it: requests with numeric ids, replies matched by id,
 * notifications ({@code "id":null}) handed to a listener on the reader thread, and the server's {@code echo} requests
 * answered at once so that a TCP remote does not drop an idle connection. A dedicated platform thread reads; any thread
 * may call. Once the connection is lost every pending and later call throws {@link OvsdbException.ConnectionLost}.
 */
public final class JsonRpcConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JsonRpcConnection.class);

    private final SocketChannel channel;
    private final String peer;
    private final Object writeLock = new Object();
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final BiConsumer<String, JsonNode> notificationListener;
    private final Thread reader;
    private volatile OvsdbException.ConnectionLost lost;
    private volatile long echoesAnswered;
    private volatile boolean closedByClient;
    private volatile Runnable lostListener;
    private final java.util.concurrent.atomic.AtomicBoolean lostReported = new java.util.concurrent.atomic.AtomicBoolean();

    private JsonRpcConnection(SocketChannel channel, String peer, BiConsumer<String, JsonNode> notificationListener) {
        this.channel = channel;
        this.peer = peer;
        this.notificationListener = notificationListener;
        this.reader = Thread.ofPlatform().daemon(true).name("ovsdb-reader " + peer).unstarted(this::readLoop);
    }

    /**
     * Connects to a UNIX socket path or a TCP address and starts the reader. {@code notificationListener} receives
     * (method, params) of every notification, on the reader thread; it must not block on this connection.
     */
    public static JsonRpcConnection open(SocketAddress address, BiConsumer<String, JsonNode> notificationListener) {
        SocketChannel channel;
        try {
            channel = address instanceof UnixDomainSocketAddress
                    ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
            try {
                channel.connect(address);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new OvsdbException.ConnectionLost("ovsdb connect " + describe(address),
                    "cannot connect: " + e.getMessage() + "; is ovsdb-server running?", e);
        }
        JsonRpcConnection connection = new JsonRpcConnection(channel, describe(address), notificationListener);
        connection.reader.start();
        return connection;
    }

    private static String describe(SocketAddress address) {
        return address instanceof UnixDomainSocketAddress u ? "unix:" + u.getPath() : "tcp:" + address;
    }

    /** The peer as {@code unix:<path>} or {@code tcp:<host:port>}. */
    public String peer() {
        return peer;
    }

    /** How many server echo requests this connection answered (keepalive on TCP remotes). */
    public long echoesAnswered() {
        return echoesAnswered;
    }

    /** True until the connection is closed or lost. */
    public boolean isOpen() {
        return lost == null && channel.isOpen();
    }

    /**
     * Sends {@code method(params)} and waits for the reply; returns its {@code result}. A reply with a non-null
     * top-level {@code error} becomes an {@link OvsdbException} naming the method.
     */
    public JsonNode call(String method, ArrayNode params, Duration timeout) {
        CompletableFuture<JsonNode> reply = send(method, params);
        JsonNode message;
        try {
            message = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw OvsdbException.rpc(method, "timeout", "no reply from " + peer + " within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OvsdbException.rpc(method, "interrupted", "while waiting for " + peer);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof OvsdbException.ConnectionLost cl) {
                throw new OvsdbException.ConnectionLost("ovsdb " + method, cl.getMessage(), cl);
            }
            throw OvsdbException.rpc(method, "failed", String.valueOf(e.getCause()));
        }
        JsonNode error = message.get("error");
        if (error != null && !error.isNull()) {
            String code = error.isTextual() ? error.textValue() : error.path("error").asText(error.toString());
            String details = error.isObject() ? error.path("details").asText("") : "";
            throw OvsdbException.rpc(method, code, details);
        }
        JsonNode result = message.get("result");
        return result == null ? OvsdbJson.NODES.nullNode() : result;
    }

    /** Sends a request without waiting; the future completes with the whole reply message. */
    public CompletableFuture<JsonNode> send(String method, ArrayNode params) {
        OvsdbException.ConnectionLost gone = lost;
        if (gone != null) {
            throw new OvsdbException.ConnectionLost("ovsdb " + method, gone.getMessage(), gone);
        }
        long id = nextId.getAndIncrement();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode request = OvsdbJson.NODES.objectNode().put("id", id).put("method", method);
        request.set("params", params);
        try {
            write(request);
        } catch (OvsdbException.ConnectionLost e) {
            pending.remove(id);
            throw e;
        }
        return reply;
    }

    private void write(ObjectNode message) {
        byte[] bytes;
        try {
            bytes = OvsdbJson.MAPPER.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + message, e);
        }
        synchronized (writeLock) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                throw connectionLost("write to " + peer + " failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Runs {@code listener} once when the server side goes away (EOF or I/O error), never after {@link #close()}; at
     * once if that happened already. It runs on the reader thread and must not block.
     */
    public void onLost(Runnable listener) {
        lostListener = listener;
        if (!reader.isAlive() && lost != null) {
            reportLost();
        }
    }

    private void reportLost() {
        Runnable listener = lostListener;
        if (!closedByClient && listener != null && lostReported.compareAndSet(false, true)) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("lost-connection listener of {} failed", peer, e);
            }
        }
    }

    private void readLoop() {
        try {
            readMessages();
        } finally {
            reportLost();
        }
    }

    private void readMessages() {
        JsonSplitter splitter = new JsonSplitter();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    connectionLost("the server closed the connection (" + peer + ")", null);
                    return;
                }
                for (byte[] text : splitter.feed(buffer.array(), 0, n)) {
                    dispatch(OvsdbJson.MAPPER.readTree(text));
                }
            }
        } catch (IOException | RuntimeException e) {
            connectionLost(lost == null && channel.isOpen() ? "read from " + peer + " failed: " + e : "closed", e);
        }
    }

    private void dispatch(JsonNode message) {
        JsonNode method = message.get("method");
        JsonNode id = message.get("id");
        if (method != null && !method.isNull()) {
            if ("echo".equals(method.asText()) && id != null && !id.isNull()) {
                ObjectNode reply = OvsdbJson.NODES.objectNode();
                reply.set("id", id);
                reply.set("result", message.path("params"));
                reply.putNull("error");
                write(reply);
                echoesAnswered++;
            } else if (id == null || id.isNull()) {
                try {
                    notificationListener.accept(method.asText(), message.path("params"));
                } catch (RuntimeException e) {
                    LOG.warn("notification {} from {} failed in its listener", method.asText(), peer, e);
                }
            } else {
                LOG.debug("ignoring request {} from {}", method.asText(), peer);
            }
            return;
        }
        CompletableFuture<JsonNode> reply = id != null && id.canConvertToLong() ? pending.remove(id.asLong()) : null;
        if (reply == null) {
            LOG.debug("reply with unknown id from {}: {}", peer, message);
        } else {
            reply.complete(message);
        }
    }

    private OvsdbException.ConnectionLost connectionLost(String detail, Throwable cause) {
        OvsdbException.ConnectionLost e;
        synchronized (this) {
            if (lost == null) {
                lost = new OvsdbException.ConnectionLost("ovsdb " + peer, detail, cause);
            }
            e = lost;
        }
        pending.values().forEach(f -> f.completeExceptionally(e));
        pending.clear();
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing
        }
        return e;
    }

    /** Closes the socket; the reader ends and pending calls fail. Idempotent. */
    @Override
    public void close() {
        closedByClient = true;
        connectionLost("closed by the client", null);
        try {
            reader.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
