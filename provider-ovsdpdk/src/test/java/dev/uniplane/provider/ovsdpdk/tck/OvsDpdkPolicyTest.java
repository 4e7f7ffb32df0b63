package dev.uniplane.provider.ovsdpdk.tck;

import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Rule;
import dev.uniplane.provider.ovsdpdk.OvsDpdkProvider;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.PolicyVerification;
import java.util.ArrayList;
import java.util.List;

/** The conformance kit's Policy area against the real OVS-DPDK dataplane. */
class OvsDpdkPolicyTest extends PolicyVerification {
    @Override
    protected DataplaneProvider provider() {
        return new OvsDpdkProvider();
    }

    /**
     * The kit's default (64 CIDRs x 32768 ports in one rule) is 2M combinations but only ~33k flows with conjunctive
     * matches, which this provider installs. Refused instead: 7 single-peer rules of 32768 ports each, which no
     * conjunction shortens (one value in every other dimension), ~229k flows, past the 200k cap.
     */
    @Override
    protected PolicySet hugeOrUnsupportedSet() {
        List<PortMatch> ports = new ArrayList<>();
        for (int p = 1; p <= 65535; p += 2) {
            ports.add(PortMatch.tcp(p));
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            rules.add(Rule.allow(List.of(Peer.cidr("10." + i + ".0.0/16")), ports));
        }
        return PolicySet.of(Policy.builder("huge").selectLabels("app", "db").ingress(rules.toArray(Rule[]::new)).build());
    }
}
