package dev.uniplane.spi.policy;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Labels;
import java.util.List;
import java.util.Objects;

/**
 * A local endpoint as policy resolution sees it: selected by policies through its labels, and matched as a peer
 * through its addresses.
 *
 * @param index     the provider's number for it (slot, endpoint index); unique within one resolution
 * @param labels    its labels
 * @param addresses its addresses (may be empty)
 */
public record PolicyEndpoint(int index, Labels labels, List<IpAddress> addresses) {

    /** Copies the addresses. */
    public PolicyEndpoint {
        Objects.requireNonNull(labels, "labels");
        addresses = List.copyOf(addresses);
    }
}
