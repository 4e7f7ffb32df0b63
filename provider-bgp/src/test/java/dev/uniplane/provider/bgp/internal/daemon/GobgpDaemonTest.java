package dev.uniplane.provider.bgp.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.IpAddress;
import dev.uniplane.linux.NetNs;
import dev.uniplane.provider.bgp.internal.wire.BgpGlobal;
import dev.uniplane.provider.bgp.internal.wire.GobgpException;
import dev.uniplane.tck.RequireAll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gobgpd's lifecycle in a namespace of its own: API on the namespace's loopback, one port per instance, clean stop. */
class GobgpDaemonTest {
    @TempDir
    Path tmp;
    private String ns;

    @BeforeEach
    void namespace() {
        RequireAll.prerequisite("root".equals(System.getProperty("user.name")), "root (network namespaces)");
        RequireAll.prerequisite(Files.isExecutable(Path.of("/usr/bin/gobgpd")), "gobgpd (apt-get install gobgpd)");
        ns = "hbgp" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()) + "d";
        NetNs.create(ns).close();
    }

    @AfterEach
    void deleteNamespace() {
        if (ns != null && NetNs.exists(ns)) {
            NetNs.delete(ns);
        }
    }

    @Test
    void twoInstancesInOneNamespaceGetTheirOwnApiPortsAndStopCleanly() {
        Path nsFile = NetNs.RUN_DIR.resolve(ns);
        GobgpDaemon first = GobgpDaemon.start(GobgpDaemon.Options.in(nsFile, tmp));
        ProcessHandle firstProcess;
        try (GobgpDaemon second = GobgpDaemon.start(GobgpDaemon.Options.in(nsFile, tmp))) {
            firstProcess = ProcessHandle.of(first.pid()).orElseThrow();
            assertThat(second.apiPort()).isNotEqualTo(first.apiPort());
            first.client().startBgp(BgpGlobal.of(65010, IpAddress.parse("192.0.2.1"), -1));
            second.client().startBgp(BgpGlobal.of(65020, IpAddress.parse("192.0.2.2"), -1));

            assertThat(first.client().localAsn()).isEqualTo(65010);
            assertThat(second.client().localAsn()).isEqualTo(65020);
            // pprof is off: its default address, localhost:6060 of the namespace, is free.
            try (NetNs handle = NetNs.open(nsFile)) {
                handle.execute(() -> {
                    try (ServerSocket pprof = new ServerSocket(6060, 1, InetAddress.getLoopbackAddress())) {
                        assertThat(pprof.isBound()).isTrue();
                    } catch (IOException e) {
                        throw new AssertionError("127.0.0.1:6060 in use in " + ns, e);
                    }
                });
            }
        } finally {
            first.close();
        }

        assertThat(firstProcess.isAlive()).isFalse();
        assertThat(first.isAlive()).isFalse();
    }

    @Test
    void aNamespaceThatDoesNotExistFailsTheStartAndLeavesNothingRunning() {
        assertThatThrownBy(() -> GobgpDaemon.start(GobgpDaemon.Options.in(NetNs.RUN_DIR.resolve(ns + "x"), tmp)))
                .isInstanceOf(RuntimeException.class);
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(tmp.toString())))
                .isEmpty();
    }

    @Test
    void aCallToADaemonThatDiedFailsWithUnavailable() throws Exception {
        try (GobgpDaemon d = GobgpDaemon.start(GobgpDaemon.Options.in(NetNs.RUN_DIR.resolve(ns), tmp))) {
            ProcessHandle process = ProcessHandle.of(d.pid()).orElseThrow();
            process.destroyForcibly();
            process.onExit().get();

            assertThatThrownBy(() -> d.client().localAsn()).isInstanceOfSatisfying(GobgpException.class,
                    e -> assertThat(e.errorCode()).isEqualTo("UNAVAILABLE"));
        }
    }
}
