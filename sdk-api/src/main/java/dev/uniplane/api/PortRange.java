package dev.uniplane.api;

/** An inclusive port range, 1-65535. */
public record PortRange(int from, int to) {

    public PortRange {
        Check.range("from", from, 1, 65535);
        Check.range("to", to, 1, 65535);
        if (to < from) {
            throw new InvalidSpecException("to", to, "must not be below from=" + from);
        }
    }

    public static PortRange single(int port) {
        return new PortRange(port, port);
    }

    public static PortRange of(int from, int to) {
        return new PortRange(from, to);
    }

    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    public int size() {
        return to - from + 1;
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
