package dev.uniplane.provider.ovsdpdk.internal.host;

import dev.uniplane.api.BackendException;

/** Starting, configuring or stopping the private OVS daemons failed; the message names the step and the log to read. */
public final class OvsDaemonException extends BackendException {
    private static final long serialVersionUID = 1L;

    OvsDaemonException(String step, String error, String detail, Throwable cause) {
        super(step, error, detail, cause);
    }
}
