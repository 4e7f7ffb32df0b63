package dev.uniplane.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.EndpointId;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.QdiscInfo;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.UplinkSnapshot;
import dev.uniplane.tck.harness.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Close, double close, detach after the workload netns is gone, no leaks in the node namespace, and destroy() leaving
 * the user's uplink as it was before open.
 */
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

    @Test
    public void required_S5_capabilities_destroyLeavesTheUplinkAsItWasBeforeOpen() {
        destroyLeavesTheUplinkAsItWas(false);
    }

    /** The preference of the user's own filters on the uplink (high: after the providers' filters). */
    private static final int USER_FILTER_PREF = 49000;

    @Test
    public void required_S5_capabilities_destroyKeepsAClsactQdiscThatWasOnTheUplinkBeforeOpen() {
        destroyLeavesTheUplinkAsItWas(true);
    }

    /**
     * Opens a dataplane on the uplink as the user left it (with or without a clsact qdisc and filters of their own),
     * uses it, closes and reopens it, and destroys it: qdiscs and clsact filters, link flags (PROMISC among them), MTU,
     * MAC and addresses must be as before the first open.
     */
    private void destroyLeavesTheUplinkAsItWas(boolean userClsact) {
        // the kit's dataplane goes first (providers with one dataplane per process), then the uplink is the user's
        dataplane().destroy();
        try (RtNetlink nl = RtNetlink.open(topology().node())) {
            String uplink = topology().uplink();
            int index = nl.index(uplink);
            // the topology makes the uplink without clsact and not promiscuous: the kit's dataplane must have left it so
            UplinkSnapshot topologyMade = UplinkSnapshot.take(nl, uplink);
            assertThat(topologyMade.hasClsact()).as("a clsact qdisc left on %s by destroying the kit's dataplane: %s",
                    uplink, topologyMade.qdiscs()).isFalse();
            assertThat(topologyMade.flags() & UplinkSnapshot.IFF_PROMISC)
                    .as("%s left promiscuous by destroying the kit's dataplane", uplink).isZero();
            // IPv6 addresses too: the kernel drops them when a dataplane takes the link down on its way out
            assertThat(topologyMade.addresses()).as("addresses of %s after destroying the kit's dataplane", uplink)
                    .containsAll(dev.uniplane.tck.harness.Topology.UPLINK_ADDRESSES);
            if (userClsact) {
                // the user's clsact with a filter of theirs on each hook: both must stay, only the provider's go
                nl.addClsact(index);
                nl.addMatchAllFilter(index, QdiscInfo.CLSACT_INGRESS, USER_FILTER_PREF);
                nl.addMatchAllFilter(index, QdiscInfo.CLSACT_EGRESS, USER_FILTER_PREF);
            }
            try {
                UplinkSnapshot before = UplinkSnapshot.take(nl, uplink);
                replaceDataplane(openDataplane());
                attachWorkload("lc-u");
                // what was there before must outlive a close and a reopen (which adopts the state, or starts afresh)
                dataplane().close();
                replaceDataplane(openDataplane());
                dataplane().destroy();
                UplinkSnapshot after = UplinkSnapshot.take(nl, uplink);
                assertThat(before.differencesTo(after)).as("what destroy() left changed on uplink %s", uplink).isEmpty();
                assertThat(after).isEqualTo(before);
            } finally {
                if (userClsact && UplinkSnapshot.take(nl, uplink).hasClsact()) {
                    nl.deleteClsact(index);
                }
            }
        } finally {
            replaceDataplane(openDataplane());
        }
    }

    private List<String> nodeLinks() {
        try (RtNetlink nl = RtNetlink.open(topology().node())) {
            return nl.links().stream().map(LinkInfo::name).toList();
        }
    }
}
