package dev.uniplane.linux.internal.ffm;

import dev.uniplane.linux.Errno;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.NativeCall;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Thin libc downcalls, linked and called through {@link NativeCall}. Every call that can fail captures errno, read
 * right after the call returns (never in a later call), and a failure is thrown as {@link LinuxException} naming the
 * call and its object. {@code EINTR} is retried where the call is restartable.
 * Needs {@code --enable-native-access=dev.uniplane.linux} (module path) or {@code ALL-UNNAMED} (class path).
 */
public final class LibC {
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int MSG_PEEK = 0x2;
    public static final int MSG_TRUNC = 0x20;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_TRUNC = 0x200;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;
    public static final int MS_BIND = 0x1000;
    public static final int MS_REC = 0x4000;
    public static final int MS_SHARED = 1 << 20;
    public static final int MNT_DETACH = 2;

    private static final MethodHandle SOCKET = errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = errnoCall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME =
            errnoCall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT = errnoCall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDTO = errnoCall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV =
            errnoCall("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle WRITE =
            errnoCall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETNS = errnoCall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle UNSHARE = errnoCall("unshare", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN = errnoCall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL = errnoCall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MOUNT = errnoCall("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle UMOUNT2 = errnoCall("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle MKDIR = errnoCall("mkdir", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle UNLINK = errnoCall("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle IF_NAMETOINDEX =
            errnoCall("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle GETPID = NativeCall.link(NativeCall.libc(), "getpid", FunctionDescriptor.of(JAVA_INT));

    private LibC() {
    }

    private static MethodHandle errnoCall(String name, FunctionDescriptor fd, Linker.Option... extra) {
        return NativeCall.linkCapturingErrno(NativeCall.libc(), name, fd, extra);
    }

    private static LinuxException fail(String call, String object, MemorySegment capture) {
        return new LinuxException(call, object, NativeCall.errno(capture), null);
    }

    public static int socket(int domain, int type, int protocol) {
        MemorySegment c = NativeCall.errnoSegment();
        int fd = NativeCall.invokeInt(() -> (int) SOCKET.invokeExact(c, domain, type, protocol));
        if (fd < 0) {
            throw fail("socket", "domain " + domain + " protocol " + protocol, c);
        }
        return fd;
    }

    public static void bind(int fd, MemorySegment addr, int len) {
        MemorySegment c = NativeCall.errnoSegment();
        if (NativeCall.invokeInt(() -> (int) BIND.invokeExact(c, fd, addr, len)) < 0) {
            throw fail("bind", "fd " + fd, c);
        }
    }

    public static void getsockname(int fd, MemorySegment addr, MemorySegment lenPtr) {
        MemorySegment c = NativeCall.errnoSegment();
        if (NativeCall.invokeInt(() -> (int) GETSOCKNAME.invokeExact(c, fd, addr, lenPtr)) < 0) {
            throw fail("getsockname", "fd " + fd, c);
        }
    }

    /** {@code setsockopt} with an int value; returns 0 or the errno (callers decide whether a failure matters). */
    public static int setsockoptInt(int fd, int level, int option, int value) {
        try (Arena arena = Arena.ofConfined()) {
            return setsockopt(fd, level, option, arena.allocateFrom(JAVA_INT, value));
        }
    }

    /** {@code setsockopt} with a {@code struct timeval} of {@code millis} (SO_RCVTIMEO, SO_SNDTIMEO); returns 0 or the errno. */
    public static int setsockoptTimeval(int fd, int level, int option, long millis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(16, 8);
            v.set(JAVA_LONG, 0, millis / 1000);
            v.set(JAVA_LONG, 8, (millis % 1000) * 1000);
            return setsockopt(fd, level, option, v);
        }
    }

    private static int setsockopt(int fd, int level, int option, MemorySegment value) {
        MemorySegment c = NativeCall.errnoSegment();
        int len = (int) value.byteSize();
        int r = NativeCall.invokeInt(() -> (int) SETSOCKOPT.invokeExact(c, fd, level, option, value, len));
        return r < 0 ? NativeCall.errno(c) : 0;
    }

    public static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        MemorySegment c = NativeCall.errnoSegment();
        while (true) {
            long n = NativeCall.invokeLong(() -> (long) SENDTO.invokeExact(c, fd, buf, len, flags, addr, addrLen));
            if (n >= 0) {
                return n;
            }
            if (NativeCall.errno(c) != Errno.EINTR) {
                throw fail("sendto", "fd " + fd, c);
            }
        }
    }

    public static long recv(int fd, MemorySegment buf, long len, int flags) {
        MemorySegment c = NativeCall.errnoSegment();
        while (true) {
            long n = NativeCall.invokeLong(() -> (long) RECV.invokeExact(c, fd, buf, len, flags));
            if (n >= 0) {
                return n;
            }
            if (NativeCall.errno(c) != Errno.EINTR) {
                throw fail("recv", "fd " + fd, c);
            }
        }
    }

    /** {@code write(2)}, retried on EINTR; returns the bytes written. */
    public static long write(int fd, MemorySegment buf, long len, String object) {
        MemorySegment c = NativeCall.errnoSegment();
        while (true) {
            long n = NativeCall.invokeLong(() -> (long) WRITE.invokeExact(c, fd, buf, len));
            if (n >= 0) {
                return n;
            }
            if (NativeCall.errno(c) != Errno.EINTR) {
                throw fail("write", object, c);
            }
        }
    }

    public static void close(int fd) {
        MemorySegment c = NativeCall.errnoSegment();
        if (NativeCall.invokeInt(() -> (int) CLOSE.invokeExact(c, fd)) < 0) {
            throw fail("close", "fd " + fd, c);
        }
    }

    public static void setns(int fd, int nstype, String object) {
        MemorySegment c = NativeCall.errnoSegment();
        if (NativeCall.invokeInt(() -> (int) SETNS.invokeExact(c, fd, nstype)) < 0) {
            throw fail("setns", object, c);
        }
    }

    public static void unshare(int flags) {
        MemorySegment c = NativeCall.errnoSegment();
        if (NativeCall.invokeInt(() -> (int) UNSHARE.invokeExact(c, flags)) < 0) {
            throw fail("unshare", "flags 0x" + Integer.toHexString(flags), c);
        }
    }

    public static int open(String path, int flags, int mode) {
        MemorySegment c = NativeCall.errnoSegment();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path);
            int fd = NativeCall.invokeInt(() -> (int) OPEN.invokeExact(c, p, flags, mode));
            if (fd < 0) {
                throw fail("open", path, c);
            }
            return fd;
        }
    }

    public static int ioctl(int fd, long request, MemorySegment arg, String object) {
        MemorySegment c = NativeCall.errnoSegment();
        int r = NativeCall.invokeInt(() -> (int) IOCTL.invokeExact(c, fd, request, arg));
        if (r < 0) {
            throw fail("ioctl 0x" + Long.toHexString(request), object, c);
        }
        return r;
    }

    /** {@code mount(2)}; {@code null} strings are passed as NULL. */
    public static void mount(String source, String target, String fsType, long flags) {
        MemorySegment c = NativeCall.errnoSegment();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = str(arena, source);
            MemorySegment t = str(arena, target);
            MemorySegment f = str(arena, fsType);
            if (NativeCall.invokeInt(() -> (int) MOUNT.invokeExact(c, s, t, f, flags, MemorySegment.NULL)) < 0) {
                throw fail("mount", target, c);
            }
        }
    }

    public static void umount2(String target, int flags) {
        MemorySegment c = NativeCall.errnoSegment();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = arena.allocateFrom(target);
            if (NativeCall.invokeInt(() -> (int) UMOUNT2.invokeExact(c, t, flags)) < 0) {
                throw fail("umount2", target, c);
            }
        }
    }

    public static void mkdir(String path, int mode) {
        MemorySegment c = NativeCall.errnoSegment();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path);
            if (NativeCall.invokeInt(() -> (int) MKDIR.invokeExact(c, p, mode)) < 0) {
                throw fail("mkdir", path, c);
            }
        }
    }

    public static void unlink(String path) {
        MemorySegment c = NativeCall.errnoSegment();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path);
            if (NativeCall.invokeInt(() -> (int) UNLINK.invokeExact(c, p)) < 0) {
                throw fail("unlink", path, c);
            }
        }
    }

    /** Interface index in the calling thread's netns. */
    public static int ifNameToIndex(String name) {
        MemorySegment c = NativeCall.errnoSegment();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocateFrom(name);
            int index = NativeCall.invokeInt(() -> (int) IF_NAMETOINDEX.invokeExact(c, n));
            if (index == 0) {
                throw fail("if_nametoindex", name, c);
            }
            return index;
        }
    }

    public static int getpid() {
        return NativeCall.invokeInt(() -> (int) GETPID.invokeExact());
    }

    private static MemorySegment str(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }
}
