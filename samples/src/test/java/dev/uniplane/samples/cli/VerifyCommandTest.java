package dev.uniplane.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Dataplanes;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code uniplane verify} against a real eBPF dataplane (root, bpffs): no drift after open and close, then the drift of
 * a route deleted from the pinned route map behind the dataplane's back (with bpftool, as another process would).
 */
class VerifyCommandTest {
    private static final String ROUTE = "198.51.100.0/24";

    private record Run(int exitCode, String out) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = UniplaneCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        return new Run(cli.execute(args), out.toString());
    }

    @Test
    void verifyFindsNoDriftThenNamesARouteDeletedBehindItsBack() throws Exception {
        DataplaneProvider ebpf = Dataplanes.discover().provider("ebpf").orElseThrow();
        RequireAll.prerequisite(ebpf.probe().available(), "eBPF provider: " + ebpf.probe().describe());
        try (Topology topology = Topology.create()) {
            String name = topology.prefix() + "-ver";
            DataplaneConfig config = DataplaneConfig.builder().provider("ebpf").name(name)
                    .hostNetns(topology.nodeNetnsPath()).uplink(topology.uplink()).build();
            String[] verify = {"verify", "--provider", "ebpf", "--name", name, "--host-netns", topology.nodeNetnsPath(),
                    "--uplink", topology.uplink()};
            try {
                Workload w1 = topology.workload("ve-w1", false, "app", "web");
                try (Dataplane dp = ebpf.open(config)) {
                    dp.attach(w1.spec());
                    dp.addRoute(Route.of(ROUTE, NextHop.endpoint("ve-w1")));
                }

                Run clean = run(verify);
                assertThat(clean.exitCode()).as(clean.out()).isZero();
                assertThat(clean.out()).contains("no drift");

                deleteRouteEntry(name, 24, new int[] {198, 51, 100, 0});
                Run drifted = run(append(verify, "-o", "json"));
                assertThat(drifted.exitCode()).as(drifted.out()).isEqualTo(VerifyCommand.DRIFT);
                JsonNode report = new ObjectMapper().readTree(drifted.out());
                assertThat(report.get("drift").toString()).contains("route " + ROUTE + ": missing in the backend");

                Run text = run(verify);
                assertThat(text.exitCode()).isEqualTo(VerifyCommand.DRIFT);
                assertThat(text.out()).contains("route " + ROUTE + ": missing in the backend");
            } finally {
                ebpf.open(config).destroy();
            }
            assertThat(run(verify).exitCode()).as("nothing to verify once destroyed").isEqualTo(VerifyCommand.NOT_VERIFIED);
        }
    }

    private static String[] append(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** Deletes the IPv4 LPM entry {prefix length (u32, host order), address} from the dataplane's pinned route map. */
    private static void deleteRouteEntry(String dataplane, int length, int[] address) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bpftool", "map", "delete", "pinned",
                "/sys/fs/bpf/uniplane/" + dataplane + "/up_routes_v4", "key", "hex"));
        for (int b : new int[] {length, 0, 0, 0, address[0], address[1], address[2], address[3]}) {
            command.add(String.format("%02x", b));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("bpftool: " + output).isZero();
    }
}
