package dev.uniplane.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.EndpointId;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.tck.harness.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Close, double close, detach after the workload netns is gone, and no leaks in the node namespace. */
public abstract class LifecycleVerification extends DataplaneVerification {

    @Test
    public void required_detachWorksAfterTheWorkloadNamespaceIsGone() {
        Workload w = attachWorkload("lc-a");
        topology().deleteNamespace(w);
        dataplane().detach(EndpointId.of("lc-a"));
        assertThat(dataplane().endpoints()).isEmpty();
    }

    @Test
    public void required_detachLeavesNoLinksBehindInTheNodeNamespace() {
        List<String> before = nodeLinks();
        attachWorkload("lc-b1");
        attachWorkload("lc-b2");
        dataplane().detach(EndpointId.of("lc-b1"));
        dataplane().detach(EndpointId.of("lc-b2"));
        assertThat(nodeLinks()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    public void required_closeIsIdempotentAndLaterCallsFail() {
        Dataplane extra = openSecondDataplane();
        extra.close();
        extra.close();
        assertThatThrownBy(extra::endpoints).isInstanceOf(IllegalStateException.class);
        // With RESTART_SURVIVAL close leaves the state for adoption: open it again to remove it for good.
        openSecondDataplane().destroy();
    }

    @Test
    public void required_destroyRemovesEverythingSoANewOpenStartsEmpty() {
        Dataplane extra = openSecondDataplane();
        Workload w = topology().workload("lc-c", false);
        extra.attach(w.spec());
        extra.destroy();
        Dataplane again = openSecondDataplane();
        try {
            assertThat(again.endpoints()).isEmpty();
            assertThat(again.currentState()).isEqualTo(dev.uniplane.api.DesiredState.empty());
        } finally {
            again.destroy();
        }
    }

    /** Another dataplane on the same node under another name, without an uplink (the kit's dataplane owns it). */
    protected Dataplane openSecondDataplane() {
        return provider().open(dev.uniplane.api.DataplaneConfig.builder().provider(providerName())
                .name(topology().prefix() + "-2").hostNetns(topology().nodeNetnsPath()).build());
    }

    private List<String> nodeLinks() {
        try (RtNetlink nl = RtNetlink.open(topology().node())) {
            return nl.links().stream().map(LinkInfo::name).toList();
        }
    }
}
