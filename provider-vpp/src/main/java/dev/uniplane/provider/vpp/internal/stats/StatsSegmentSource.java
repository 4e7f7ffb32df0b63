package dev.uniplane.provider.vpp.internal.stats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One VPP's stats segment, mapped when first read and mapped again after {@link #reset()} (a restarted VPP hands out a
 * new segment): the one mapping every counter reader of a dataplane shares (ACL matches, memif interface counters).
 */
public final class StatsSegmentSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatsSegmentSource.class);
    private final Path socket;
    private StatsSegment segment;

    /** The segment VPP hands out on {@code socket}; null: no stats (every read is empty). */
    public StatsSegmentSource(Path socket) {
        this.socket = socket;
    }

    /** The mapped segment, or empty when there is no stats socket or VPP does not hand one out (logged). */
    public synchronized Optional<StatsSegment> segment() {
        if (socket == null) {
            return Optional.empty();
        }
        if (segment == null) {
            try {
                segment = StatsSegment.open(socket);
            } catch (IOException e) {
                LOG.warn("VPP stats segment at {} unavailable: {}", socket, e.getMessage());
                return Optional.empty();
            }
        }
        return Optional.of(segment);
    }

    /** Unmaps the segment; the next read maps the current one. */
    public synchronized void reset() {
        if (segment != null) {
            segment.close();
            segment = null;
        }
    }

    @Override
    public void close() {
        reset();
    }
}
