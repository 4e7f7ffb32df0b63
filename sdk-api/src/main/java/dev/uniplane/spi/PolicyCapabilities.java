package dev.uniplane.spi;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Direction;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.Rule;
import dev.uniplane.api.UnsupportedCapabilityException;
import java.util.List;

/** Rejects a policy set that uses a feature the provider did not declare, before anything is changed. */
public final class PolicyCapabilities {
    private PolicyCapabilities() {
    }

    /** Throws {@link UnsupportedCapabilityException} for the first feature of {@code set} that {@code caps} lacks. */
    public static void check(String provider, Capabilities caps, PolicySet set) {
        for (Policy p : set.policies()) {
            for (Direction d : Direction.values()) {
                for (Rule r : p.rules(d).orElse(List.of())) {
                    for (Peer peer : r.peers()) {
                        if (peer instanceof Peer.Cidr c) {
                            require(provider, caps, c.cidr().family() == IpFamily.IPV4 ? Capability.IPV4 : Capability.IPV6);
                            if (!c.except().isEmpty()) {
                                require(provider, caps, Capability.POLICY_CIDR_EXCEPT);
                            }
                        }
                    }
                    for (PortMatch pm : r.ports()) {
                        if (pm.range() != null && pm.range().size() > 1) {
                            require(provider, caps, Capability.POLICY_PORT_RANGES);
                        }
                        if (pm.protocol() == Protocol.SCTP) {
                            require(provider, caps, Capability.POLICY_SCTP);
                        }
                        if (pm.protocol() == Protocol.ICMPV6) {
                            require(provider, caps, Capability.IPV6);
                        }
                    }
                }
            }
        }
    }

    private static void require(String provider, Capabilities caps, Capability c) {
        if (!caps.has(c)) {
            throw new UnsupportedCapabilityException(provider, c);
        }
    }
}
