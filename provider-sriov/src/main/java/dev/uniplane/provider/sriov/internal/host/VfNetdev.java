package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.RtNetlink;

import java.util.Optional;

/**
 * The VF's netdev as the attach and restore sequence sees it: its name in the host namespace before the attach, and
 * how to find it again in the host namespace after its workload namespace was deleted (the kernel hands physical
 * devices back to the initial namespace, keeping the workload name if it is free there, else {@code devN}). A real VF
 * is found by its PCI address; a stand-in (a veth end in tests) by name.
 */
public interface VfNetdev {
    /** The netdev's name in the host namespace before the attach (read before the move: sysfs hides it afterwards). */
    String hostName();

    /** The netdev's current name in the host namespace, if it is there. */
    Optional<String> findInHost(RtNetlink host, String workloadName);

    /** A real VF: found through sysfs ({@code <vf>/net/}) under whatever name it has. */
    static VfNetdev ofPci(SriovHost sysfs, String vfPciAddress, String hostName) {
        return new VfNetdev() {
            @Override
            public String hostName() {
                return hostName;
            }

            @Override
            public Optional<String> findInHost(RtNetlink host, String workloadName) {
                return sysfs.netdevOf(vfPciAddress);
            }

            @Override
            public String toString() {
                return "VF " + vfPciAddress + " (" + hostName + ")";
            }
        };
    }

    /** A stand-in netdev (a veth end) found by its original or its workload name. */
    static VfNetdev named(String hostName) {
        return new VfNetdev() {
            @Override
            public String hostName() {
                return hostName;
            }

            @Override
            public Optional<String> findInHost(RtNetlink host, String workloadName) {
                return host.findLink(hostName).or(() -> host.findLink(workloadName)).map(LinkInfo::name);
            }

            @Override
            public String toString() {
                return "netdev " + hostName;
            }
        };
    }
}
