package dev.uniplane.provider.vpp.internal.wire;

/**
 * VPP answered a request with a negative retval. {@link #errorCode()} is the retval's name (e.g.
 * {@code INVALID_SW_IF_INDEX}), which {@link dev.uniplane.spi.BackendErrors} carries into the API's exception.
 */
public final class VppApiException extends RuntimeException implements dev.uniplane.spi.BackendFailure {
    private static final long serialVersionUID = 1L;
    private final String message;
    private final int retval;

    /** {@code message} (the request's name) failed with {@code retval}. */
    public VppApiException(String message, int retval) {
        super(message + ": " + VppErrors.name(retval) + " (" + retval + ")");
        this.message = message;
        this.retval = retval;
    }

    /** The request message's name, e.g. {@code sw_interface_set_flags}. */
    public String request() {
        return message;
    }

    /** The negative retval. */
    public int retval() {
        return retval;
    }

    /** The retval's name. */
    @Override
    public String errorCode() {
        return VppErrors.name(retval);
    }
}
