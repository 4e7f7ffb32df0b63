package dev.uniplane.linux.internal.netlink;

import dev.uniplane.linux.Errno;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.internal.ffm.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A NETLINK socket (SOCK_RAW | SOCK_CLOEXEC) bound to a kernel-assigned port, with NETLINK_EXT_ACK, NETLINK_CAP_ACK and
 * NETLINK_GET_STRICT_CHK on.
 * It acts on the network namespace of the thread that opened it, from any thread afterwards. Every method is
 * {@code synchronized}, so one request/answer exchange runs at a time.
 */
public final class NetlinkSocket implements AutoCloseable {
    public static final int NETLINK_ROUTE = 0;
    public static final int NETLINK_SOCK_DIAG = 4;
    public static final int NETLINK_ADD_MEMBERSHIP = 1;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;
    public static final int NETLINK_GET_STRICT_CHK = 12;
    public static final int NLM_F_REQUEST = 1;
    public static final int NLM_F_MULTI = 2;
    public static final int NLM_F_ACK = 4;
    public static final int NLM_F_DUMP = 0x300;
    /** Receive buffers must hold at least 64 KiB (GETLINK of a PF grows ~300 B per VF); the default is 4x that. */
    public static final int MIN_RECV_BUFFER = 64 * 1024;
    private static final int SOCKADDR_NL_SIZE = 12;
    private static final int DUMP_ATTEMPTS = 3;
    private static final int NLM_F_DUMP_INTR = 0x10;

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final MemorySegment kernelAddress;
    private MemorySegment recvBuffer;
    private MemorySegment sendBuffer;
    private int seq;
    private boolean closed;

    private NetlinkSocket(int fd, int receiveBuffer) {
        this.fd = fd;
        this.kernelAddress = arena.allocate(SOCKADDR_NL_SIZE, 4);
        kernelAddress.set(ValueLayout.JAVA_SHORT, 0, (short) LibC.AF_NETLINK);
        this.recvBuffer = arena.allocate(receiveBuffer, 8);
        this.sendBuffer = arena.allocate(64 * 1024, 8);
        this.seq = (int) (System.nanoTime() & 0x3fffffff);
    }

    /** Opens a socket in the calling thread's network namespace with a 256 KiB receive buffer. */
    public static NetlinkSocket open(int protocol) {
        return open(protocol, 4 * MIN_RECV_BUFFER);
    }

    /**
     * Opens a socket in the calling thread's network namespace. {@code receiveBuffer} is only the starting size: a
     * datagram that does not fit is detected with MSG_PEEK|MSG_TRUNC and the buffer grows before it is read.
     */
    public static NetlinkSocket open(int protocol, int receiveBuffer) {
        int fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
        NetlinkSocket s;
        try {
            s = new NetlinkSocket(fd, receiveBuffer);
        } catch (RuntimeException | Error e) {
            LibC.close(fd);
            throw e;
        }
        try {
            MemorySegment local = s.arena.allocate(SOCKADDR_NL_SIZE, 4);
            local.set(ValueLayout.JAVA_SHORT, 0, (short) LibC.AF_NETLINK);
            LibC.bind(fd, local, SOCKADDR_NL_SIZE);
            LibC.setsockoptInt(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
            LibC.setsockoptInt(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
            // strict header checks let dumps filter in the kernel (route table, address ifindex)
            LibC.setsockoptInt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public int fd() {
        return fd;
    }

    /** Current receive buffer size in bytes. */
    public synchronized long receiveBufferSize() {
        return recvBuffer.byteSize();
    }

    /** Raises SO_SNDBUF/SO_RCVBUF (FORCE variants first, as root) for batched requests. */
    public synchronized void setBufferSizes(int send, int receive) {
        if (LibC.setsockoptInt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUFFORCE, send) != 0) {
            LibC.setsockoptInt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUF, send);
        }
        if (LibC.setsockoptInt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, receive) != 0) {
            LibC.setsockoptInt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, receive);
        }
    }

    /** Subscribes to multicast group {@code group} of this socket's netlink family (its broadcasts arrive in {@link #receive}). */
    public synchronized void joinGroup(int group) {
        ensureOpen();
        int errno = LibC.setsockoptInt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group);
        if (errno != 0) {
            throw new LinuxException("join netlink group", "group " + group, errno, "setsockopt NETLINK_ADD_MEMBERSHIP");
        }
    }

    /** Makes {@link #receive} fail with EAGAIN when nothing arrived for {@code millis} (0: wait forever). */
    public synchronized void setReceiveTimeout(long millis) {
        ensureOpen();
        int errno = LibC.setsockoptTimeval(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, millis);
        if (errno != 0) {
            throw new LinuxException("set receive timeout", "netlink", errno, "setsockopt SO_RCVTIMEO");
        }
    }

    public synchronized int nextSeq() {
        seq = (seq + 1) & 0x7fffffff;
        return seq == 0 ? ++seq : seq;
    }

    /** Sends all messages in the builder in one datagram. */
    public synchronized void send(NlBuilder messages) {
        ensureOpen();
        int len = messages.size();
        if (sendBuffer.byteSize() < len) {
            sendBuffer = arena.allocate(Math.max(len, sendBuffer.byteSize() * 2), 8);
        }
        MemorySegment.copy(messages.array(), 0, sendBuffer, ValueLayout.JAVA_BYTE, 0, len);
        long n = LibC.sendto(fd, sendBuffer, len, 0, kernelAddress, SOCKADDR_NL_SIZE);
        if (n != len) {
            throw new LinuxException("sendto", "netlink", Errno.EMSGSIZE, "short send " + n + " of " + len);
        }
    }

    /** Receives one datagram (growing the buffer if it would be truncated) and splits it into messages. */
    public synchronized List<NlMessage> receive() {
        ensureOpen();
        long peek = LibC.recv(fd, recvBuffer, recvBuffer.byteSize(), LibC.MSG_PEEK | LibC.MSG_TRUNC);
        if (peek > recvBuffer.byteSize()) {
            recvBuffer = arena.allocate(Math.max(peek, recvBuffer.byteSize() * 2), 8);
        }
        long n = LibC.recv(fd, recvBuffer, recvBuffer.byteSize(), 0);
        byte[] data = recvBuffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        return NlMessage.parseAll(ByteBuffer.wrap(data).order(ByteOrder.nativeOrder()));
    }

    /** Sends one request with NLM_F_ACK already set and waits for its ACK; throws on error. */
    public synchronized void request(NlBuilder message, int requestSeq, String operation, String object) {
        send(message);
        while (true) {
            for (NlMessage m : receive()) {
                if (m.seq() != requestSeq) {
                    continue;
                }
                if (m.type() == NlMessage.NLMSG_ERROR) {
                    NlError e = NlError.decodeError(m);
                    if (e.error() != 0) {
                        throw new LinuxException(operation, object, -e.error(), null, e.extAck());
                    }
                    return;
                }
            }
        }
    }

    /**
     * Sends a dump (or single GET) request and returns every data message until NLMSG_DONE. A dump the kernel marks as
     * inconsistent (NLM_F_DUMP_INTR, the table changed meanwhile) is repeated with a fresh sequence number, up to
     * {@value #DUMP_ATTEMPTS} times.
     */
    public synchronized List<NlMessage> dump(NlBuilder message, int requestSeq, String operation, String object) {
        int seqNow = requestSeq;
        for (int attempt = 1; ; attempt++) {
            DumpResult r = dumpOnce(message, seqNow, operation, object);
            if (!r.interrupted() || attempt == DUMP_ATTEMPTS) {
                return r.messages();
            }
            seqNow = nextSeq();
            message.patchU32(8, seqNow);
        }
    }

    private record DumpResult(List<NlMessage> messages, boolean interrupted) {
    }

    private DumpResult dumpOnce(NlBuilder message, int requestSeq, String operation, String object) {
        List<NlMessage> out = new ArrayList<>();
        boolean interrupted = false;
        send(message);
        while (true) {
            for (NlMessage m : receive()) {
                if (m.seq() != requestSeq) {
                    continue;
                }
                interrupted |= (m.flags() & NLM_F_DUMP_INTR) != 0;
                switch (m.type()) {
                    case NlMessage.NLMSG_DONE -> {
                        NlError e = NlError.decodeDone(m);
                        if (e.error() < 0) {
                            throw new LinuxException(operation, object, -e.error(), "dump", e.extAck());
                        }
                        return new DumpResult(out, interrupted);
                    }
                    case NlMessage.NLMSG_ERROR -> {
                        NlError e = NlError.decodeError(m);
                        if (e.error() != 0) {
                            throw new LinuxException(operation, object, -e.error(), null, e.extAck());
                        }
                        if ((m.flags() & NLM_F_MULTI) == 0 && out.isEmpty()) {
                            return new DumpResult(out, interrupted);
                        }
                    }
                    case NlMessage.NLMSG_NOOP, NlMessage.NLMSG_OVERRUN -> {
                    }
                    default -> {
                        out.add(m);
                        if ((m.flags() & NLM_F_MULTI) == 0) {
                            return new DumpResult(out, interrupted);
                        }
                    }
                }
            }
        }
    }

    /**
     * Sends a batch (already in {@code messages}, sequence numbers {@code firstSeq..lastSeq}, the last with NLM_F_ACK) and
     * hands every NLMSG_ERROR in that range to {@code onAck} (errors and ACKs alike) until the last request's answer.
     */
    public synchronized void sendBatch(NlBuilder messages, int firstSeq, int lastSeq, Consumer<NlError> onAck) {
        send(messages);
        while (true) {
            for (NlMessage m : receive()) {
                if (m.type() != NlMessage.NLMSG_ERROR || m.seq() - firstSeq < 0 || m.seq() - lastSeq > 0) {
                    continue;
                }
                NlError e = NlError.decodeError(m);
                onAck.accept(e);
                if (m.seq() == lastSeq) {
                    return;
                }
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("netlink socket closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
            arena.close();
        }
    }
}
