package dev.uniplane.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.lenient;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.uniplane.agent.client.AgentClient;
import dev.uniplane.agent.client.AgentHealth;
import dev.uniplane.agent.client.AgentUnavailableException;
import dev.uniplane.agent.client.RemoteDataplane;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Dataplanes;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.Plan;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.api.Route;
import dev.uniplane.api.StatsListener;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.api.Subscription;
import dev.uniplane.api.UnsupportedCapabilityException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.harness.KitTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

/**
 * The agent's control logic against a mocked provider and {@link Dataplane}, through the real socket and the real
 * client: error mapping, a second apply while one runs, health bookkeeping, close (never destroy) on shutdown.
 */
@ExtendWith(MockitoExtension.class)
class AgentControlTest {
    @TempDir
    Path dir;
    @Mock
    DataplaneProvider provider;
    @Mock
    Dataplane dataplane;

    private Agent agent;
    private AgentClient client;
    private final AttachSpec spec = AttachSpec.builder("web").netns("/run/netns/web").address("10.0.0.5").build();

    @BeforeEach
    void startAgent() {
        lenient().when(provider.name()).thenReturn("mock");
        lenient().when(provider.probe()).thenReturn(Availability.ok());
        lenient().when(provider.description()).thenReturn("a mocked provider");
        lenient().when(provider.capabilities()).thenReturn(Capabilities.of(Capability.IPV4));
        lenient().when(provider.open(any())).thenReturn(dataplane);
        lenient().when(dataplane.name()).thenReturn("dp1");
        lenient().when(dataplane.provider()).thenReturn("mock");
        lenient().when(dataplane.capabilities()).thenReturn(Capabilities.of(Capability.IPV4));
        lenient().when(dataplane.currentState()).thenReturn(DesiredState.empty());
        lenient().when(dataplane.stats()).thenReturn(new StatsSnapshot(Instant.now(), Map.of(), Map.of()));
        agent = Agent.start(Dataplanes.of(provider), new AgentConfig(null, List.of(DataplaneConfig.builder().name("dp1").provider("mock").build())),
                dir.resolve("agent.sock"));
        client = AgentClient.connect(agent.socket());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void theSocketIsTheOwnersOnly() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(agent.socket()))).isEqualTo("rw-------");
    }

    @Test
    void eachApiExceptionOfTheDataplaneReachesTheClientAsItsTypeAndMessage() {
        RemoteDataplane dp = client.dataplane("dp1");
        List<RuntimeException> failures = List.of(
                new InvalidSpecException("netns", "/run/netns/web", "is a regular file"),
                new ConflictException("endpoint web is attached with another spec"),
                new NotFoundException("no route for 10.9.0.0/16"),
                new UnsupportedCapabilityException("mock", Capability.ATTACH_MEMIF),
                new BackendException("bpf_map_update_elem", "E2BIG", "up_routes_v4 max_entries=4"),
                new ProviderUnavailableException("mock", Availability.unavailable("daemon gone", "restart it")),
                new IllegalStateException("dataplane dp1 (mock) is closed"));
        for (RuntimeException failure : failures) {
            doThrow(failure).when(dataplane).attach(spec);
            assertThatThrownBy(() -> dp.attach(spec)).hasSameClassAs(failure).hasMessage(failure.getMessage());
        }
        assertThat(client.health().dataplanes().getFirst().lastError()).isEqualTo("IllegalStateException: dataplane dp1 (mock) is closed");
    }

    @Test
    void callsReachTheDataplaneWithTheSameArguments() {
        RemoteDataplane dp = client.dataplane("dp1");
        Route route = Route.of("10.9.0.0/16", dev.uniplane.api.NextHop.gateway("10.254.0.2"));
        dp.updateRoutes(List.of(route), List.of(IpPrefix.parse("10.8.0.0/16")));
        verify(dataplane).updateRoutes(List.of(route), List.of(IpPrefix.parse("10.8.0.0/16")));
        when(dataplane.routes()).thenReturn(List.of(route));
        assertThat(dp.routes()).containsExactly(route);
        assertThat(dp.capabilities()).isEqualTo(Capabilities.of(Capability.IPV4));
    }

    @Test
    void anUnknownDataplaneIsNotFoundNamingTheOnesTheAgentHas() {
        assertThatThrownBy(() -> client.dataplane("nope")).isInstanceOf(NotFoundException.class).hasMessageContaining("[dp1]");
    }

    @Test
    void aSecondApplyWhileOneRunsIsAConflictAtOnceAndTheFirstGoesThrough() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        doAnswer(call -> {
            entered.countDown();
            assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            return null;
        }).when(dataplane).apply(any());
        Plan plan = Plan.between(DesiredState.empty(), DesiredState.empty());
        RemoteDataplane first = client.dataplane("dp1");
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> first.apply(plan));
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        try (AgentClient other = AgentClient.connect(agent.socket())) {
            assertThatThrownBy(() -> other.dataplane("dp1").apply(plan)).isInstanceOf(ConflictException.class)
                    .hasMessageContaining("another apply is in progress on dataplane dp1");
        } finally {
            release.countDown();
        }
        running.get(30, TimeUnit.SECONDS);
        verify(dataplane, times(1)).apply(plan);
    }

    @Test
    void healthRecordsTheLastSuccessfulApplyTheLastErrorAndWhetherTheBackendAnswers() {
        AgentHealth.DataplaneHealth before = client.health().dataplanes().getFirst();
        assertThat(before.backendUp()).isTrue();
        assertThat(before.lastSuccessfulApply()).isNull();
        assertThat(before.lastError()).isNull();

        client.dataplane("dp1").apply(Plan.between(DesiredState.empty(), DesiredState.empty()));
        AgentHealth.DataplaneHealth applied = client.health().dataplanes().getFirst();
        assertThat(applied.lastSuccessfulApply()).isNotNull().isEqualTo(applied.lastSuccessfulChange());

        when(dataplane.stats()).thenThrow(new BackendException("read up_stats", "EBADF", "map fd closed"));
        AgentHealth health = client.health();
        AgentHealth.DataplaneHealth down = health.dataplanes().getFirst();
        assertThat(down.backendUp()).isFalse();
        assertThat(down.lastError()).isEqualTo("BackendException: read up_stats failed: EBADF (map fd closed)");
        assertThat(down.lastSuccessfulApply()).isEqualTo(applied.lastSuccessfulApply());
        assertThat(health.healthy()).isFalse();
        assertThat(health.providers()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("mock");
            assertThat(p.dataplanes()).containsExactly("dp1");
            assertThat(p.availability().available()).isTrue();
        });
    }

    @Test
    void aConfiguredDataplaneThatFailsToOpenIsReportedAndTheOthersServe() {
        DataplaneConfig broken = DataplaneConfig.builder().name("dp2").provider("mock").build();
        when(provider.open(DataplaneConfig.builder().name("dp2").provider("mock").build()))
                .thenThrow(new BackendException("start daemon", "ENOENT", "no such binary"));
        Agent second = Agent.start(Dataplanes.of(provider), new AgentConfig(null, List.of(broken)), dir.resolve("second.sock"));
        try (AgentClient c = AgentClient.connect(second.socket())) {
            assertThat(c.dataplanes()).isEmpty();
            AgentHealth.DataplaneHealth dp2 = c.health().dataplanes().getFirst();
            assertThat(dp2.name()).isEqualTo("dp2");
            assertThat(dp2.backendUp()).isFalse();
            assertThat(dp2.lastError()).contains("start daemon failed: ENOENT");
        } finally {
            second.close();
        }
    }

    @Test
    void closingTheAgentClosesItsDataplanesAndNeverDestroysThem() {
        agent.close();
        verify(dataplane).close();
        verify(dataplane, never()).destroy();
        assertThat(agent.socket()).doesNotExist();
        assertThatThrownBy(() -> client.dataplanes()).isInstanceOf(AgentUnavailableException.class);
    }

    @Test
    void aWatchStreamsTheDataplanesEventsAndClosingItStopsTheWatchInTheAgent() throws Exception {
        Subscription inAgent = mock(Subscription.class);
        CountDownLatch stopped = new CountDownLatch(1);
        doAnswer(call -> {
            stopped.countDown();
            return null;
        }).when(inAgent).close();
        AtomicReference<StatsListener> listener = new AtomicReference<>();
        doAnswer(call -> {
            listener.set(call.getArgument(1));
            return inAgent;
        }).when(dataplane).watch(eq(Duration.ofMillis(250)), any());

        LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Subscription watch = client.dataplane("dp1").watch(Duration.ofMillis(250), new StatsListener() {
            @Override
            public void onStats(StatsSnapshot snapshot, StatsSnapshot delta) {
                events.add(List.of(snapshot, delta));
            }

            @Override
            public void onError(DataplaneException error) {
                events.add(error);
            }
        });
        assertThat(KitTimeouts.await(Duration.ofSeconds(10), () -> listener.get() != null)).as("the agent watches").isTrue();
        StatsSnapshot snapshot = new StatsSnapshot(Instant.parse("2026-01-02T03:04:05.123456789Z"),
                Map.of(EndpointId.of("web"), new EndpointStats(EndpointId.of("web"), 1, 2, 3, 4, Map.of(DropReason.NO_ROUTE, 5L))), Map.of());
        StatsSnapshot delta = snapshot.delta(new StatsSnapshot(snapshot.takenAt(), Map.of(), Map.of()));
        listener.get().onStats(snapshot, delta);
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(List.of(snapshot, delta));
        listener.get().onError(new BackendException("read up_stats", "EIO", "short read"));
        assertThat(events.poll(10, TimeUnit.SECONDS)).isInstanceOf(BackendException.class).hasToString(
                BackendException.class.getName() + ": read up_stats failed: EIO (short read)");

        watch.close();
        assertThat(stopped.await(10, TimeUnit.SECONDS)).as("the agent's watch stopped").isTrue();
    }

    @Test
    void dataplanesOpenAndCloseAtRuntimeAndTheProvidersAreListed() {
        Dataplane runtime = mock(Dataplane.class);
        when(runtime.name()).thenReturn("dp3");
        when(runtime.provider()).thenReturn("mock");
        when(runtime.capabilities()).thenReturn(Capabilities.none());
        when(runtime.currentState()).thenReturn(DesiredState.empty());
        DataplaneConfig config = DataplaneConfig.builder().name("dp3").provider("mock").uplink("eth9").build();
        when(provider.open(config)).thenReturn(runtime);

        RemoteDataplane dp3 = client.open(config);
        assertThat(dp3.name()).isEqualTo("dp3");
        assertThat(dp3.config()).isEqualTo(config);
        assertThat(client.dataplanes()).extracting(d -> d.name() + ":" + d.configured()).containsExactly("dp1:true", "dp3:false");
        assertThatThrownBy(() -> client.open(config)).isInstanceOf(ConflictException.class).hasMessageContaining("dp3");

        client.closeDataplane("dp3");
        verify(runtime).close();
        verify(runtime, never()).destroy();
        assertThat(client.dataplanes()).extracting(d -> d.name()).containsExactly("dp1");
        assertThat(client.providers()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("mock");
            assertThat(p.availability().available()).isTrue();
        });
    }

    @Test
    void withoutASocketTheAgentIsUnavailable() {
        assertThatThrownBy(() -> AgentClient.connect(dir.resolve("none.sock"))).isInstanceOf(AgentUnavailableException.class)
                .hasMessageContaining("none.sock");
    }

    @Test
    void aSecondAgentOnALiveSocketIsRefused() {
        assertThatThrownBy(() -> Agent.start(Dataplanes.of(provider), AgentConfig.empty(), agent.socket()))
                .isInstanceOf(ConflictException.class).hasMessageContaining("already serving");
    }
}
