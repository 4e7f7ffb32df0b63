package dev.uniplane.tck.model;

import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.api.Protocol;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Live flows keyed by the 5-tuple of their opening direction, with the idle timeouts of SEMANTICS: TCP established
 * {@link FlowTimeouts#tcpEstablished()}, TCP in any other state {@link FlowTimeouts#tcpOther()}, ICMP
 * {@link FlowTimeouts#icmp()}, UDP and every other protocol {@link FlowTimeouts#udp()}. A flow idle for its timeout
 * or longer is expired (gone); expiry is checked lazily against the pluggable clock.
 */
public final class FlowTable {
    private final FlowTimeouts timeouts;
    private final InstantSource clock;
    private final Map<FlowKey, Flow> flows = new HashMap<>();

    /** A table with these timeouts, reading time from {@code clock}. */
    public FlowTable(FlowTimeouts timeouts, InstantSource clock) {
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A live flow found for a packet's key, and whether the packet travels in its reply direction. */
    public record Match(Flow flow, boolean reply) {
    }

    /** The live flow this key belongs to in either direction; an expired one is removed and not returned. */
    public Optional<Match> find(FlowKey key) {
        Flow original = live(key);
        if (original != null) {
            return Optional.of(new Match(original, false));
        }
        Flow reverse = live(key.reversed());
        return reverse == null ? Optional.empty() : Optional.of(new Match(reverse, true));
    }

    /** Adds or replaces a flow. */
    public void put(Flow flow) {
        flows.put(flow.key(), flow);
    }

    public void remove(FlowKey openingKey) {
        flows.remove(openingKey);
    }

    public void removeIf(Predicate<Flow> condition) {
        flows.values().removeIf(condition);
    }

    /** The idle timeout that applies to a flow in its current state. */
    public Duration timeoutOf(Flow flow) {
        int protocol = flow.key().protocol();
        if (protocol == Protocol.TCP.number()) {
            return flow.tcpState().orElseThrow() == TcpState.ESTABLISHED ? timeouts.tcpEstablished() : timeouts.tcpOther();
        }
        if (protocol == Protocol.ICMP.number() || protocol == Protocol.ICMPV6.number()) {
            return timeouts.icmp();
        }
        return timeouts.udp();
    }

    /** Every live flow (expired ones are purged first), in no particular order. */
    public List<Flow> liveFlows() {
        flows.values().removeIf(this::expired);
        return List.copyOf(new ArrayList<>(flows.values()));
    }

    public Instant now() {
        return clock.instant();
    }

    public FlowTimeouts timeouts() {
        return timeouts;
    }

    private Flow live(FlowKey key) {
        Flow flow = flows.get(key);
        if (flow != null && expired(flow)) {
            flows.remove(key);
            return null;
        }
        return flow;
    }

    private boolean expired(Flow flow) {
        return Duration.between(flow.lastSeen(), clock.instant()).compareTo(timeoutOf(flow)) >= 0;
    }
}
