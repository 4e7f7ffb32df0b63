package dev.uniplane.provider.bgp.internal.wire;

import dev.uniplane.spi.BackendFailure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A failed GoBGP gRPC call (or a daemon that could not be started or reached). {@link #errorCode()} is the gRPC status
 * code name ({@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}, {@code ALREADY_EXISTS}, ...), so
 * {@link dev.uniplane.spi.BackendErrors#translate} turns it into a {@code BackendException} with that code.
 */
public final class GobgpException extends RuntimeException implements BackendFailure {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final String errorCode;

    /** A failure with an explicit code (not from a gRPC status). */
    public GobgpException(String operation, String errorCode, String detail, Throwable cause) {
        super(operation + ": " + errorCode + (detail == null || detail.isBlank() ? "" : " (" + detail + ")"), cause);
        this.operation = operation;
        this.errorCode = errorCode;
    }

    /** The failure of one gRPC call: code and description from its status. */
    public static GobgpException of(String operation, StatusRuntimeException e) {
        Status status = e.getStatus();
        return new GobgpException(operation, status.getCode().name(), status.getDescription(), e);
    }

    /** Any throwable from a call: a gRPC status keeps its code, anything else is {@code UNKNOWN}. */
    public static GobgpException of(String operation, Throwable t) {
        if (t instanceof GobgpException g) {
            return g;
        }
        Status status = Status.fromThrowable(t);
        return new GobgpException(operation, status.getCode().name(),
                status.getDescription() != null ? status.getDescription() : t.toString(), t);
    }

    /** What was being done, e.g. {@code AddPeer 10.0.0.2}. */
    public String operation() {
        return operation;
    }

    @Override
    public String errorCode() {
        return errorCode;
    }
}
