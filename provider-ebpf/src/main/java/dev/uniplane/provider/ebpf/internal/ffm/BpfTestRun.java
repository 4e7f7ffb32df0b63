package dev.uniplane.provider.ebpf.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code BPF_PROG_TEST_RUN} through {@code bpf_prog_test_run_opts}: runs a program on a packet in the kernel without
 * any link. The kernel does not perform redirects, it only returns the verdict, and it modifies the packet in place
 * (so a TTL decrement changes the packet for the next repeat).
 */
public final class BpfTestRun {

    /** sizeof(struct bpf_test_run_opts) on x86_64 with libbpf 1.1.2. */
    private static final int OPTS_SIZE = 80;
    /** sizeof(struct __sk_buff) in the 6.1 UAPI headers; the kernel accepts this size. */
    public static final int SK_BUFF_SIZE = 192;
    private static final int SK_BUFF_INGRESS_IFINDEX = 36;
    private static final int HEADROOM = 256;

    private BpfTestRun() {
    }

    /**
     * The outcome of a run.
     *
     * @param retval     the program's return value (for tc: TC_ACT_*)
     * @param durationNs mean run time per repeat
     * @param dataOut    the packet after the program
     */
    public record Result(int retval, int durationNs, byte[] dataOut) {
    }

    /** Runs {@code prog} once on {@code packet}. */
    public static Result run(BpfProgram prog, byte[] packet) {
        return run(prog, packet, 1, 0);
    }

    /**
     * Runs {@code prog} {@code repeat} times on {@code packet}; a non-zero {@code ingressIfindex} is passed in a
     * {@code struct __sk_buff} context as the skb's {@code ingress_ifindex}.
     */
    public static Result run(BpfProgram prog, byte[] packet, int repeat, int ingressIfindex) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment in = a.allocate(packet.length, 8);
            MemorySegment.copy(packet, 0, in, ValueLayout.JAVA_BYTE, 0, packet.length);
            int outSize = packet.length + HEADROOM;
            MemorySegment out = a.allocate(outSize, 8);
            MemorySegment opts = a.allocate(OPTS_SIZE, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, OPTS_SIZE);
            opts.set(ValueLayout.ADDRESS, 8, in);
            opts.set(ValueLayout.ADDRESS, 16, out);
            opts.set(ValueLayout.JAVA_INT, 24, packet.length);
            opts.set(ValueLayout.JAVA_INT, 28, outSize);
            if (ingressIfindex != 0) {
                MemorySegment ctx = a.allocate(SK_BUFF_SIZE, 8);
                ctx.set(ValueLayout.JAVA_INT, SK_BUFF_INGRESS_IFINDEX, ingressIfindex);
                opts.set(ValueLayout.ADDRESS, 32, ctx);
                opts.set(ValueLayout.JAVA_INT, 48, SK_BUFF_SIZE);
            }
            opts.set(ValueLayout.JAVA_INT, 60, repeat);
            int rc = LibBpf.bpf_prog_test_run_opts(prog.fd(), opts);
            BpfException.check(rc, "bpf_prog_test_run_opts", prog.name());
            int produced = opts.get(ValueLayout.JAVA_INT, 28);
            return new Result(opts.get(ValueLayout.JAVA_INT, 56), opts.get(ValueLayout.JAVA_INT, 64),
                    out.asSlice(0, produced).toArray(ValueLayout.JAVA_BYTE));
        }
    }
}
