package dev.uniplane.tck.model;

/** The TCP flags the flow tracker looks at. */
public record TcpFlags(boolean syn, boolean ack, boolean fin, boolean rst) {
    public static final TcpFlags SYN = new TcpFlags(true, false, false, false);
    public static final TcpFlags SYN_ACK = new TcpFlags(true, true, false, false);
    public static final TcpFlags ACK = new TcpFlags(false, true, false, false);
    public static final TcpFlags FIN_ACK = new TcpFlags(false, true, true, false);
    public static final TcpFlags RST = new TcpFlags(false, false, false, true);

    /** A connection-opening SYN (SYN without ACK). */
    public boolean isInitialSyn() {
        return syn && !ack;
    }
}
