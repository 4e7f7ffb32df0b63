package dev.uniplane.provider.ebpf.internal.ffm;

import dev.uniplane.linux.NativeCall;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
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

    private static final class H {
        static final MethodHandle MOUNT = NativeCall.linkCapturingErrno(NativeCall.libc(), "mount",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
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
            MemorySegment capture = NativeCall.errnoSegment();
            MemorySegment bpf = a.allocateFrom("bpf");
            MemorySegment target = a.allocateFrom(mountPoint);
            int rc = NativeCall.invokeInt(() -> (int) H.MOUNT.invokeExact(capture, bpf, target, bpf, 0L, MemorySegment.NULL));
            return rc == 0 ? 0 : NativeCall.errno(capture);
        }
    }
}
