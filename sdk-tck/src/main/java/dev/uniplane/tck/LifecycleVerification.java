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
    public void required_S1_detaching_detachWorksAfterTheWorkloadNamespaceIsGone() {
        Workload w = attachWorkload("lc-a");
        topology().deleteNamespace(w);
        dataplane().detach(EndpointId.of("lc-a"));
        assertThat(dataplane().endpoints()).isEmpty();
    }

    @Test
    public void required_S1_detaching_detachLeavesNoLinksBehindInTheNodeNamespace() {
        List<String> before = nodeLinks();
        attachWorkload("lc-b1");
        attachWorkload("lc-b2");
        dataplane().detach(EndpointId.of("lc-b1"));
        dataplane().detach(EndpointId.of("lc-b2"));
        assertThat(nodeLinks()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    public void required_S5_capabilities_closeIsIdempotentAndLaterCallsFail() {
        // The kit's own dataplane, so that providers with one dataplane per process can run this too.
        Dataplane dp = dataplane();
        dp.close();
        dp.close();
        assertThatThrownBy(dp::endpoints).isInstanceOf(IllegalStateException.class);
        replaceDataplane(openDataplane());
        assertThat(dataplane().endpoints()).isEmpty();
    }

    @Test
    public void required_S5_capabilities_destroyRemovesEverythingSoANewOpenStartsEmpty() {
        dataplane().attach(newWorkload("lc-c").spec());
        dataplane().destroy();
        replaceDataplane(openDataplane());
        assertThat(dataplane().endpoints()).isEmpty();
        assertThat(dataplane().currentState()).isEqualTo(dev.uniplane.api.DesiredState.empty());
    }

    private List<String> nodeLinks() {
        try (RtNetlink nl = RtNetlink.open(topology().node())) {
            return nl.links().stream().map(LinkInfo::name).toList();
        }
    }
}
