package dev.uniplane.provider.dpdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.EalConfig;
import dev.uniplane.provider.dpdk.internal.eal.EthPort;
import dev.uniplane.provider.dpdk.internal.eal.PacketPool;
import dev.uniplane.provider.dpdk.internal.ffm.DpdkException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * In which namespace the af_packet driver works: the calling thread's, for the probe (packet socket, {@code iface=}
 * lookup) and again for start (an AF_INET ioctl socket by interface name). An interface that exists only in another
 * namespace is not found from the root namespace; probe and start on a thread inside it work, and the lcore (root
 * namespace) can still see the port afterwards.
 */
class AfPacketNetnsTest {
    @Test
    void probeAndStartRunInTheCallingThreadsNamespace() {
        Prerequisites.root();
        Prerequisites.dpdkLibraries();
        String name = "updn" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        Eal eal = Eal.start(EalConfig.defaults().withMemory(EalConfig.Memory.NO_HUGE));
        PacketPool pool = eal.createPool("updk_ns", 1023);
        try (NetNs ns = NetNs.create(name)) {
            try (RtNetlink nl = RtNetlink.open(ns)) {
                nl.createVethPair(name + "a", name + "b", null);
                nl.setUp(name + "a", true);
                nl.setUp(name + "b", true);
            }
            assertThatThrownBy(() -> eal.hotplug("net_af_packet90,iface=" + name + "a"))
                    .as("probe from the root namespace").isInstanceOf(DpdkException.class);

            int probedInside = ns.run(() -> eal.hotplug("net_af_packet91,iface=" + name + "a"));
            assertThatThrownBy(() -> eal.openPort(probedInside, pool)).as("start from the root namespace")
                    .isInstanceOf(DpdkException.class).hasMessageContaining("ENODEV");
            ns.execute(() -> eal.unplug(eal.openPort(probedInside, pool)));

            EthPort port = ns.run(() -> eal.openPort(eal.hotplug("net_af_packet92,iface=" + name + "b"), pool));
            assertThat(eal.onLcore(() -> port.link().up()).join()).as("link seen from the lcore thread").isTrue();
            ns.execute(() -> eal.unplug(port));
        } finally {
            if (NetNs.exists(name)) {
                NetNs.delete(name);
            }
            eal.stop();
        }
    }
}
