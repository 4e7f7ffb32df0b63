package dev.uniplane.provider.ovsdpdk.internal.program;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Action;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.FlowStats;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Instruction.ApplyActions;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Labeled;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Match;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowModCommand;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Oxm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Adoption by difference: identical flows stay, missing or changed ones are added, stale ones deleted strictly. */
class FlowDiffTest {
    private static final Match IN1 = Match.of(new Oxm.InPort(1), new Oxm.EthType(0x0800));
    private static final Match IN1_SWAPPED = Match.of(new Oxm.EthType(0x0800), new Oxm.InPort(1));
    private static final Match IN2 = Match.of(new Oxm.InPort(2));

    private static Labeled add(int table, int priority, long cookie, Match match, long outPort) {
        return new Labeled("flow " + cookie, FlowMod.add(0, table, priority, cookie, match, List.of(ApplyActions.of(Action.Output.to(outPort)))));
    }

    private static FlowStats installed(int table, int priority, long cookie, Match match, long outPort) {
        return new FlowStats(table, 5, 0, priority, 0, 0, 0, cookie, 10, 1000, match, List.of(ApplyActions.of(Action.Output.to(outPort))));
    }

    @Test
    void identicalFlowsInAnyFieldOrderAreLeftAloneAndDeletesOfTheProgramAreIgnored() {
        FlowDiff diff = FlowDiff.between(List.of(installed(0, 100, 7, IN1_SWAPPED, 2), installed(3, 50, 8, IN2, 1)),
                List.of(new Labeled("delete all flows", FlowMod.deleteByCookie(0, 0, 0)), add(0, 100, 7, IN1, 2), add(3, 50, 8, IN2, 1)));

        assertThat(diff.isEmpty()).isTrue();
        assertThat(diff.unchanged()).isEqualTo(2);
    }

    @Test
    void missingAndChangedFlowsAreAddedAndStaleOnesDeletedStrictlyFirst() {
        FlowDiff diff = FlowDiff.between(List.of(installed(0, 100, 7, IN1, 2), installed(0, 90, 9, IN2, 1), installed(3, 50, 8, IN2, 1)),
                List.of(add(0, 100, 7, IN1, 3), add(3, 50, 8, IN2, 1), add(5, 10, 11, IN2, 4), add(3, 50, 12, IN1, 1)));

        assertThat(diff.unchanged()).isEqualTo(1);
        assertThat(diff.adds()).extracting(Labeled::label).containsExactly("flow 7", "flow 11", "flow 12");
        assertThat(diff.deletes()).singleElement().satisfies(d -> {
            FlowMod f = (FlowMod) d.message();
            assertThat(f.command()).isEqualTo(FlowModCommand.DELETE_STRICT);
            assertThat(f.tableId()).isZero();
            assertThat(f.priority()).isEqualTo(90);
            assertThat(f.match()).isEqualTo(IN2);
        });
        assertThat(diff.messages().getFirst()).isEqualTo(diff.deletes().getFirst());
    }

    @Test
    void aCookieChangeAloneReAddsTheFlow() {
        FlowDiff diff = FlowDiff.between(List.of(installed(0, 100, 7, IN1, 2)), List.of(add(0, 100, 70, IN1, 2)));

        assertThat(diff.adds()).hasSize(1);
        assertThat(diff.deletes()).isEmpty();
    }

    @Test
    void learnedSctpFlowsAreNeitherDeletedNorCounted() {
        long learned = FlowTables.cookie(FlowTables.Kind.SCTP_FLOW, 0);
        FlowDiff diff = FlowDiff.between(List.of(installed(0, 100, 7, IN1, 2), installed(FlowTables.SCTP_SEEN, 100, learned, IN2, 1)),
                List.of(add(0, 100, 7, IN1, 2)));

        assertThat(diff.isEmpty()).isTrue();
        assertThat(diff.unchanged()).isEqualTo(1);
    }
}
