package dev.uniplane.linux;

/**
 * A Linux call failed: names the operation, the object it acted on (link name/index, prefix, path), the errno (name and
 * number) and, for netlink, the kernel's extended ACK text.
 */
public class LinuxException extends RuntimeException implements dev.uniplane.spi.BackendFailure {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final String object;
    private final int errno;
    private final String extAck;

    public LinuxException(String operation, String object, int errno, String detail) {
        this(operation, object, errno, detail, null);
    }

    public LinuxException(String operation, String object, int errno, String detail, String extAck) {
        super(format(operation, object, errno, detail, extAck));
        this.operation = operation;
        this.object = object;
        this.errno = Math.abs(errno);
        this.extAck = extAck == null || extAck.isEmpty() ? null : extAck;
    }

    private static String format(String operation, String object, int errno, String detail, String extAck) {
        StringBuilder sb = new StringBuilder(operation);
        if (object != null && !object.isEmpty()) {
            sb.append(' ').append(object);
        }
        sb.append(": ").append(Errno.name(errno)).append(" (").append(Math.abs(errno)).append(')');
        if (detail != null && !detail.isEmpty()) {
            sb.append(": ").append(detail);
        }
        if (extAck != null && !extAck.isEmpty()) {
            sb.append(" [kernel: ").append(extAck).append(']');
        }
        return sb.toString();
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

    /** The errno name, the code {@link dev.uniplane.spi.BackendErrors} puts into the API's exception. */
    @Override
    public String errorCode() {
        return errnoName();
    }

    /** The kernel's extended ACK message (NLMSGERR_ATTR_MSG), or {@code null} when the kernel sent none. */
    public String extAck() {
        return extAck;
    }
}
