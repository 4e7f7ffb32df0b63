package dev.uniplane.tck.harness;

import java.time.Duration;

/**
 * The result of one probe.
 *
 * @param outcome     delivered, refused or timed out
 * @param elapsed     how long it took
 * @param description what was sent, for assertion messages ({@code tcp w1 -> 10.100.0.3:8080})
 * @param packetsSent packets the client sent (requests only; retransmissions excluded)
 * @param bytesSent   IP bytes the client sent in those packets (headers included)
 */
public record ProbeResult(Outcome outcome, Duration elapsed, String description, int packetsSent, long bytesSent) {

    public boolean delivered() {
        return outcome == Outcome.DELIVERED;
    }

    @Override
    public String toString() {
        return description + " -> " + outcome + " in " + elapsed.toMillis() + " ms";
    }
}
