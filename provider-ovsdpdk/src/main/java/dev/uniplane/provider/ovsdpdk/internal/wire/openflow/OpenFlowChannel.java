package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.BarrierRequest;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.BundleAdd;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.BundleControl;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.BundleControlType;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.EchoReply;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.EchoRequest;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FeaturesReply;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FeaturesRequest;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowStatsReply;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowStatsRequest;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.Hello;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.PortStatsReply;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.PortStatsRequest;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenFlow 1.3 connection to one bridge over vswitchd's {@code <bridge>.mgmt} UNIX socket (no controller
 * configuration needed). Negotiates 1.3 with a version-bitmap HELLO, answers the switch's ECHO requests, and offers
 * request/reply (multipart replies reassembled across REPLY_MORE), batches of flow/group mods closed by a BARRIER, and
 * atomic bundles. An ERROR is mapped back, by xid, to the label the caller gave the offending message. A dedicated
 * platform thread reads; any thread may call.
 */
public final class OpenFlowChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenFlowChannel.class);
    private static final long BITMAP_OF13 = 1L << Codec.VERSION;

    private final SocketChannel channel;
    private final Path socket;
    private final Duration timeout;
    private final Object writeLock = new Object();
    private final AtomicInteger nextXid = new AtomicInteger(1);
    private final AtomicInteger nextBundleId = new AtomicInteger(1);
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Integer, Batch> watched = new ConcurrentHashMap<>();
    private final CompletableFuture<Hello> peerHello = new CompletableFuture<>();
    private final Thread reader;
    private volatile Consumer<OfMessage> asyncListener = m -> { };
    private volatile OpenFlowException lost;
    private volatile long echoesAnswered;
    private FeaturesReply features;

    /** A request waiting for its reply (several parts for multipart). */
    private record Pending(String label, CompletableFuture<List<OfMessage>> future, List<OfMessage> parts) {
    }

    /** Messages without a success reply whose errors are collected until their barrier (or commit) returns. */
    private record Batch(Map<Integer, String> labels, List<OpenFlowException> errors) {
    }

    private OpenFlowChannel(SocketChannel channel, Path socket, Duration timeout) {
        this.channel = channel;
        this.socket = socket;
        this.timeout = timeout;
        this.reader = Thread.ofPlatform().daemon(true).name("openflow-reader " + socket.getFileName()).unstarted(this::readLoop);
    }

    /** Connects to {@code <OVS_RUNDIR>/<bridge>.mgmt}, exchanges HELLOs and reads the switch's features. */
    public static OpenFlowChannel connect(Path mgmtSocket, Duration timeout) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(mgmtSocket));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new OpenFlowException("connect " + mgmtSocket, "cannot connect",
                    e.getMessage() + "; does the bridge exist and is ovs-vswitchd running?", e);
        }
        OpenFlowChannel of = new OpenFlowChannel(channel, mgmtSocket, timeout);
        of.reader.start();
        try {
            of.handshake();
            return of;
        } catch (RuntimeException e) {
            of.close();
            throw e;
        }
    }

    private void handshake() {
        write(Codec.encode(new Hello(nextXid(), Codec.VERSION, BITMAP_OF13)));
        Hello theirs = await("hello", peerHello);
        boolean supports13 = theirs.versionBitmap() != 0 ? (theirs.versionBitmap() & BITMAP_OF13) != 0 : theirs.version() >= Codec.VERSION;
        if (!supports13) {
            throw new OpenFlowException("hello", "HELLO_FAILED/INCOMPATIBLE", "the switch offers version " + theirs.version()
                    + " bitmap 0x" + Long.toHexString(theirs.versionBitmap()) + "; enable OpenFlow13 in Bridge.protocols", null);
        }
        features = (FeaturesReply) request("features", new FeaturesRequest(0)).getFirst();
    }

    /** The FEATURES_REPLY of the handshake (datapath id, table count). */
    public FeaturesReply features() {
        return features;
    }

    /** The socket path. */
    public Path socket() {
        return socket;
    }

    /** How many ECHO_REQUESTs of the switch this channel answered. */
    public long echoesAnswered() {
        return echoesAnswered;
    }

    /** Receives asynchronous messages (PORT_STATUS, unmatched errors) on the reader thread. */
    public void onAsync(Consumer<OfMessage> listener) {
        this.asyncListener = listener;
    }

    private volatile Runnable lostListener;

    /**
     * Runs {@code listener} once (on the reader thread) when the switch closes the connection, reading fails or a request
     * times out; not after {@link #close()}. If the connection is lost already, runs it at once.
     */
    public void onLost(Runnable listener) {
        this.lostListener = listener;
        if (lost != null && !closedByClient) {
            fireLost();
        }
    }

    private volatile boolean closedByClient;
    private final java.util.concurrent.atomic.AtomicBoolean lostFired = new java.util.concurrent.atomic.AtomicBoolean();

    private void fireLost() {
        Runnable l = lostListener;
        if (l != null && !closedByClient && lostFired.compareAndSet(false, true)) {
            l.run();
        }
    }

    private int nextXid() {
        return nextXid.getAndIncrement();
    }

    /**
     * Sends a request and waits for its reply (all parts of a multipart reply). An ERROR for it throws
     * {@link OpenFlowException} naming {@code label}.
     */
    public List<OfMessage> request(String label, OfMessage message) {
        int xid = nextXid();
        Pending p = new Pending(label, new CompletableFuture<>(), new ArrayList<>());
        pending.put(xid, p);
        try {
            write(withXid(Codec.encode(message), xid, message));
            return await(label, p.future());
        } finally {
            pending.remove(xid);
        }
    }

    /** BARRIER: returns once the switch processed everything sent before. */
    public void barrier() {
        request("barrier", new BarrierRequest(0));
    }

    /**
     * Sends flow/group mods, then a barrier; throws for the first rejected message (naming its label; the others'
     * errors are suppressed). Not atomic: the accepted messages stay in force. Use {@link #applyBundle} for all or nothing.
     */
    public void apply(List<Labeled> messages) {
        Batch batch = new Batch(new ConcurrentHashMap<>(), java.util.Collections.synchronizedList(new ArrayList<>()));
        try {
            for (Labeled m : messages) {
                int xid = watch(batch, m.label());
                write(withXid(Codec.encode(m.message()), xid, m.message()));
            }
            barrier();
        } finally {
            batch.labels().keySet().forEach(watched::remove);
        }
        throwFirst(batch, null);
    }

    /**
     * Applies the messages as one atomic, ordered bundle: OPEN, ADD each, COMMIT. If the switch rejects any message
     * (when added or at commit) nothing of the bundle is in force, and the exception names that message's label.
     */
    public void applyBundle(List<Labeled> messages) {
        long bundleId = nextBundleId.getAndIncrement();
        int flags = OfMessage.BUNDLE_ATOMIC | OfMessage.BUNDLE_ORDERED;
        bundleControl(bundleId, BundleControlType.OPEN_REQUEST, flags);
        Batch batch = new Batch(new ConcurrentHashMap<>(), java.util.Collections.synchronizedList(new ArrayList<>()));
        try {
            for (Labeled m : messages) {
                int xid = watch(batch, m.label());
                // The embedded message carries the same xid as the ADD, so errors at commit time map back to it.
                write(withXid(Codec.encode(new BundleAdd(0, bundleId, flags, m.message())), xid, new BundleAdd(0, bundleId, flags,
                        m.message())));
            }
            barrier();
            if (!batch.errors().isEmpty()) {
                try {
                    bundleControl(bundleId, BundleControlType.DISCARD_REQUEST, flags);
                } catch (OpenFlowException discard) {
                    batch.errors().getFirst().addSuppressed(discard);
                }
                throwFirst(batch, null);
            }
            try {
                bundleControl(bundleId, BundleControlType.COMMIT_REQUEST, flags);
            } catch (OpenFlowException commitFailed) {
                throwFirst(batch, commitFailed);
                throw commitFailed;
            }
        } finally {
            batch.labels().keySet().forEach(watched::remove);
        }
    }

    private void bundleControl(long bundleId, BundleControlType type, int flags) {
        List<OfMessage> reply = request("bundle " + bundleId + " " + type, new BundleControl(0, bundleId, type, flags));
        BundleControlType expected = BundleControlType.values()[type.ordinal() + 1];
        if (!(reply.getFirst() instanceof BundleControl c) || c.type() != expected) {
            throw new OpenFlowException("bundle " + bundleId + " " + type, "unexpected reply", String.valueOf(reply.getFirst()), null);
        }
    }

    private int watch(Batch batch, String label) {
        int xid = nextXid();
        batch.labels().put(xid, label);
        watched.put(xid, batch);
        return xid;
    }

    private static void throwFirst(Batch batch, OpenFlowException also) {
        List<OpenFlowException> errors;
        synchronized (batch.errors()) {
            errors = List.copyOf(batch.errors());
        }
        if (errors.isEmpty()) {
            return;
        }
        OpenFlowException first = errors.getFirst();
        errors.subList(1, errors.size()).forEach(first::addSuppressed);
        if (also != null) {
            first.addSuppressed(also);
        }
        throw first;
    }

    /** Every flow of the bridge (all tables), reassembled from all reply parts. */
    public List<FlowStats> flowStats() {
        return flowStats(FlowStatsRequest.all(0));
    }

    /** The flows selected by {@code request} (its xid is replaced). */
    public List<FlowStats> flowStats(FlowStatsRequest request) {
        List<FlowStats> flows = new ArrayList<>();
        for (OfMessage part : request("flow stats", request)) {
            flows.addAll(((FlowStatsReply) part).flows());
        }
        return flows;
    }

    /** Counters of every port (including LOCAL). */
    public List<PortStats> portStats() {
        List<PortStats> ports = new ArrayList<>();
        for (OfMessage part : request("port stats", new PortStatsRequest(0, Action.PORT_ANY))) {
            ports.addAll(((PortStatsReply) part).ports());
        }
        return ports;
    }

    private static byte[] withXid(byte[] encoded, int xid, OfMessage message) {
        ByteBuffer b = ByteBuffer.wrap(encoded);
        b.putInt(4, xid);
        if (message instanceof BundleAdd) {
            b.putInt(24 + 4, xid);
        }
        return encoded;
    }

    private <T> T await(String label, CompletableFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // A switch that does not answer is treated as gone (like OVS's inactivity probe): the channel closes and the
            // owner's onLost listener reconnects and reconciles, instead of reusing a channel with replies still in flight.
            connectionLost("no reply to " + label + " within " + timeout, null);
            throw new OpenFlowException(label, "timeout", "no reply from " + socket + " within " + timeout, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenFlowException(label, "interrupted", "", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof OpenFlowException of) {
                throw of;
            }
            throw new OpenFlowException(label, "failed", String.valueOf(e.getCause()), e.getCause());
        }
    }

    private void write(byte[] bytes) {
        OpenFlowException gone = lost;
        if (gone != null) {
            throw gone;
        }
        synchronized (writeLock) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                throw connectionLost("write to " + socket + " failed: " + e.getMessage(), e);
            }
        }
    }

    private void readLoop() {
        try (DataInputStream in = new DataInputStream(Channels.newInputStream(channel))) {
            byte[] header = new byte[Codec.HEADER];
            while (true) {
                in.readFully(header);
                int length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
                if (length < Codec.HEADER) {
                    throw new IOException("message length " + length + " < 8");
                }
                byte[] frame = new byte[length];
                System.arraycopy(header, 0, frame, 0, Codec.HEADER);
                in.readFully(frame, Codec.HEADER, length - Codec.HEADER);
                dispatch(Codec.decode(frame));
            }
        } catch (EOFException e) {
            connectionLost("the switch closed the connection (" + socket + ")", e);
        } catch (IOException | RuntimeException e) {
            connectionLost(lost == null ? "read from " + socket + " failed: " + e : "closed", e);
        }
        fireLost();
    }

    private void dispatch(OfMessage message) {
        switch (message) {
            case Hello h -> peerHello.complete(h);
            case EchoRequest e -> {
                write(Codec.encode(new EchoReply(e.xid(), e.data())));
                echoesAnswered++;
            }
            case OfMessage.Error e -> {
                Pending p = pending.get(e.xid());
                Batch b = watched.get(e.xid());
                if (p != null) {
                    p.future().completeExceptionally(new OpenFlowException(p.label(), e));
                } else if (b != null) {
                    b.errors().add(new OpenFlowException(b.labels().getOrDefault(e.xid(), "xid " + e.xid()), e));
                } else {
                    LOG.warn("unsolicited OpenFlow error {} for xid {} on {}", e.name(), e.xid(), socket);
                    asyncListener.accept(e);
                }
            }
            default -> {
                Pending p = pending.get(message.xid());
                if (p == null) {
                    asyncListener.accept(message);
                    return;
                }
                p.parts().add(message);
                boolean more = message instanceof FlowStatsReply f && f.more() || message instanceof PortStatsReply r && r.more();
                if (!more) {
                    p.future().complete(List.copyOf(p.parts()));
                }
            }
        }
    }

    private OpenFlowException connectionLost(String detail, Throwable cause) {
        OpenFlowException e;
        synchronized (this) {
            if (lost == null) {
                lost = new OpenFlowException("channel " + socket, "connection closed", detail, cause);
            }
            e = lost;
        }
        pending.values().forEach(p -> p.future().completeExceptionally(e));
        peerHello.completeExceptionally(e);
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing
        }
        return e;
    }

    /** Closes the socket; pending requests fail. Idempotent. */
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
