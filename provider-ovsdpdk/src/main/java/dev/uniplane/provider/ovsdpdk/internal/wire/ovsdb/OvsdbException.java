package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import dev.uniplane.api.BackendException;

/**
 * Something OVSDB or the connection to it refused or failed: {@link #operation()} names what was attempted (for a
 * transaction, the failing op), {@link #errorCode()} is the server's {@code error} string (or a local code such as
 * {@code "connection closed"}).
 */
public sealed class OvsdbException extends BackendException
        permits OvsdbException.TransactionFailed, OvsdbException.ConnectionLost, OvsdbException.NotApplied {
    private static final long serialVersionUID = 1L;

    OvsdbException(String operation, String errorCode, String detail, Throwable cause) {
        super(operation, errorCode, detail, cause);
    }

    /** A JSON-RPC request failed as a whole (unknown method, bad params), or a reply could not be understood. */
    static OvsdbException rpc(String method, String error, String detail) {
        return new OvsdbException("ovsdb " + method, error, detail, null);
    }

    /**
     * One op of a transaction failed ({@code op} is its description, e.g. {@code insert Bridge name=br0}), or the commit
     * failed as a whole ({@code op} is then {@code "commit"}, e.g. referential integrity violation).
     */
    public static final class TransactionFailed extends OvsdbException {
        private static final long serialVersionUID = 1L;
        private final int opIndex;

        TransactionFailed(String op, int opIndex, String error, String details) {
            super("ovsdb transact: " + op, error, details, null);
            this.opIndex = opIndex;
        }

        /** Index of the failing op in the transaction, or the op count for a commit failure. */
        public int opIndex() {
            return opIndex;
        }
    }

    /** The server closed the connection or could not be reached; every pending and later call fails with this. */
    public static final class ConnectionLost extends OvsdbException {
        private static final long serialVersionUID = 1L;

        ConnectionLost(String operation, String detail, Throwable cause) {
            super(operation, "connection closed", detail, cause);
        }
    }

    /** The database accepted a change, but ovs-vswitchd did not apply it (timeout, or an Interface error). */
    public static final class NotApplied extends OvsdbException {
        private static final long serialVersionUID = 1L;

        NotApplied(String operation, String error, String detail) {
            super(operation, error, detail, null);
        }
    }
}
