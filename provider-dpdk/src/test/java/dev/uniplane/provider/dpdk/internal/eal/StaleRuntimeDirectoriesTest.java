package dev.uniplane.provider.dpdk.internal.eal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleRuntimeDirectoriesTest {
    @Test
    void onlyOurDirectoriesOfDeadPidsAreRemoved(@TempDir Path base) throws Exception {
        Path dead = Files.createDirectories(base.resolve("upd" + Integer.MAX_VALUE + "_0a1b2c"));
        Files.writeString(dead.resolve("config"), "x");
        Path alive = Files.createDirectories(base.resolve("upd" + ProcessHandle.current().pid() + "_0a1b2c"));
        Path foreign = Files.createDirectories(base.resolve("rte"));
        Path otherTool = Files.createDirectories(base.resolve("uph5" + Integer.MAX_VALUE));

        assertThat(StaleRuntimeDirectories.remove(base)).containsExactly(dead);

        assertThat(dead).doesNotExist();
        assertThat(alive).exists();
        assertThat(foreign).exists();
        assertThat(otherTool).exists();
    }
}
