package dev.uniplane.spi;

/**
 * A failure below the API (a kernel call, a daemon's wire reply, a native library) that knows its own error code: an
 * errno name such as {@code EEXIST}, an OVSDB error, a VPP retval name. {@link BackendErrors} turns it into the API's
 * {@link dev.uniplane.api.BackendException} with that code, so each binding only has to say what its code is.
 */
public interface BackendFailure {
    /** The backend's own name for the error, e.g. {@code ENOENT}. */
    String errorCode();
}
