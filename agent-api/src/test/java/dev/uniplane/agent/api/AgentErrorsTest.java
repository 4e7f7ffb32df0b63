package dev.uniplane.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.BackendException;
import dev.uniplane.api.Capability;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.api.UnsupportedCapabilityException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.InspectionUnsupportedException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each API exception → gRPC status (code + detail) → the same exception type and message. */
class AgentErrorsTest {

    private static RuntimeException roundTrip(RuntimeException e) {
        return AgentErrors.toException(AgentErrors.toStatus(e));
    }

    @Test
    void everyApiExceptionComesBackAsItsTypeWithItsMessageAndFields() {
        Map<RuntimeException, Status.Code> cases = new java.util.LinkedHashMap<>();
        cases.put(new InvalidSpecException("policies[2].ingress[0].ports[1].to", 70000, "must be between 1 and 65535"), Status.Code.INVALID_ARGUMENT);
        cases.put(new InvalidSpecException("netns", "run/x", "must be an absolute path"), Status.Code.INVALID_ARGUMENT);
        cases.put(new InvalidSpecException("mac", null, "must not be null"), Status.Code.INVALID_ARGUMENT);
        cases.put(new NotFoundException("endpoint a is not attached"), Status.Code.NOT_FOUND);
        cases.put(new ConflictException("the plan was computed against another state"), Status.Code.ABORTED);
        cases.put(new UnsupportedCapabilityException("ebpf", Capability.ATTACH_MEMIF), Status.Code.UNIMPLEMENTED);
        cases.put(new InspectionUnsupportedException("sriov"), Status.Code.UNIMPLEMENTED);
        cases.put(new ProviderUnavailableException("dpdk", Availability.unavailable("no hugepages", "echo 64 > nr_hugepages")),
                Status.Code.FAILED_PRECONDITION);
        cases.put(new BackendException("bpf_map_update_elem", "E2BIG", "up_routes_v4 max_entries=4"), Status.Code.INTERNAL);
        cases.put(new BackendException("ovsdb transact", "constraint violation", ""), Status.Code.INTERNAL);
        cases.put(new DataplaneException("something else"), Status.Code.UNKNOWN);
        cases.put(new IllegalStateException("dataplane x (ebpf) is closed"), Status.Code.FAILED_PRECONDITION);
        cases.put(new UnsupportedOperationException("not on a remote dataplane"), Status.Code.UNIMPLEMENTED);
        cases.forEach((original, code) -> {
            StatusRuntimeException status = AgentErrors.toStatus(original);
            assertThat(status.getStatus().getCode()).as("%s", original).isEqualTo(code);
            RuntimeException back = roundTrip(original);
            assertThat(back).as("%s", original).hasSameClassAs(original).hasMessage(original.getMessage());
        });
    }

    @Test
    void theFieldsEachTypeCarriesSurvive() {
        InvalidSpecException spec = (InvalidSpecException) roundTrip(new InvalidSpecException("routes[0].prefix", "10.0.0.1/24", "host bits set"));
        assertThat(List.of(spec.field(), spec.value(), spec.problem())).containsExactly("routes[0].prefix", "\"10.0.0.1/24\"", "host bits set");
        BackendException backend = (BackendException) roundTrip(new BackendException("bpf_prog_load", "EPERM", "locked down"));
        assertThat(List.of(backend.operation(), backend.errorCode())).containsExactly("bpf_prog_load", "EPERM");
        UnsupportedCapabilityException cap = (UnsupportedCapabilityException) roundTrip(new UnsupportedCapabilityException("vpp", Capability.ATTACH_VF));
        assertThat(cap.capability()).isEqualTo(Capability.ATTACH_VF);
        ProviderUnavailableException unavailable = (ProviderUnavailableException) roundTrip(
                new ProviderUnavailableException("ovsdpdk", Availability.unavailable("ovs-vswitchd not found", "apt-get install openvswitch-switch-dpdk")));
        assertThat(unavailable.provider()).isEqualTo("ovsdpdk");
        assertThat(unavailable.availability().hint()).isEqualTo("apt-get install openvswitch-switch-dpdk");
    }

    @Test
    void aSubclassOfAnApiExceptionArrivesAsTheApiType() {
        BackendException sub = new BackendException("op", "CODE", "detail") { };
        RuntimeException back = roundTrip(sub);
        assertThat(back.getClass()).isEqualTo(BackendException.class);
        assertThat(back).hasMessage("op failed: CODE (detail)");
    }

    @Test
    void aStatusWithoutDetailBecomesADataplaneExceptionNamingIt() {
        RuntimeException e = AgentErrors.toException(Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException());
        assertThat(e).isExactlyInstanceOf(DataplaneException.class).hasMessageContaining("UNAVAILABLE").hasMessageContaining("connection refused");
    }
}
