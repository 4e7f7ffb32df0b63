package dev.uniplane.provider.vpp.internal.wire;

/**
 * VPP could not be asked: the API connection is lost (VPP died or restarts) or a request timed out.
 * {@link #errorCode()} is {@code VPP_UNREACHABLE}.
 */
public final class VppUnreachableException extends RuntimeException implements dev.uniplane.spi.BackendFailure {
    private static final long serialVersionUID = 1L;

    /** {@code request} failed because of {@code cause}. */
    public VppUnreachableException(String request, java.io.IOException cause) {
        super(request + ": VPP unreachable: " + cause.getMessage(), cause);
    }

    @Override
    public String errorCode() {
        return "VPP_UNREACHABLE";
    }
}
