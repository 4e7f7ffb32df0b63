package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.api.BackendException;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.linux.LinuxException;

/** Turns a failure below the API into the API's exception, naming the operation (and the errno where there is one). */
final class BackendErrors {
    private BackendErrors() {
    }

    static RuntimeException translate(String operation, RuntimeException e) {
        if (e instanceof DataplaneException) {
            return e;
        }
        if (e instanceof LinuxException le) {
            return new BackendException(operation, le.errnoName(), le.getMessage(), le);
        }
        return new BackendException(operation, e.getClass().getSimpleName(), String.valueOf(e.getMessage()), e);
    }
}
