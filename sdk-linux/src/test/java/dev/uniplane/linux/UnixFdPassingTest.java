package dev.uniplane.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link UnixFdPassing} against an independent sender: python3's {@code socket.send_fds} hands over a file on a
 * {@code SOCK_SEQPACKET} socket (as VPP's stats socket does); the descriptor received must read that file.
 */
class UnixFdPassingTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SENDER = """
            import os, socket, sys
            path, payload = sys.argv[1], sys.argv[2]
            server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            server.bind(path)
            server.listen(1)
            print("ready", flush=True)
            conn, _ = server.accept()
            r, w = os.pipe()
            os.write(w, payload.encode())
            os.close(w)
            socket.send_fds(conn, [b"x"], [r])
            conn.close()
            """;

    @Test
    void receivesTheDescriptorTheSenderPassed(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            if ("1".equals(System.getenv("UNIPLANE_REQUIRE_ALL"))) {
                Assertions.fail("python3 is missing, and UNIPLANE_REQUIRE_ALL=1 forbids skipping");
            }
            Assumptions.assumeTrue(false, "python3 is missing");
        }
        Path socket = dir.resolve("fd.sock");
        Process sender = new ProcessBuilder(PYTHON.toString(), "-c", SENDER, socket.toString(), "hello uva")
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(sender.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");

            try (UnixFdPassing.PassedFd fd = UnixFdPassing.receive(socket, UnixFdPassing.SOCK_SEQPACKET)) {
                assertThat(fd.fd()).isGreaterThan(2);
                assertThat(Files.readString(fd.procPath())).isEqualTo("hello uva");
            }
            assertThat(sender.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sender.exitValue()).isZero();
        } finally {
            sender.destroyForcibly();
        }
    }

    @Test
    void aMissingSocketIsNamedWithItsErrno(@TempDir Path dir) {
        Path missing = dir.resolve("nobody.sock");

        assertThatThrownBy(() -> UnixFdPassing.receive(missing, UnixFdPassing.SOCK_SEQPACKET))
                .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errorCode()).isEqualTo("ENOENT"))
                .hasMessageContaining(missing.toString());
    }
}
