package dev.uniplane.linux;

/**
 * A batched route request failed: carries the first failing route (in request order), its position in the input, and how
 * many requests failed in total. Requests in the same datagram after a failure are still applied by the kernel; later
 * datagrams are not sent.
 */
public class RouteBatchException extends LinuxException {
    private static final long serialVersionUID = 1L;
    private final transient RouteSpec route;
    private final int position;
    private final int failures;

    public RouteBatchException(RouteOperation operation, RouteSpec route, int position, int failures, int errno,
                               String extAck) {
        super("route batch " + operation.name().toLowerCase(java.util.Locale.ROOT), route.toString(), errno,
                "request #" + position + ", " + failures + " failed", extAck);
        this.route = route;
        this.position = position;
        this.failures = failures;
    }

    /** The first route that failed. */
    public RouteSpec route() {
        return route;
    }

    /** Its index in the list passed to the batch call. */
    public int position() {
        return position;
    }

    /** Number of failed requests seen before the batch stopped. */
    public int failures() {
        return failures;
    }
}
