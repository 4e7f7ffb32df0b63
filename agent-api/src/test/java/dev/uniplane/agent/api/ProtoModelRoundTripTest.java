package dev.uniplane.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.uniplane.agent.api.proto.AgentPb;
import dev.uniplane.api.AttachKind;
import dev.uniplane.api.Capability;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.Plan;
import dev.uniplane.api.ProviderStatus;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.spi.BackendView;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Every record survives record → message → bytes → message → record unchanged. */
class ProtoModelRoundTripTest {

    @Property(tries = 300)
    void desiredStates(@ForAll("desiredStates") DesiredState state) throws InvalidProtocolBufferException {
        AgentPb.DesiredState wire = AgentPb.DesiredState.parseFrom(ProtoModel.toProto(state).toByteArray());
        assertThat(ProtoModel.fromProto(wire)).isEqualTo(state);
    }

    @Property(tries = 200)
    void plans(@ForAll("plans") Plan plan) throws InvalidProtocolBufferException {
        AgentPb.Plan wire = AgentPb.Plan.parseFrom(ProtoModel.toProto(plan).toByteArray());
        assertThat(ProtoModel.fromProto(wire)).isEqualTo(plan);
    }

    @Property(tries = 200)
    void endpoints(@ForAll("endpoints") Endpoint endpoint) throws InvalidProtocolBufferException {
        assertThat(ProtoModel.fromProto(AgentPb.Endpoint.parseFrom(ProtoModel.toProto(endpoint).toByteArray()))).isEqualTo(endpoint);
    }

    @Property(tries = 200)
    void statsSnapshots(@ForAll("snapshots") StatsSnapshot snapshot) throws InvalidProtocolBufferException {
        assertThat(ProtoModel.fromProto(AgentPb.StatsSnapshot.parseFrom(ProtoModel.toProto(snapshot).toByteArray()))).isEqualTo(snapshot);
    }

    @Property(tries = 200)
    void configs(@ForAll("configs") DataplaneConfig config) throws InvalidProtocolBufferException {
        assertThat(ProtoModel.fromProto(AgentPb.DataplaneConfig.parseFrom(ProtoModel.toProto(config).toByteArray()))).isEqualTo(config);
    }

    @Property(tries = 100)
    void providerStatuses(@ForAll("providerStatuses") ProviderStatus status) {
        assertThat(ProtoModel.fromProto(ProtoModel.toProto(status))).isEqualTo(status);
    }

    @Property(tries = 200)
    void backendViews(@ForAll("backendViews") BackendView view) throws InvalidProtocolBufferException {
        assertThat(ProtoModel.fromProto(AgentPb.BackendView.parseFrom(ProtoModel.toProto(view).toByteArray()))).isEqualTo(view);
    }

    @Test
    void everyEnumConstantHasItsMessageValue() {
        for (Capability c : Capability.values()) {
            assertThat(ProtoModel.fromProto(ProtoModel.toProto(c))).isEqualTo(c);
        }
        for (AttachKind k : AttachKind.values()) {
            assertThat(ProtoModel.fromProto(ProtoModel.toProto(k))).isEqualTo(k);
        }
    }

    @Test
    void aMalformedMessageFailsAsMalformedJavaInputWouldNamingTheField() {
        AgentPb.AttachSpec relative = ProtoModel.toProto(dev.uniplane.api.AttachSpec.builder("a").netns("/run/netns/a").address("10.0.0.1").build())
                .toBuilder().setNetns("run/netns/a").build();
        assertThatThrownBy(() -> ProtoModel.fromProto(relative)).isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("netns=\"run/netns/a\"");
        AgentPb.AttachSpec unspecifiedKind = relative.toBuilder().setNetns("/run/netns/a").setKinds(0, AgentPb.AttachKind.ATTACH_KIND_UNSPECIFIED).build();
        assertThatThrownBy(() -> ProtoModel.fromProto(unspecifiedKind)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("kind=\"ATTACH_KIND_UNSPECIFIED\"");
        assertThatThrownBy(() -> ProtoModel.fromProto(AgentPb.NextHop.getDefaultInstance())).isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("nextHop=null");
    }

    @Provide
    Arbitrary<DesiredState> desiredStates() {
        return ModelArbitrariesForWire.desiredStates();
    }

    @Provide
    Arbitrary<Plan> plans() {
        return ModelArbitrariesForWire.plans();
    }

    @Provide
    Arbitrary<Endpoint> endpoints() {
        return ModelArbitrariesForWire.endpoints();
    }

    @Provide
    Arbitrary<StatsSnapshot> snapshots() {
        return ModelArbitrariesForWire.snapshots();
    }

    @Provide
    Arbitrary<DataplaneConfig> configs() {
        return ModelArbitrariesForWire.configs();
    }

    @Provide
    Arbitrary<ProviderStatus> providerStatuses() {
        return ModelArbitrariesForWire.providerStatuses();
    }

    @Provide
    Arbitrary<BackendView> backendViews() {
        return ModelArbitrariesForWire.backendViews();
    }
}
