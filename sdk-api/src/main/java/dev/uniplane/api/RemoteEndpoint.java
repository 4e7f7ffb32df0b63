package dev.uniplane.api;

import java.util.List;

/**
 * A workload on another node, registered so that peer selectors match its addresses (Cilium's identity idea).
 * A remote endpoint is never selected by a policy's own selector, only as a peer.
 *
 * @param id        the same name rule as {@link EndpointId}: 1-63 characters of {@code [A-Za-z0-9._-]}, starting alphanumeric
 * @param addresses its addresses, not empty, no duplicates; unicast and routable, as for {@link AttachSpec#addresses()}
 * @param labels    labels that peer selectors match
 */
public record RemoteEndpoint(String id, List<IpAddress> addresses, Labels labels) {

    public RemoteEndpoint {
        EndpointId.checkName("id", id);
        addresses = Check.list("addresses", addresses);
        if (addresses.isEmpty()) {
            throw new InvalidSpecException("addresses", "[]", "a remote endpoint needs at least one address");
        }
        for (int i = 0; i < addresses.size(); i++) {
            Check.endpointAddress("addresses[" + i + "]", addresses.get(i));
            if (addresses.indexOf(addresses.get(i)) != i) {
                throw new InvalidSpecException("addresses[" + i + "]", addresses.get(i), "duplicate address (also addresses["
                        + addresses.indexOf(addresses.get(i)) + "])");
            }
        }
        Check.notNull("labels", labels);
    }

    public static RemoteEndpoint of(String id, String address, String... labelKeyValues) {
        return new RemoteEndpoint(id, List.of(IpAddress.parse(address)), Labels.of(labelKeyValues));
    }
}
