package dev.uniplane.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.uniplane.linux.internal.ffm.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Receives a file descriptor that a daemon hands over on a unix socket ({@code SCM_RIGHTS}), which the JDK's unix
 * sockets cannot do: connect, {@code recvmsg} one message with a control buffer, take the first descriptor of its
 * {@code SCM_RIGHTS} control message. VPP's stats socket works this way (a {@code SOCK_SEQPACKET} socket whose one
 * message carries the stats segment's memfd).
 */
public final class UnixFdPassing {
    /** {@code SOCK_STREAM}. */
    public static final int SOCK_STREAM = 1;
    /** {@code SOCK_SEQPACKET}. */
    public static final int SOCK_SEQPACKET = 5;
    private static final int AF_UNIX = 1;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** {@code struct sockaddr_un}: u16 family + char path[108]. */
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int SUN_PATH_MAX = 107;
    /** {@code struct msghdr} on x86_64/aarch64: name@0, namelen@8, iov@16, iovlen@24, control@32, controllen@40, flags@48. */
    private static final int MSGHDR_SIZE = 56;
    /** {@code struct cmsghdr}: size_t len@0, int level@8, int type@12, data@16. */
    private static final int CMSG_DATA = 16;
    private static final int CONTROL_SIZE = 64;

    private static final MethodHandle CONNECT = NativeCall.linkCapturingErrno(NativeCall.libc(), "connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = NativeCall.linkCapturingErrno(NativeCall.libc(), "recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    /** A received descriptor, owned by the caller; {@link #close()} closes it. */
    public static final class PassedFd implements AutoCloseable {
        private final int fd;
        private boolean closed;

        private PassedFd(int fd) {
            this.fd = fd;
        }

        /** The descriptor number in this process. */
        public int fd() {
            return fd;
        }

        /** {@code /proc/self/fd/N}: opening it reopens the same file (a memfd, for example). */
        public Path procPath() {
            return Path.of("/proc/self/fd/" + fd);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                LibC.close(fd);
            }
        }
    }

    private UnixFdPassing() {
    }

    /**
     * Connects to the unix socket {@code socket} ({@code socketType} {@link #SOCK_SEQPACKET} or {@link #SOCK_STREAM}),
     * receives one message and returns the first descriptor it carries; the connection is closed afterwards.
     *
     * @throws LinuxException when a call fails (e.g. {@code ECONNREFUSED}, {@code ENOENT}) or the message carries no
     *                        descriptor ({@code EPROTO})
     */
    public static PassedFd receive(Path socket, int socketType) {
        byte[] path = socket.toString().getBytes(StandardCharsets.UTF_8);
        if (path.length > SUN_PATH_MAX) {
            throw new LinuxException("connect", socket.toString(), Errno.EINVAL, "unix socket path too long");
        }
        int fd = LibC.socket(AF_UNIX, socketType | LibC.SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SOCKADDR_UN_SIZE);
            address.set(JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(path, 0, address, JAVA_BYTE, 2, path.length);
            MemorySegment capture = NativeCall.errnoSegment();
            int connected;
            do {
                connected = NativeCall.invokeInt(() -> (int) CONNECT.invokeExact(capture, fd, address, SOCKADDR_UN_SIZE));
            } while (connected < 0 && NativeCall.errno(capture) == Errno.EINTR);
            if (connected < 0) {
                throw new LinuxException("connect", socket.toString(), NativeCall.errno(capture), null);
            }
            MemorySegment data = arena.allocate(256);
            MemorySegment iov = arena.allocate(16, 8);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, data.byteSize());
            MemorySegment control = arena.allocate(CONTROL_SIZE, 8);
            MemorySegment message = arena.allocate(MSGHDR_SIZE, 8);
            message.set(ADDRESS, 16, iov);
            message.set(JAVA_LONG, 24, 1L);
            message.set(ADDRESS, 32, control);
            message.set(JAVA_LONG, 40, CONTROL_SIZE);
            long received;
            do {
                received = NativeCall.invokeLong(() -> (long) RECVMSG.invokeExact(capture, fd, message, MSG_CMSG_CLOEXEC));
            } while (received < 0 && NativeCall.errno(capture) == Errno.EINTR);
            if (received < 0) {
                throw new LinuxException("recvmsg", socket.toString(), NativeCall.errno(capture), null);
            }
            long controlLength = message.get(JAVA_LONG, 40);
            if (controlLength < CMSG_DATA + 4 || control.get(JAVA_INT, 8) != SOL_SOCKET
                    || control.get(JAVA_INT, 12) != SCM_RIGHTS) {
                throw new LinuxException("recvmsg", socket.toString(), Errno.EPROTO,
                        "the message carried no SCM_RIGHTS descriptor");
            }
            int passed = control.get(JAVA_INT, CMSG_DATA);
            // A sender may pass several descriptors: keep the first, close the others.
            long count = (control.get(JAVA_LONG, 0) - CMSG_DATA) / 4;
            for (int i = 1; i < count && CMSG_DATA + 4L * i + 4 <= CONTROL_SIZE; i++) {
                LibC.close(control.get(JAVA_INT, CMSG_DATA + 4L * i));
            }
            return new PassedFd(passed);
        } finally {
            LibC.close(fd);
        }
    }
}
