package dev.uniplane.api;

import java.util.List;

/**
 * A workload on another node, registered so that peer selectors match its addresses (Cilium's identity idea).
 * A remote endpoint is never selected by a policy's own selector, only as a peer.
 */
public record RemoteEndpoint(String id, List<IpAddress> addresses, Labels labels) {

    public RemoteEndpoint {
        Check.notBlank("id", id);
        addresses = Check.list("addresses", addresses);
        if (addresses.isEmpty()) {
            throw new InvalidSpecException("addresses", "[]", "a remote endpoint needs at least one address");
        }
        Check.notNull("labels", labels);
    }

    public static RemoteEndpoint of(String id, String address, String... labelKeyValues) {
        return new RemoteEndpoint(id, List.of(IpAddress.parse(address)), Labels.of(labelKeyValues));
    }
}
