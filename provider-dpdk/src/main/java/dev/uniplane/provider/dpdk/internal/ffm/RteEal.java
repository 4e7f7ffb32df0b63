package dev.uniplane.provider.dpdk.internal.ffm;

import dev.uniplane.linux.NativeCall;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * EAL bindings ({@code librte_eal.so.23}) and the shim's TLS/inline helpers ({@code rte_errno}, {@code rte_lcore_id},
 * {@code rte_rdtsc}). Raw return codes; see {@link DpdkException} for checking them.
 */
@SuppressWarnings("restricted") // native access is this class's purpose; the JVM runs with --enable-native-access
public final class RteEal {
    /** {@code LCORE_ID_ANY}: what {@link #lcoreId()} returns on a thread that is not an EAL lcore. */
    public static final int LCORE_ID_ANY = -1;

    private static final MethodHandle EAL_INIT = Downcalls.bind("rte_eal_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EAL_CLEANUP = Downcalls.bind("rte_eal_cleanup", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle STRERROR = Downcalls.bind("rte_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle THREAD_REGISTER = Downcalls.bind("rte_thread_register", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle THREAD_UNREGISTER = Downcalls.bind("rte_thread_unregister", FunctionDescriptor.ofVoid());
    private static final MethodHandle SOCKET_ID = Downcalls.bind("rte_socket_id", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle TSC_HZ = Downcalls.bind("rte_get_tsc_hz", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle VERSION = Downcalls.bind("rte_version", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle DEV_PROBE = Downcalls.bind("rte_dev_probe", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle DEV_REMOVE = Downcalls.bind("rte_dev_remove", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ERRNO = Downcalls.bind("uniplane_errno", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle LCORE_ID = Downcalls.bind("uniplane_lcore_id", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle RDTSC = Downcalls.bind("uniplane_rdtsc", FunctionDescriptor.of(JAVA_LONG));

    private RteEal() {
    }

    /**
     * {@code rte_eal_init(argc, argv)}: pins the calling thread to its lcore's CPUs and makes it lcore 0. Works once per
     * process. {@code argv} includes the program name; the strings live in {@link Arena#global()} because getopt permutes
     * argv and EAL keeps pointers into it.
     *
     * @return the number of arguments consumed, or -1 with {@code rte_errno} set
     */
    public static int init(List<String> argv) {
        MemorySegment array = Arena.global().allocate(ADDRESS, argv.size() + 1L);
        for (int i = 0; i < argv.size(); i++) {
            array.setAtIndex(ADDRESS, i, Arena.global().allocateFrom(argv.get(i)));
        }
        array.setAtIndex(ADDRESS, argv.size(), MemorySegment.NULL);
        return NativeCall.invokeInt(() -> (int) EAL_INIT.invokeExact(argv.size(), array));
    }

    /** {@code rte_eal_cleanup()}: releases EAL resources; a later {@link #init} still fails with EALREADY. */
    public static int cleanup() {
        return NativeCall.invokeInt(() -> (int) EAL_CLEANUP.invokeExact());
    }

    /** {@code rte_strerror(errnum)}: text for a libc or DPDK ({@code E_RTE_*}) errno. */
    public static String strerror(int errno) {
        MemorySegment text = NativeCall.invokePointer(() -> (MemorySegment) STRERROR.invokeExact(errno));
        return text.reinterpret(256).getString(0);
    }

    /** {@code rte_thread_register()}: gives the calling non-EAL thread an lcore id (and a mempool cache). */
    public static int threadRegister() {
        return NativeCall.invokeInt(() -> (int) THREAD_REGISTER.invokeExact());
    }

    /** {@code rte_thread_unregister()}: releases the lcore id {@link #threadRegister()} gave. */
    public static void threadUnregister() {
        NativeCall.invokeVoid(() -> { THREAD_UNREGISTER.invokeExact(); });
    }

    /** {@code rte_socket_id()}: NUMA socket of the calling lcore. */
    public static int socketId() {
        return NativeCall.invokeInt(() -> (int) SOCKET_ID.invokeExact());
    }

    /** {@code rte_get_tsc_hz()}: TSC ticks per second (valid after {@link #init}). */
    public static long tscHz() {
        return NativeCall.invokeLong(() -> (long) TSC_HZ.invokeExact());
    }

    /** {@code rte_version()}: e.g. {@code DPDK 22.11.11}, the version of the loaded library. */
    public static String version() {
        MemorySegment text = NativeCall.invokePointer(() -> (MemorySegment) VERSION.invokeExact());
        return text.reinterpret(64).getString(0);
    }

    /**
     * {@code rte_dev_probe(devargs)}: hot-plugs a device, e.g. {@code net_af_packet0,iface=veth0}.
     *
     * @return 0, or a negative errno
     */
    public static int devProbe(String devargs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocateFrom(devargs);
            return NativeCall.invokeInt(() -> (int) DEV_PROBE.invokeExact(text));
        }
    }

    /**
     * {@code rte_dev_remove(dev)}: unplugs a device ({@code struct rte_device *}, see {@link RteEthDev#device}); its
     * driver closes the ethdev port.
     *
     * @return 0, or a negative errno
     */
    public static int devRemove(MemorySegment device) {
        return NativeCall.invokeInt(() -> (int) DEV_REMOVE.invokeExact(device));
    }

    /** The calling thread's {@code rte_errno} (thread-local in C, so read it on the thread that made the failed call). */
    public static int errno() {
        return NativeCall.invokeInt(() -> (int) ERRNO.invokeExact());
    }

    /** {@code rte_lcore_id()}: the calling thread's lcore, or {@link #LCORE_ID_ANY}. */
    public static int lcoreId() {
        try {
            return (int) LCORE_ID.invokeExact();
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }

    /** {@code rte_rdtsc()}: the time-stamp counter. */
    public static long rdtsc() {
        try {
            return (long) RDTSC.invokeExact();
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }
}
