package dev.uniplane.provider.ebpf.internal.ffm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** bpffs: is it mounted (per {@code /proc/self/mounts}), and mounting it with {@code mount(2)} through FFM. */
public final class Mounts {
    /** Where libbpf, bpftool and the project expect bpffs. */
    public static final String BPFFS = "/sys/fs/bpf";

    @SuppressWarnings("restricted")
    private static final class H {
        static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle MOUNT = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("mount"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                Linker.Option.captureCallState("errno"));
    }

    private Mounts() {
    }

    /** Whether a filesystem of type {@code bpf} is mounted exactly at {@code mountPoint}. */
    public static boolean isBpffsMounted(String mountPoint) {
        try {
            return isBpffsMounted(Files.readAllLines(Path.of("/proc/self/mounts")), mountPoint);
        } catch (IOException e) {
            return false;
        }
    }

    static boolean isBpffsMounted(List<String> mounts, String mountPoint) {
        for (String line : mounts) {
            String[] f = line.split(" ");
            if (f.length >= 3 && f[1].equals(mountPoint) && f[2].equals("bpf")) {
                return true;
            }
        }
        return false;
    }

    /** {@code mount("bpf", mountPoint, "bpf", 0, NULL)}; returns 0 or the errno. */
    public static int mountBpffs(String mountPoint) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment capture = a.allocate(Linker.Option.captureStateLayout());
            int rc = (int) H.MOUNT.invokeExact(capture, a.allocateFrom("bpf"), a.allocateFrom(mountPoint),
                    a.allocateFrom("bpf"), 0L, MemorySegment.NULL);
            if (rc == 0) {
                return 0;
            }
            return (int) Linker.Option.captureStateLayout()
                    .varHandle(MemoryLayout.PathElement.groupElement("errno")).get(capture, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mount(2) of bpffs at " + mountPoint + " failed: " + t, t);
        }
    }
}
