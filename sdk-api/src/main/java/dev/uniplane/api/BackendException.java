package dev.uniplane.api;

import java.util.Objects;

/**
 * The backend (kernel, daemon, library) refused or failed an operation. Carries the operation and the
 * backend's own error code (an errno name, an OVSDB error, a VPP retval, ...).
 */
public class BackendException extends DataplaneException {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final String errorCode;

    public BackendException(String operation, String errorCode, String detail) {
        this(operation, errorCode, detail, null);
    }

    public BackendException(String operation, String errorCode, String detail, Throwable cause) {
        super(operation + " failed: " + errorCode + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"), cause);
        this.operation = Objects.requireNonNull(operation, "operation");
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    public String operation() {
        return operation;
    }

    public String errorCode() {
        return errorCode;
    }
}
