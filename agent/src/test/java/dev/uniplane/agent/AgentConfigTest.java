package dev.uniplane.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agent.yaml: what it declares, and errors that point at file:line:column and name the field and value. */
class AgentConfigTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void readsDataplanesWithProviderNameAndOptions() throws Exception {
        AgentConfig config = AgentConfig.read(write("""
                socket: /run/uniplane/test.sock
                dataplanes:
                  - name: node1
                    provider: ebpf
                    hostNetns: /run/netns/node1
                    uplink: eth1
                    options:
                      maps.routes: 1024
                  - name: node2
                """));
        assertThat(config.socket()).isEqualTo(Path.of("/run/uniplane/test.sock"));
        assertThat(config.dataplanes()).containsExactly(
                DataplaneConfig.builder().name("node1").provider("ebpf").hostNetns("/run/netns/node1").uplink("eth1")
                        .option("maps.routes", "1024").build(),
                DataplaneConfig.builder().name("node2").build());
    }

    @Test
    void anEmptyFileDeclaresNothing() throws Exception {
        assertThat(AgentConfig.read(write(""))).isEqualTo(AgentConfig.empty());
    }

    @Test
    void anUnknownFieldIsAnErrorAtItsLineAndColumnNamingTheKnownOnes() throws Exception {
        Path file = write("""
                dataplanes:
                  - name: node1
                    provder: ebpf
                """);
        assertThatThrownBy(() -> AgentConfig.read(file)).isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith(file + ":3:5: dataplanes[0].provder=\"provder\": unknown field")
                .hasMessageContaining("provider");
    }

    @Test
    void aBadValueIsAnErrorAtItsEntryNamingTheFieldAndTheValue() throws Exception {
        Path file = write("""
                dataplanes:
                  - name: node1
                  - name: Not_A_Name
                """);
        assertThatThrownBy(() -> AgentConfig.read(file)).isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith(file + ":3:5: ")
                .hasMessageContaining("dataplanes[1].name=\"Not_A_Name\"")
                .hasMessageContaining("dataplane name must be");
    }

    @Test
    void duplicateNamesAndAMissingFileAreErrors() throws Exception {
        Path file = write("""
                dataplanes:
                  - name: a
                  - name: a
                """);
        assertThatThrownBy(() -> AgentConfig.read(file)).isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith(file + ":3:5: dataplanes[1].name=\"a\": duplicate dataplane name");
        assertThatThrownBy(() -> AgentConfig.read(dir.resolve("none.yaml"))).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("none.yaml").hasMessageContaining("no such file");
    }
}
