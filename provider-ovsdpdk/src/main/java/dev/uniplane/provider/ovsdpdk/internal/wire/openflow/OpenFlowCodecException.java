package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

/** Bytes from the switch that do not decode as OpenFlow 1.3. */
public final class OpenFlowCodecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OpenFlowCodecException(String message) {
        super(message);
    }
}
