package dev.uniplane.provider.ebpf.internal.host;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.MacAddress;
import dev.uniplane.provider.ebpf.internal.program.PolicyCompiler;
import java.util.List;

/** What attach made for one endpoint: its index, the veth's host end, the MACs and the identities of its addresses. */
public record Wiring(int index, String hostName, int hostIfindex, MacAddress mac, MacAddress hostMac,
              List<PolicyCompiler.AddressIdentity> identities, AttachSpec spec) {
}
