package dev.uniplane.provider.sriov;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.NetNs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * VF attach and detach latency of the SR-IOV dataplane, for {@code scripts/sriov-bench.sh} inside the QEMU igb guest:
 * {@code warmup + cycles} attach/detach cycles of VF 0 of {@code pf} with the same settings the script's {@code ip}
 * commands apply (vlan 100, admin MAC, max rate 50, spoofchk off, trust on; moved into {@code usrbw} as {@code net1}
 * with the MAC, 192.0.2.50/24 and the default route via 169.254.1.1). Writes {@code attach <ns>} and
 * {@code detach <ns>} lines, one per measured cycle.
 *
 * <p>Usage: {@code SriovLatencyBench <pf> <warmup> <cycles> <output file>}
 */
final class SriovLatencyBench {
    private SriovLatencyBench() {
    }

    public static void main(String[] args) throws IOException {
        String pf = args[0];
        int warmup = Integer.parseInt(args[1]);
        int cycles = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        NetNs.create("usrbw").close();
        List<String> lines = new ArrayList<>();
        Dataplane dp = new SriovProvider().open(DataplaneConfig.builder().provider(SriovProvider.NAME).name("usrbench")
                .option("sriov.pf", pf + "#0").option("sriov.vlan", "100").option("sriov.maxTxRate", "50")
                .option("sriov.spoofchk", "off").option("sriov.trust", "on").build());
        try {
            AttachSpec spec = AttachSpec.builder("bench").netns(NetNs.RUN_DIR.resolve("usrbw").toString())
                    .interfaceName("net1").address("192.0.2.50").mac(MacAddress.parse("02:00:00:00:0b:01"))
                    .kinds(AttachKind.VF).build();
            for (int i = 0; i < warmup + cycles; i++) {
                long t0 = System.nanoTime();
                dp.attach(spec);
                long t1 = System.nanoTime();
                dp.detach(EndpointId.of("bench"));
                long t2 = System.nanoTime();
                if (i >= warmup) {
                    lines.add("attach " + (t1 - t0));
                    lines.add("detach " + (t2 - t1));
                }
            }
        } finally {
            dp.destroy();
            NetNs.delete("usrbw");
        }
        Files.write(out, lines);
    }
}
