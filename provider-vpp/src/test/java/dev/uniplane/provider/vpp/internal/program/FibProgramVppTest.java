package dev.uniplane.provider.vpp.internal.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.provider.vpp.internal.host.VppConnection;
import dev.uniplane.provider.vpp.internal.host.VppProcess;
import dev.uniplane.provider.vpp.internal.wire.Messages;
import dev.uniplane.provider.vpp.internal.wire.Messages.FibPath;
import dev.uniplane.provider.vpp.internal.wire.VppApiException;
import dev.uniplane.tck.RequireAll;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A batch of FIB changes against a real VPP: all of it or, when one write fails, none of it. */
class FibProgramVppTest {
    private static final FibPath DROP_V4 = new FibPath(Messages.ALL_ONES, 0, 1, 0, Messages.FIB_PATH_TYPE_DROP, 0,
            Messages.Prefix.any(false).address());

    private static List<IpPrefix> ours(VppConnection vpp) {
        return vpp.dump(new Messages.IpRouteDump(0, false)).stream()
                .map(r -> new IpPrefix(IpAddress.of(r.prefix().address()), r.prefix().length()))
                .filter(p -> p.toString().startsWith("10.61.")).collect(Collectors.toList());
    }

    @Test
    void aFailingWriteUndoesTheWritesBeforeIt() {
        Optional<java.nio.file.Path> binary = vppBinary();
        RequireAll.prerequisite(binary.isPresent(), "a vpp binary (scripts/setup.sh unpacks one)");
        VppProcess process = VppProcess.startOrFind(new VppProcess.Settings(binary.get(), Optional.empty(), "256M",
                8192, Duration.ofSeconds(30)), "uvcfib" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current()
                .nextInt()), Optional.empty());
        try {
            VppConnection vpp = new VppConnection(process.connect("uvc-fib-test"));
            try {
                FibProgram fib = new FibProgram(vpp);
                IpPrefix kept = IpPrefix.parse("10.61.0.0/24");
                fib.apply(List.of(new FibProgram.Change(kept, Optional.empty(), Optional.of(List.of(DROP_V4)))));
                IpPrefix added = IpPrefix.parse("10.61.1.0/24");
                IpPrefix broken = IpPrefix.parse("10.61.2.0/24");
                FibPath noSuchInterface = FibPath.via(IpAddress.parse("10.61.9.1").toInetAddress(), 4242);

                assertThatThrownBy(() -> fib.apply(List.of(
                        new FibProgram.Change(added, Optional.empty(), Optional.of(List.of(DROP_V4))),
                        new FibProgram.Change(kept, Optional.of(List.of(DROP_V4)), Optional.empty()),
                        new FibProgram.Change(broken, Optional.empty(), Optional.of(List.of(noSuchInterface))))))
                        .isInstanceOf(VppApiException.class);

                assertThat(ours(vpp)).as("the batch before it, undone").containsExactly(kept);
            } finally {
                vpp.close();
            }
        } finally {
            process.stop();
        }
    }

    /** The binary the tests start: {@code $UNIPLANE_VPP_HOME/bin/vpp} or the one scripts/setup.sh unpacks. */
    private static Optional<java.nio.file.Path> vppBinary() {
        String home = System.getenv().getOrDefault("UNIPLANE_VPP_HOME", "/opt/uniplane/vpp-26.06");
        return Optional.of(java.nio.file.Path.of(home, "bin", "vpp")).filter(java.nio.file.Files::isExecutable);
    }
}
