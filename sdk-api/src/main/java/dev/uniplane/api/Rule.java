package dev.uniplane.api;

import java.util.List;

/**
 * One rule of a policy direction. Empty {@code peers} = any peer; empty {@code ports} = any protocol and port.
 * A rule matches a flow when some peer matches and some port entry matches.
 */
public record Rule(Action action, List<Peer> peers, List<PortMatch> ports) {

    public Rule {
        Check.notNull("action", action);
        peers = Check.list("peers", peers);
        ports = Check.list("ports", ports);
    }

    public static Rule allow(List<Peer> peers, List<PortMatch> ports) {
        return new Rule(Action.ALLOW, peers, ports);
    }

    public static Rule deny(List<Peer> peers, List<PortMatch> ports) {
        return new Rule(Action.DENY, peers, ports);
    }

    public static Rule allowAll() {
        return new Rule(Action.ALLOW, List.of(), List.of());
    }

    public static Rule denyAll() {
        return new Rule(Action.DENY, List.of(), List.of());
    }

    public boolean matchesPort(int protocolNumber, int destinationPort) {
        return ports.isEmpty() || ports.stream().anyMatch(p -> p.matches(protocolNumber, destinationPort));
    }
}
