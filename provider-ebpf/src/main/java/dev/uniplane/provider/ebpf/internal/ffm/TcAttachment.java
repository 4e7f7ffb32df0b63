package dev.uniplane.provider.ebpf.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import dev.uniplane.linux.Errno;

/**
 * A cls_bpf (direct-action) filter on a clsact hook, attached through libbpf's netlink tc API. libbpf's netlink
 * socket acts in the calling thread's network namespace (NOTES 2.3), so call these on the thread that is in the
 * link's namespace.
 *
 * @param ifindex  the link
 * @param point    ingress or egress
 * @param handle   the filter handle the kernel assigned (or that was asked for)
 * @param priority the filter priority
 * @param progId   the attached program's id
 */
public record TcAttachment(int ifindex, Point point, int handle, int priority, int progId) {

    /** {@code bpf_tc_attach_point}. */
    public enum Point {
        INGRESS(1),
        EGRESS(2),
        /** Only for {@link #destroyHook}: removes the clsact qdisc with all its filters. */
        INGRESS_EGRESS(3);

        private final int value;

        Point(int value) {
            this.value = value;
        }

        public int value() {
            return value;
        }
    }

    private static final int HOOK_SIZE = 24;
    private static final int OPTS_SIZE = 32;
    private static final int BPF_TC_F_REPLACE = 1;

    /** Creates the clsact qdisc; an existing one (-EEXIST) is fine. */
    public static void createHook(int ifindex) {
        try (Arena a = Arena.ofConfined()) {
            int rc = LibBpf.bpf_tc_hook_create(hook(a, ifindex, Point.INGRESS));
            if (rc != -Errno.EEXIST) {
                BpfException.check(rc, "bpf_tc_hook_create", "ifindex " + ifindex);
            }
        }
    }

    /**
     * Removes the clsact qdisc and every filter on it; false when there was none (-ENOENT on lo, -EINVAL on veth).
     */
    public static boolean destroyHook(int ifindex) {
        try (Arena a = Arena.ofConfined()) {
            int rc = LibBpf.bpf_tc_hook_destroy(hook(a, ifindex, Point.INGRESS_EGRESS));
            if (rc == -Errno.ENOENT || rc == -Errno.EINVAL) {
                return false;
            }
            BpfException.check(rc, "bpf_tc_hook_destroy", "ifindex " + ifindex);
            return true;
        }
    }

    /**
     * Attaches {@code prog} at {@code point}. With {@code handle}/{@code priority} 0 the kernel picks them;
     * {@code replace} swaps the program of an existing filter atomically and needs both explicit (e.g. 1/1).
     */
    public static TcAttachment attach(int ifindex, Point point, BpfProgram prog, int handle, int priority,
                                      boolean replace) {
        if (point == Point.INGRESS_EGRESS) {
            throw new IllegalArgumentException("attach to INGRESS or EGRESS, not both");
        }
        if (replace && (handle == 0 || priority == 0)) {
            throw new IllegalArgumentException("BPF_TC_F_REPLACE needs an explicit handle and priority");
        }
        try (Arena a = Arena.ofConfined()) {
            // fresh opts every time: prog_id must be 0 on input and the call writes outputs into them
            MemorySegment opts = a.allocate(OPTS_SIZE, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, OPTS_SIZE);
            opts.set(ValueLayout.JAVA_INT, 8, prog.fd());
            opts.set(ValueLayout.JAVA_INT, 12, replace ? BPF_TC_F_REPLACE : 0);
            opts.set(ValueLayout.JAVA_INT, 20, handle);
            opts.set(ValueLayout.JAVA_INT, 24, priority);
            int rc = LibBpf.bpf_tc_attach(hook(a, ifindex, point), opts);
            BpfException.check(rc, "bpf_tc_attach", prog.name() + " on ifindex " + ifindex + " " + point);
            return new TcAttachment(ifindex, point, opts.get(ValueLayout.JAVA_INT, 20),
                    opts.get(ValueLayout.JAVA_INT, 24), opts.get(ValueLayout.JAVA_INT, 16));
        }
    }

    /** Removes this filter (handle + priority, with prog_fd, prog_id and flags all 0); false when it is gone. */
    public boolean detach() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment opts = a.allocate(OPTS_SIZE, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, OPTS_SIZE);
            opts.set(ValueLayout.JAVA_INT, 20, handle);
            opts.set(ValueLayout.JAVA_INT, 24, priority);
            int rc = LibBpf.bpf_tc_detach(hook(a, ifindex, point), opts);
            if (rc == -Errno.ENOENT || rc == -Errno.ENODEV) {
                return false;
            }
            BpfException.check(rc, "bpf_tc_detach", "ifindex " + ifindex + " " + point);
            return true;
        }
    }

    private static MemorySegment hook(Arena a, int ifindex, Point point) {
        MemorySegment hook = a.allocate(HOOK_SIZE, 8);
        hook.set(ValueLayout.JAVA_LONG, 0, HOOK_SIZE);
        hook.set(ValueLayout.JAVA_INT, 8, ifindex);
        hook.set(ValueLayout.JAVA_INT, 12, point.value());
        return hook;
    }
}
