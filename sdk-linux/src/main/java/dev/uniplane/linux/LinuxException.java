package dev.uniplane.linux;

/** A Linux call failed: names the operation, the object it acted on and the errno (name and number). */
public class LinuxException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final String object;
    private final int errno;

    public LinuxException(String operation, String object, int errno, String detail) {
        super(operation + " " + object + ": " + Errno.name(errno) + " (" + errno + ")"
                + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.operation = operation;
        this.object = object;
        this.errno = errno;
    }

    public String operation() {
        return operation;
    }

    public String object() {
        return object;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, e.g. {@code ENOENT}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
