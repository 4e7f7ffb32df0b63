package dev.uniplane.provider.dpdk.internal.ffm;

import java.lang.foreign.MemorySegment;

/**
 * A DPDK call failed. Carries the operation (function and its key arguments), the errno (from a negative return code or
 * from {@code rte_errno}), its symbolic name and DPDK's {@code rte_strerror} text.
 */
public final class DpdkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final int errno;

    private DpdkException(String operation, int errno, String description) {
        super(operation + " failed: " + ErrnoNames.name(errno) + " (" + errno + "): " + description);
        this.operation = operation;
        this.errno = errno;
    }

    /** An exception for {@code errno} (positive), described by {@code rte_strerror}. */
    public static DpdkException of(String operation, int errno) {
        return new DpdkException(operation, errno, describe(errno));
    }

    /** An exception for the calling thread's current {@code rte_errno} (read through the shim). */
    public static DpdkException ofRteErrno(String operation) {
        return of(operation, RteEal.errno());
    }

    /** Returns {@code rc} when it is not negative; otherwise throws for errno {@code -rc} (the ethdev/LPM convention). */
    public static int check(String operation, int rc) {
        if (rc < 0) {
            throw of(operation, -rc);
        }
        return rc;
    }

    /** Returns {@code pointer} unless it is NULL; then throws for the current {@code rte_errno} (the create convention). */
    public static MemorySegment checkPointer(String operation, MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            throw ofRteErrno(operation);
        }
        return pointer;
    }

    /** The failed operation, e.g. {@code rte_eth_dev_configure(port 0)}. */
    public String operation() {
        return operation;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, e.g. {@code EINVAL}. */
    public String errnoName() {
        return ErrnoNames.name(errno);
    }

    private static String describe(int errno) {
        try {
            return RteEal.strerror(errno);
        } catch (RuntimeException | LinkageError e) {
            return "(rte_strerror unavailable: " + e + ")";
        }
    }
}
