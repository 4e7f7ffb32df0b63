package dev.uniplane.provider.bgp.internal.daemon;

import dev.uniplane.provider.bgp.internal.wire.GobgpClient;
import java.util.Objects;
import java.util.Optional;

/**
 * The gobgpd a dataplane drives and the client bound to it, replaced as one pair when the daemon restarts: a reader
 * sees the old pair or the new one, never a new daemon with the old client.
 */
public final class GobgpHandle {
    /**
     * One daemon and its client.
     *
     * @param daemon ours; empty when driving a daemon we do not own ({@code bgp.grpc})
     * @param client bound to that daemon's API
     */
    public record Current(Optional<GobgpDaemon> daemon, GobgpClient client) {
        public Current {
            Objects.requireNonNull(daemon, "daemon");
            Objects.requireNonNull(client, "client");
        }
    }

    private volatile Current current;

    public GobgpHandle(Optional<GobgpDaemon> daemon, GobgpClient client) {
        this.current = new Current(daemon, client);
    }

    /** The pair in use now. */
    public Current current() {
        return current;
    }

    /** The client of the daemon in use now. */
    public GobgpClient client() {
        return current.client();
    }

    /** Our daemon in use now; empty for a daemon we do not own. */
    public Optional<GobgpDaemon> daemon() {
        return current.daemon();
    }

    /** Puts {@code next} in use and returns the pair it replaces (the caller lets go of that one). */
    public Current replace(Current next) {
        Current previous = current;
        current = Objects.requireNonNull(next, "next");
        return previous;
    }
}
