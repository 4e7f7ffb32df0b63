package dev.uniplane.linux;

import dev.uniplane.linux.internal.ffm.LibC;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A network namespace handle (an open fd on an nsfs file). Create named namespaces like iproute2 ({@code /run/netns/NAME}
 * bind-mounted from a fresh {@code unshare(CLONE_NEWNET)}), open them by path, name or pid, delete them, and run code
 * inside one with {@link #run(Callable)}: the code runs on a dedicated platform thread that {@code setns}es into the
 * namespace and back to its own saved handle afterwards, so the caller's thread never changes namespace. Sockets opened
 * inside stay bound to the namespace.
 */
public final class NetNs implements AutoCloseable {
    /** Where iproute2 keeps named namespaces. */
    public static final Path RUN_DIR = Path.of("/run/netns");
    private static final Logger LOG = LoggerFactory.getLogger(NetNs.class);
    private static final String THREAD_SELF_NET = "/proc/thread-self/ns/net";
    /** {@code _IO(0xb7, 0x3)}: the namespace type of an nsfs fd (Linux 4.11+). */
    private static final long NS_GET_NSTYPE = 0xb703;

    private final int fd;
    private final Path path;
    private volatile boolean closed;

    private NetNs(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /**
     * Creates {@code /run/netns/NAME} holding a new, empty network namespace (EEXIST if the name is taken) and opens it.
     * The unshare happens on a throwaway platform thread.
     */
    public static NetNs create(String name) {
        validateName(name);
        ensureRunDir();
        Path file = RUN_DIR.resolve(name);
        int fileFd = LibC.open(file.toString(), LibC.O_RDONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, 0);
        LibC.close(fileFd);
        try {
            onPlatformThread("netns-create-" + name, () -> {
                LibC.unshare(LibC.CLONE_NEWNET);
                LibC.mount(THREAD_SELF_NET, file.toString(), "none", LibC.MS_BIND);
                return null;
            });
        } catch (RuntimeException e) {
            try {
                LibC.unlink(file.toString());
            } catch (LinuxException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return open(file);
    }

    /** Opens a namespace file (e.g. {@code /run/netns/x}, {@code /proc/123/ns/net}). */
    public static NetNs open(Path nsFile) {
        return new NetNs(LibC.open(nsFile.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC, 0), nsFile);
    }

    /**
     * Opens a namespace file, or the calling thread's namespace when {@code nsFile} is empty; a failure becomes the
     * exception {@code onFailure} makes of it (a provider's, naming the field of the spec that gave the path).
     */
    public static NetNs open(Optional<Path> nsFile, Function<LinuxException, ? extends RuntimeException> onFailure) {
        try {
            return nsFile.map(NetNs::open).orElseGet(NetNs::current);
        } catch (LinuxException e) {
            throw onFailure.apply(e);
        }
    }

    /** Opens the named namespace {@code /run/netns/NAME}. */
    public static NetNs open(String name) {
        validateName(name);
        return open(RUN_DIR.resolve(name));
    }

    /** Opens the network namespace of a process. */
    public static NetNs ofPid(int pid) {
        return open(Path.of("/proc/" + pid + "/ns/net"));
    }

    /** Opens the calling thread's current network namespace ({@code /proc/thread-self/ns/net}). */
    public static NetNs current() {
        return open(Path.of(THREAD_SELF_NET));
    }

    /** True if {@code /run/netns/NAME} exists. */
    public static boolean exists(String name) {
        validateName(name);
        return Files.exists(RUN_DIR.resolve(name));
    }

    /**
     * Deletes a named namespace: lazy unmount (MNT_DETACH) and unlink. The namespace itself lives on while fds, sockets or
     * processes still use it.
     */
    public static void delete(String name) {
        validateName(name);
        String file = RUN_DIR.resolve(name).toString();
        try {
            LibC.umount2(file, LibC.MNT_DETACH);
        } catch (LinuxException e) {
            if (e.errno() != Errno.EINVAL) {
                throw e;
            }
        }
        LibC.unlink(file);
    }

    /** The namespace fd (valid until {@link #close()}); throws EBADF once closed. */
    public int fd() {
        if (closed) {
            throw new LinuxException("netns fd", path.toString(), Errno.EBADF, "handle is closed");
        }
        return fd;
    }

    public Path path() {
        return path;
    }

    /**
     * True when the handle is a network namespace ({@code NS_GET_NSTYPE} says CLONE_NEWNET). Opening any readable
     * file succeeds, so a regular file, a directory or another namespace type only shows up here (or later as an
     * unexplained EINVAL from the kernel).
     */
    public boolean isNetworkNamespace() {
        try {
            return LibC.ioctl(fd(), NS_GET_NSTYPE, java.lang.foreign.MemorySegment.NULL, path.toString()) == LibC.CLONE_NEWNET;
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENOTTY || e.errno() == Errno.EINVAL) {
                return false;
            }
            throw e;
        }
    }

    /** The name for {@code /run/netns/NAME} handles, otherwise the path. */
    public String name() {
        return path.startsWith(RUN_DIR) ? path.getFileName().toString() : path.toString();
    }

    /**
     * Runs {@code task} inside this namespace on a dedicated platform thread and waits for it. The thread saves its own
     * namespace ({@code /proc/thread-self/ns/net}) first and always returns to it. Unchecked exceptions propagate as
     * they are; checked ones are wrapped in {@link CompletionException}.
     */
    public <T> T run(Callable<T> task) {
        int target = fd();
        return onPlatformThread("netns-" + name(), () -> {
            int saved = LibC.open(THREAD_SELF_NET, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
            try {
                LibC.setns(target, LibC.CLONE_NEWNET, name());
                try {
                    return task.call();
                } finally {
                    LibC.setns(saved, LibC.CLONE_NEWNET, "saved " + THREAD_SELF_NET);
                }
            } finally {
                LibC.close(saved);
            }
        });
    }

    /** Like {@link #run(Callable)} for code without a result. */
    public void execute(Runnable task) {
        run(() -> {
            task.run();
            return null;
        });
    }

    private static <T> T onPlatformThread(String threadName, Callable<T> body) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name(threadName).daemon(true).unstarted(() -> {
            try {
                result.set(body.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw new CompletionException(f);
        }
        return result.get();
    }

    private static void ensureRunDir() {
        try {
            LibC.mkdir(RUN_DIR.toString(), 0755);
        } catch (LinuxException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
        }
        // Like iproute2: make /run/netns a shared mount so the bind mounts propagate to other mount namespaces.
        try {
            LibC.mount("", RUN_DIR.toString(), "none", LibC.MS_SHARED | LibC.MS_REC);
        } catch (LinuxException e) {
            if (e.errno() != Errno.EINVAL) {
                LOG.debug("cannot make {} shared: {}", RUN_DIR, e.getMessage());
                return;
            }
            try {
                LibC.mount(RUN_DIR.toString(), RUN_DIR.toString(), "none", LibC.MS_BIND | LibC.MS_REC);
                LibC.mount("", RUN_DIR.toString(), "none", LibC.MS_SHARED | LibC.MS_REC);
            } catch (LinuxException again) {
                LOG.debug("cannot bind {} onto itself: {}", RUN_DIR, again.getMessage());
            }
        }
    }

    private static void validateName(String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("bad netns name: " + name);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }

    @Override
    public String toString() {
        return "NetNs[" + path + (closed ? ", closed" : ", fd " + fd) + "]";
    }
}
