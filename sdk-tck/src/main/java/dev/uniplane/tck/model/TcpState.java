package dev.uniplane.tck.model;

import java.util.Optional;

/**
 * What the flow tracker knows of a TCP connection; it decides the idle timeout (established: the long one, every other
 * state: the short one).
 */
public enum TcpState {
    /** Opening SYN seen. */
    SYN_SENT,
    /** SYN-ACK seen from the responder. */
    SYN_RECEIVED,
    /** Handshake completed, or a connection picked up mid-stream. */
    ESTABLISHED,
    /** A FIN was seen in either direction. */
    CLOSING,
    /** A RST was seen. */
    CLOSED;

    /**
     * The state of a flow opened by a packet with these flags: SYN → SYN_SENT, FIN → CLOSING, RST → none (a reset
     * opens no flow), anything else → ESTABLISHED (mid-stream pickup, as Linux conntrack's loose mode).
     */
    public static Optional<TcpState> opening(TcpFlags flags) {
        if (flags.rst()) {
            return Optional.empty();
        }
        if (flags.fin()) {
            return Optional.of(CLOSING);
        }
        return Optional.of(flags.isInitialSyn() ? SYN_SENT : ESTABLISHED);
    }

    /** The state after a packet of the flow; {@code fromOriginator} is true for the direction that opened it. */
    public TcpState next(boolean fromOriginator, TcpFlags flags) {
        if (flags.rst()) {
            return CLOSED;
        }
        if (flags.fin()) {
            return this == CLOSED ? CLOSED : CLOSING;
        }
        if (this == SYN_SENT && !fromOriginator && flags.syn() && flags.ack()) {
            return SYN_RECEIVED;
        }
        if (this == SYN_RECEIVED && fromOriginator && flags.ack() && !flags.syn()) {
            return ESTABLISHED;
        }
        return this;
    }

    /** Whether the connection is being torn down, so that a new opening SYN starts a new flow. */
    public boolean isTerminating() {
        return this == CLOSING || this == CLOSED;
    }
}
