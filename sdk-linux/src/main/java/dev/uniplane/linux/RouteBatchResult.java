package dev.uniplane.linux;

/**
 * Outcome of {@link RtNetlink#programRoutes}: how many routes were sent and in how many datagrams (sendmsg calls).
 *
 * @param routes    routes sent
 * @param datagrams sendmsg calls
 * @param acks      NLMSG_ERROR answers (ACKs and errors) received and matched by sequence number
 */
public record RouteBatchResult(int routes, int datagrams, int acks) {
}
