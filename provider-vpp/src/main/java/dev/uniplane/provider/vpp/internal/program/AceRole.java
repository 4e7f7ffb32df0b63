package dev.uniplane.provider.vpp.internal.program;

import dev.uniplane.api.Action;
import dev.uniplane.api.RuleRef;

/** Why an ACE (one ACL plugin rule) is there: what its match counter counts. */
public sealed interface AceRole {
    /** Part of a policy rule: its hits are the rule's new-flow packets (and POLICY_DENIED drops for a DENY rule). */
    record Rule(RuleRef ref, Action action) implements AceRole {
    }

    /** The final deny of an isolated direction: POLICY_DEFAULT_DENY drops. */
    record DefaultDeny() implements AceRole {
    }

    /** The final permit+reflect of an open direction (it also lets the replies of the flow back). */
    record Open() implements AceRole {
    }

    /** The deny of every source the endpoint does not own: INVALID drops. */
    record AntiSpoof() implements AceRole {
    }

    /**
     * IPv6 neighbour and multicast listener discovery (ICMPv6 130-137, 143), which must pass whatever the policy (ARP
     * is not IP: ACLs never see it).
     */
    record NeighborDiscovery() implements AceRole {
    }
}
