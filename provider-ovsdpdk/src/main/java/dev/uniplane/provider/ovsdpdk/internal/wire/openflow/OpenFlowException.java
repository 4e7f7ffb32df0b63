package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import dev.uniplane.api.BackendException;
import java.util.Optional;

/**
 * The switch rejected a message (an OpenFlow ERROR), or the channel failed. {@link #errorCode()} is the
 * {@code TYPE/CODE} name (e.g. {@code BAD_MATCH/BAD_PREREQ}); the message names the rule the caller labelled the
 * offending message with and the offending message's type.
 */
public final class OpenFlowException extends BackendException {
    private static final long serialVersionUID = 1L;
    private final transient OfMessage.Error error;
    private final String label;

    OpenFlowException(String label, OfMessage.Error error) {
        super("openflow " + label, error.name(), "switch rejected " + error.offendingName()
                + " xid " + error.xid());
        this.error = error;
        this.label = label;
    }

    OpenFlowException(String operation, String errorCode, String detail, Throwable cause) {
        super("openflow " + operation, errorCode, detail, cause);
        this.error = null;
        this.label = operation;
    }

    /** The caller's label of the rejected message (e.g. the rule name), or the failed operation. */
    public String label() {
        return label;
    }

    /** The ERROR message, if the switch sent one. */
    public Optional<OfMessage.Error> error() {
        return Optional.ofNullable(error);
    }
}
