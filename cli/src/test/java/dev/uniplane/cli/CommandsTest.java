package dev.uniplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.Capability;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.Plan;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.api.UnsupportedCapabilityException;
import dev.uniplane.spi.Availability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command logic against a mocked dataplane: plan printing, apply, exit codes, output formats. */
class CommandsTest {
    private final CliHarness cli = new CliHarness();
    @TempDir
    Path dir;
    private Path stateFile;
    private DesiredState current;

    @BeforeEach
    void currentStateDiffersFromTheFile() throws Exception {
        DesiredState desired = SpecReaderTest.expectedState();
        // current: web only (db to add), another default route (to change), an extra policy (to remove)
        current = new DesiredState(List.of(desired.endpoints().getFirst()),
                List.of(Route.of("0.0.0.0/0", NextHop.gateway("10.254.0.2")), desired.routes().get(1), desired.routes().get(2)),
                new PolicySet(List.of(desired.policies().policies().get(0), desired.policies().policies().get(1),
                        Policy.builder("old").ingress(Rule.allowAll()).build())),
                desired.remotes());
        when(cli.dataplane.currentState()).thenAnswer(i -> current);
        when(cli.dataplane.plan(any())).thenAnswer(i -> Plan.between(current, i.getArgument(0)));
        stateFile = dir.resolve("state.yaml");
        Files.writeString(stateFile, SpecReaderTest.STATE);
    }

    @Test
    void planPrintsAddedChangedAndRemovedAndChangesNothing() {
        CliHarness.Result result = cli.run("plan", "-f", stateFile.toString(), "--color=never");
        assertThat(result.code()).isZero();
        assertThat(result.out())
                .contains("+ endpoint db  {\"id\":\"db\"")
                .contains("~ route 0.0.0.0/0")
                .contains("    nextHops: [{\"type\":\"gateway\",\"address\":\"10.254.0.2\",\"weight\":1}] -> [{\"type\":\"gateway\",\"address\":\"10.254.0.2\",\"weight\":1},{\"type\":\"gateway\",\"address\":\"10.254.0.3\",\"weight\":3}]")
                .contains("- policy old")
                .contains("Plan: 1 to add, 1 to change, 1 to remove.")
                .doesNotContain("\u001B[");
        verify(cli.dataplane, never()).apply(any());
        verify(cli.dataplane, never()).applyPolicies(any());
        verify(cli.dataplane, never()).attach(any());
    }

    @Test
    void planIsColouredOnlyWhenColoursAreOn() {
        String coloured = cli.run("plan", "-f", stateFile.toString(), "--color=always").out();
        assertThat(coloured).contains("\u001B[32m+ endpoint db").contains("\u001B[31m- policy old").contains("\u001B[33m~ route 0.0.0.0/0");
    }

    @Test
    void planWithDetailedExitCodeSaysWhetherThereAreChanges() {
        assertThat(cli.run("plan", "-f", stateFile.toString(), "--detailed-exitcode").code()).isEqualTo(10);
        current = SpecReaderTest.expectedState();
        CliHarness.Result same = cli.run("plan", "-f", stateFile.toString(), "--detailed-exitcode");
        assertThat(same.code()).isZero();
        assertThat(same.out()).contains("No changes");
    }

    @Test
    void applyCarriesOutThePlanOnceAndDryRunDoesNot() {
        CliHarness.Result dry = cli.run("apply", "-f", stateFile.toString(), "--dry-run");
        assertThat(dry.code()).isZero();
        assertThat(dry.out()).contains("Dry run: nothing changed.");
        verify(cli.dataplane, never()).apply(any());

        CliHarness.Result applied = cli.run("apply", "-f", stateFile.toString());
        assertThat(applied.code()).isZero();
        assertThat(applied.out()).contains("Applied.");
        verify(cli.dataplane).apply(Plan.between(current, SpecReaderTest.expectedState()));
    }

    @Test
    void applyUnderJsonPrintsOnlyJson() throws Exception {
        CliHarness.Result result = cli.run("apply", "-f", stateFile.toString(), "-o", "json", "--color=always");
        assertThat(result.code()).isZero();
        assertThat(result.err()).isEmpty();
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.get("applied").asBoolean()).isTrue();
        assertThat(json.get("add").asInt()).isEqualTo(1);
        assertThat(json.get("changes").get(0).get("kind").asText()).isEqualTo("endpoint");
    }

    @Test
    void aBadFileIsExitCode3WithFileLineColumnAndTheDataplaneIsNeverTouched() throws Exception {
        Files.writeString(stateFile, SpecReaderTest.STATE.replace("addresses: [10.100.0.3]", "addresses: [10.100.0.300]"));
        CliHarness.Result result = cli.run("apply", "-f", stateFile.toString());
        assertThat(result.code()).isEqualTo(3);
        assertThat(result.err()).contains(stateFile + ":11:17: endpoints[1].addresses[0] = \"10.100.0.300\": octet 300 exceeds 255");
        verifyNoInteractions(cli.access, cli.dataplane);
    }

    @Test
    void aStaleplanIsAConflict() {
        doThrow(new ConflictException("the state changed since the plan was made")).when(cli.dataplane).apply(any());
        CliHarness.Result result = cli.run("apply", "-f", stateFile.toString());
        assertThat(result.code()).isEqualTo(5);
        assertThat(result.err()).contains("error: the state changed since the plan was made");
    }

    @Test
    void everyErrorKindHasItsExitCode() {
        doThrow(new NotFoundException("endpoint x is not attached")).when(cli.dataplane).detach(EndpointId.of("x"));
        assertThat(cli.run("detach", "x").code()).isEqualTo(4);
        doThrow(new UnsupportedCapabilityException("mockprovider", Capability.ROUTE_DROP)).when(cli.dataplane).addRoute(any());
        assertThat(cli.run("route", "add", "192.0.2.0/24", "--drop").code()).isEqualTo(6);
        assertThat(cli.run("route", "add", "192.0.2.1/24", "--drop").code()).isEqualTo(3);
        doThrow(new BackendException("bpf_map_update_elem", "E2BIG", "map full")).when(cli.dataplane).removeRoute(any());
        CliHarness.Result backend = cli.run("route", "del", "10.0.0.0/8");
        assertThat(backend.code()).isEqualTo(8);
        assertThat(backend.err()).contains("bpf_map_update_elem failed: E2BIG (map full)");
        when(cli.access.dataplane("gone")).thenThrow(new ProviderUnavailableException("ebpf", Availability.unavailable("no bpffs", "mount it")));
        assertThat(cli.run("endpoint", "list", "-d", "gone").code()).isEqualTo(7);
        assertThat(cli.run("route", "add").code()).isEqualTo(2);
        when(cli.dataplane.remotes()).thenThrow(new IllegalStateException("bug"));
        CliHarness.Result internal = cli.run("remote", "list");
        assertThat(internal.code()).isEqualTo(1);
        assertThat(internal.err()).contains("bug").contains("at dev.uniplane");
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheCommand() throws Exception {
        when(cli.access.health()).thenReturn(List.of(new DataplaneHealth("default", "mockprovider", true, "", "", "")));
        when(cli.access.providers()).thenReturn(List.of());
        when(cli.dataplane.endpoints()).thenReturn(List.of());
        when(cli.dataplane.policies()).thenReturn(current.policies());
        when(cli.dataplane.routes()).thenReturn(current.routes());
        when(cli.dataplane.stats()).thenReturn(new dev.uniplane.api.StatsSnapshot(java.time.Instant.now(), java.util.Map.of(), java.util.Map.of()));
        for (String[] args : List.of(new String[] {"-o", "json", "status"}, new String[] {"status", "-o", "json"})) {
            CliHarness.Result result = cli.run(args);
            assertThat(result.code()).isZero();
            JsonNode status = new ObjectMapper().readTree(result.out());
            assertThat(status.get("dataplanes").get(0).get("routes").asInt()).isEqualTo(3);
            assertThat(status.get("dataplanes").get(0).get("policies").asInt()).isEqualTo(3);
        }
        cli.run("-d", "blue", "route", "list", "--provider", "ebpf");
        assertThat(cli.lastSettings.dataplanes()).containsExactly("blue");
        assertThat(cli.lastSettings.provider()).isEqualTo("ebpf");
    }

    @Test
    void getStateThenPlanIsANoOp() throws Exception {
        current = SpecReaderTest.expectedState();
        CliHarness.Result got = cli.run("get", "state", "-o", "yaml");
        assertThat(got.code()).isZero();
        Path written = dir.resolve("got.yaml");
        Files.writeString(written, got.out());
        CliHarness.Result plan = cli.run("plan", "-f", written.toString(), "-o", "json");
        assertThat(new ObjectMapper().readTree(plan.out()).get("changes")).isEmpty();
    }

    @Test
    void attachBuildsTheSpecFromOptions() {
        AttachSpec expected = AttachSpec.builder("web").netns("/run/netns/web").address("10.100.0.2").labels("app", "web").build();
        when(cli.dataplane.attach(expected)).thenReturn(new dev.uniplane.api.Endpoint(expected, dev.uniplane.api.AttachKind.VETH,
                "upweb", dev.uniplane.api.MacAddress.parse("02:00:00:00:00:01"), dev.uniplane.api.MacAddress.parse("02:00:00:00:00:02")));
        CliHarness.Result result = cli.run("attach", "web", "--netns", "/run/netns/web", "--address", "10.100.0.2", "--label", "app=web");
        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("attached web (VETH, host interface upweb)");
    }

    @Test
    void completionIsAPicocliBashScript() {
        CliHarness.Result result = cli.run("completion");
        assertThat(result.out()).contains("complete -F").contains("explain").contains("--dry-run");
    }

    @Test
    void policyApplyReplacesTheSetAtomicallyAndABadFileTouchesNothing() throws Exception {
        when(cli.dataplane.policies()).thenReturn(current.policies());
        Path policies = dir.resolve("policies.yaml");
        Files.writeString(policies, """
                - name: db-ingress
                  selector: {matchLabels: {app: db}}
                  ingress: []
                """);
        CliHarness.Result dry = cli.run("policy", "apply", "-f", policies.toString(), "--dry-run", "--color=never");
        assertThat(dry.out()).contains("~ policy db-ingress").contains("- policy lockdown").contains("- policy old");
        verify(cli.dataplane, never()).applyPolicies(any());
        assertThat(cli.run("policy", "apply", "-f", policies.toString()).code()).isZero();
        verify(cli.dataplane).applyPolicies(PolicySet.of(Policy.builder("db-ingress").selectLabels("app", "db").ingress().build()));

        Files.writeString(policies, """
                - name: db-ingress
                  selector: {matchLabels: {app: db}}
                  ingress:
                    - action: ALLOW
                      ports: [{protocol: ICMP, range: {from: 1, to: 2}}]
                """);
        CliHarness.Result bad = cli.run("policy", "apply", "-f", policies.toString());
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.err()).contains(policies + ":5:32: [0].ingress[0].ports[0].range = 1-2: ICMP has no ports").contains("[0].ingress[0].ports[0].range").contains("ICMP has no ports");
        verify(cli.dataplane).applyPolicies(any());
    }

    @Test
    void routeAndRemoteOptionsBecomeTheApiValues() {
        assertThat(cli.run("route", "add", "10.9.0.0/16", "--via", "10.254.0.2", "--via", "10.254.0.3@5").code()).isZero();
        verify(cli.dataplane).addRoute(Route.of("10.9.0.0/16", NextHop.gateway("10.254.0.2"), NextHop.gateway("10.254.0.3", 5)));
        assertThat(cli.run("route", "add", "10.8.0.0/16", "--endpoint", "db", "--replace").code()).isZero();
        verify(cli.dataplane).replaceRoute(Route.of("10.8.0.0/16", NextHop.endpoint("db")));
        assertThat(cli.run("remote", "add", "web2", "--address", "10.101.0.2", "--label", "app=web").code()).isZero();
        verify(cli.dataplane).registerRemote(dev.uniplane.api.RemoteEndpoint.of("web2", "10.101.0.2", "app", "web"));
        assertThat(cli.run("route", "add", "10.7.0.0/16", "--via", "10.254.0.2@x").code()).isEqualTo(3);
    }
}
