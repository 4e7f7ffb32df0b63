package dev.uniplane.provider.dpdk.internal;

import dev.uniplane.spi.ProbeHost;
import dev.uniplane.tck.RequireAll;

/** Skip-or-fail (under {@code UNIPLANE_REQUIRE_ALL=1}) checks for tests that need DPDK, root or host commands. */
public final class Prerequisites {
    private static final ProbeHost HOST = ProbeHost.system();

    private Prerequisites() {
    }

    /** The DPDK 22.11 runtime libraries the shim links. */
    public static void dpdkLibraries() {
        for (String soname : new String[] {"librte_eal.so.23", "librte_ethdev.so.23", "librte_mbuf.so.23", "librte_mempool.so.23", "librte_lpm.so.23"}) {
            RequireAll.prerequisite(HOST.canLoadLibrary(soname), soname + " (apt-get install dpdk libdpdk-dev)");
        }
    }

    /** Root, for EAL (pagemap, hugepages) and for namespaces and links. */
    public static void root() {
        RequireAll.prerequisite("root".equals(System.getProperty("user.name")), "root (EAL, netns and veth need it)");
        RequireAll.prerequisite(HOST.missingNetAdmin().isEmpty(), "CAP_NET_ADMIN");
    }

    /** Commands on the standard paths. */
    public static void commands(String... commands) {
        for (String command : commands) {
            RequireAll.prerequisite(HOST.findCommand(command).isPresent(), "the command " + command);
        }
    }
}
