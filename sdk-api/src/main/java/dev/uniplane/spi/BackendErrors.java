package dev.uniplane.spi;

import dev.uniplane.api.BackendException;
import dev.uniplane.api.DataplaneException;

/** The one translation of failures below the API into the API's exceptions, used around every backend hook. */
public final class BackendErrors {
    private BackendErrors() {
    }

    /**
     * Returns {@code e} when it already is an API exception; otherwise a {@link BackendException} for
     * {@code operation} that carries the backend's error code ({@link BackendFailure}) or the exception's type.
     */
    public static RuntimeException translate(String operation, RuntimeException e) {
        if (e instanceof DataplaneException) {
            return e;
        }
        if (e instanceof BackendFailure f) {
            return new BackendException(operation, f.errorCode(), e.getMessage(), e);
        }
        return new BackendException(operation, e.getClass().getSimpleName(), e.getMessage(), e);
    }
}
