package dev.uniplane.provider.vpp.internal.wire;

/**
 * A request that VPP answers with exactly one reply carrying the same context.
 *
 * @param <R> what the reply decodes to
 */
public interface ApiRequest<R> {
    /** The request message. */
    MessageType request();

    /** The reply message. */
    MessageType reply();

    /** Writes the fields after the 10-byte header ({@code u16 id | u32 client_index | u32 context}). */
    void encodeFields(WireWriter out);

    /** The reply's retval; at offset 6 in nearly every reply ({@code u16 id | u32 context | i32 retval}). */
    default int retval(WireReader reply) {
        return reply.at(6).u32();
    }

    /** Decodes a reply whose retval is 0; the reader is at offset 0. */
    R decodeReply(WireReader reply);
}
