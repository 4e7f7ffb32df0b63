package dev.uniplane.provider.ebpf.internal.ffm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.uniplane.linux.Errno;
import dev.uniplane.provider.ebpf.internal.program.DatapathMaps;
import dev.uniplane.tck.RequireAll;

/**
 * clsact + cls_bpf through libbpf's netlink API on a throw-away veth pair ({@code uph4<pid>a/b}, deleted in finally),
 * checked independently with {@code tc filter show}.
 */
class TcAttachmentTest {

    @Test
    void attachReplaceDetachAndDestroyOnAVeth() throws Exception {
        RequireAll.prerequisite(LibBpf.loadFailure().isEmpty(), "libbpf.so.1 (apt-get install libbpf1)");
        RequireAll.prerequisite(BpfMapTest.isPrivileged(), "root (CAP_BPF/CAP_SYS_ADMIN + CAP_NET_ADMIN) for tc");
        String name = "uph4" + (ProcessHandle.current().pid() % 100000) + "a";
        String peer = name.substring(0, name.length() - 1) + "b";
        RequireAll.prerequisite(run("ip", "link", "add", name, "type", "veth", "peer", "name", peer) == 0,
                "ip link add ... type veth (iproute2 and veth support)");
        try (DatapathMaps maps = DatapathMaps.load()) {
            int ifindex = Integer.parseInt(Files.readString(Path.of("/sys/class/net/" + name + "/ifindex")).strip());
            TcAttachment.createHook(ifindex);
            TcAttachment.createHook(ifindex); // -EEXIST is fine

            TcAttachment a = TcAttachment.attach(ifindex, TcAttachment.Point.INGRESS, maps.fromEndpoint(), 1, 1, false);
            assertThat(a.handle()).isEqualTo(1);
            assertThat(a.priority()).isEqualTo(1);
            assertThat(a.progId()).isPositive();
            assertThat(output("tc", "filter", "show", "dev", name, "ingress")).contains("from_endpoint", "direct-action");

            assertThatThrownBy(() -> TcAttachment.attach(ifindex, TcAttachment.Point.INGRESS, maps.fromUplink(), 1, 1, false))
                    .isInstanceOfSatisfying(BpfException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
            TcAttachment replaced = TcAttachment.attach(ifindex, TcAttachment.Point.INGRESS, maps.fromUplink(), 1, 1, true);
            assertThat(replaced.progId()).isNotEqualTo(a.progId());
            assertThat(output("tc", "filter", "show", "dev", name, "ingress")).contains("from_uplink").doesNotContain("from_endpoint");

            assertThat(replaced.detach()).isTrue();
            assertThat(output("tc", "filter", "show", "dev", name, "ingress")).doesNotContain("from_uplink");
            assertThat(TcAttachment.destroyHook(ifindex)).isTrue();
            assertThat(TcAttachment.destroyHook(ifindex)).as("nothing left to remove (-EINVAL on veth)").isFalse();
        } finally {
            run("ip", "link", "del", name);
        }
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    private static String output(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
