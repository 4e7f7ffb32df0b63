package dev.uniplane.provider.vpp.internal.wire;

/**
 * A dump: VPP answers with zero or more details messages carrying the request's context; the client follows the
 * request with a {@code control_ping} under the same context, whose reply ends the dump.
 *
 * @param <D> what one details message decodes to
 */
public interface ApiDump<D> {
    /** The dump message. */
    MessageType request();

    /** The details message. */
    MessageType details();

    /** Writes the fields after the 10-byte header. */
    void encodeFields(WireWriter out);

    /** Decodes one details message; the reader is at offset 0. */
    D decodeDetails(WireReader details);
}
