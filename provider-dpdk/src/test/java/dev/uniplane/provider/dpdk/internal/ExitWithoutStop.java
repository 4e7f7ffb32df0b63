package dev.uniplane.provider.dpdk.internal;

import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.EalConfig;
import dev.uniplane.provider.dpdk.internal.eal.PacketPool;
import dev.uniplane.provider.dpdk.internal.fastpath.ForwardingLoop;
import dev.uniplane.provider.dpdk.internal.fastpath.PortPair;
import dev.uniplane.provider.dpdk.internal.fastpath.Rewrite;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import java.time.Duration;
import java.util.List;

/** Child JVM for {@link ShutdownHookTest}: starts EAL and a loop on net_null ports, then exits without stopping either. */
public final class ExitWithoutStop {
    private ExitWithoutStop() {
    }

    /** Prints {@code prefix=<file prefix>}, waits until the loop has forwarded packets, then calls {@code System.exit(0)}. */
    public static void main(String[] args) throws InterruptedException {
        Eal eal = Eal.start(EalConfig.defaults().withVdevs("net_null0", "net_null1"));
        PacketPool pool = eal.createPool("updk_exit", 2047);
        int null0 = eal.openPort(RteEthDev.portByName("net_null0"), pool).id();
        int null1 = eal.openPort(RteEthDev.portByName("net_null1"), pool).id();
        ForwardingLoop loop = ForwardingLoop.start(eal, List.of(new PortPair(null0, null1)), Rewrite.NONE);
        System.out.println("prefix=" + eal.arguments().filePrefix());
        System.out.flush();
        Await.until("the loop has forwarded packets", Duration.ofSeconds(10), () -> loop.counters().snapshot().tx() > 0);
        System.out.println("running=" + loop.running());
        System.exit(0);
    }
}
