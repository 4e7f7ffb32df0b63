package dev.uniplane.provider.ebpf.internal.ffm;

import dev.uniplane.linux.LinuxException;

/** A libbpf or bpf(2) call failed: the operation, the object (program, map, ifindex, path) and the errno. */
public final class BpfException extends LinuxException {
    private static final long serialVersionUID = 1L;

    public BpfException(String operation, String object, int errno, String detail) {
        super(operation, object, errno, detail);
    }

    /** Throws for a negative libbpf return value ({@code -errno}); returns {@code rc} otherwise. */
    public static int check(int rc, String operation, String object) {
        if (rc < 0) {
            throw new BpfException(operation, object, -rc, null);
        }
        return rc;
    }
}
