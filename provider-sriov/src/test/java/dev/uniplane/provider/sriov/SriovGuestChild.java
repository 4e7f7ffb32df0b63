package dev.uniplane.provider.sriov;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Endpoint;
import dev.uniplane.linux.NetNs;
import dev.uniplane.provider.sriov.internal.host.VfAllocator;

/**
 * The process {@link SriovVfGuestTest} kills: opens dataplane {@code args[0]}, attaches endpoint {@code killed} in
 * namespace {@code args[1]}, prints {@link #ATTACHED} and the VF's PCI address, and waits to be killed (SIGKILL).
 */
final class SriovGuestChild {
    static final String ATTACHED = "ATTACHED ";

    private SriovGuestChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Dataplane dp = new SriovProvider().open(DataplaneConfig.builder().provider(SriovProvider.NAME).name(args[0])
                .option("sriov.numvfs", "4").option("sriov.vlan", "400").build());
        Endpoint e = dp.attach(AttachSpec.builder("killed").netns(NetNs.RUN_DIR.resolve(args[1]).toString())
                .interfaceName("net1").address("192.0.2.40").kinds(AttachKind.VF).build());
        String pci = new VfAllocator(VfAllocator.DEFAULT_DIRECTORY).allocations().stream()
                .filter(a -> a.owner().equals(args[0] + "/killed")).findFirst().orElseThrow().pciAddress();
        System.out.println(ATTACHED + pci + " (" + e.hostInterface() + ")");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
