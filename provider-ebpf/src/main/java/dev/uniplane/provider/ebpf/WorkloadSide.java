package dev.uniplane.provider.ebpf;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.WorkloadInterface;

/** The workload end of an endpoint's veth: {@link WorkloadInterface} with the host veth's MAC as the gateway's. */
final class WorkloadSide {
    private WorkloadSide() {
    }

    static void configure(NetNs workload, AttachSpec spec, MacAddress mac, MacAddress hostMac) {
        WorkloadInterface.configure(workload, spec.interfaceName(), mac, spec.addresses(), hostMac);
    }
}
