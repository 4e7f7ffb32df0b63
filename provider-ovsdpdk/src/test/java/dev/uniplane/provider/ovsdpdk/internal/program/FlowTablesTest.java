package dev.uniplane.provider.ovsdpdk.internal.program;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.provider.ovsdpdk.internal.program.FlowTables.Local;
import dev.uniplane.provider.ovsdpdk.internal.program.FlowTables.WeightedActions;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Action;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Instruction;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Labeled;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowModCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenFlow program without a switch: priorities, cookies, ECMP slots. */
class FlowTablesTest {
    private final FlowTables tables = new FlowTables(MacAddress.parse("02:75:70:00:00:01"), 7);

    @Test
    void longerPrefixesWinAndAUserHostRouteBeatsTheEndpointsOwn() {
        int user24 = FlowTables.priority(IpPrefix.parse("203.0.113.0/24"), true);
        int user32 = FlowTables.priority(IpPrefix.parse("203.0.113.10/32"), true);
        int host32 = FlowTables.priority(IpPrefix.parse("10.100.0.2/32"), false);
        int user0 = FlowTables.priority(IpPrefix.parse("0.0.0.0/0"), true);

        assertThat(user0).isGreaterThan(0);
        assertThat(user24).isLessThan(host32);
        assertThat(host32).isLessThan(user32);
    }

    @Test
    void aRouteReplacesItsPreviousFlowsInsideTheBundle() {
        List<Labeled> messages = tables.route(7, IpPrefix.parse("10.99.0.0/24"),
                List.of(new WeightedActions(1, List.of(Action.Output.to(3)))));

        FlowMod first = (FlowMod) messages.getFirst().message();
        assertThat(first.command()).isEqualTo(FlowModCommand.DELETE);
        assertThat(first.cookie()).isEqualTo(FlowTables.cookie(FlowTables.Kind.ROUTE, 7));
        assertThat(first.cookieMask()).isEqualTo(-1L);
        FlowMod add = (FlowMod) messages.getLast().message();
        assertThat(add.tableId()).isEqualTo(FlowTables.ROUTE);
        assertThat(add.cookie()).isEqualTo(first.cookie());
    }

    @Test
    void aDropRouteGoesToTheNoRouteTableSoEndpointsCountIt() {
        FlowMod add = (FlowMod) tables.route(2, IpPrefix.parse("198.51.100.0/24"), List.of()).getLast().message();

        assertThat(add.instructions()).containsExactly(new Instruction.GotoTable(FlowTables.NO_ROUTE));
    }

    @Test
    void ecmpHasOneFlowPerWeightedSlotAndAMultipathRouteFlow() {
        List<Labeled> messages = tables.route(3, IpPrefix.parse("10.99.0.0/24"), List.of(
                new WeightedActions(2, List.of(Action.Output.to(1))), new WeightedActions(4, List.of(Action.Output.to(2)))));

        long slots = messages.stream().map(m -> (FlowMod) m.message()).filter(f -> f.tableId() == FlowTables.ECMP).count();
        assertThat(slots).as("weights 2:4 reduce to 1:2").isEqualTo(3);
        FlowMod route = (FlowMod) messages.getLast().message();
        assertThat(route.instructions().getLast()).isEqualTo(new Instruction.GotoTable(FlowTables.ECMP));
    }

    @Test
    void slotsAreCappedForLargeWeights() {
        List<WeightedActions> hops = List.of(new WeightedActions(255, List.of()), new WeightedActions(256, List.of()),
                new WeightedActions(1, List.of()));

        List<WeightedActions> slots = Ecmp.slots(hops);

        assertThat(slots.size()).isLessThanOrEqualTo(Ecmp.MAX_SLOTS + hops.size());
        assertThat(slots).contains(hops.get(2));
    }

    @Test
    void multipathIsA32ByteNiciraAction() {
        Action.Other multipath = (Action.Other) Ecmp.multipath(4);

        assertThat(multipath.type()).isEqualTo(0xffff);
        assertThat(multipath.bodyHex()).hasSize(28 * 2).startsWith("00002320000a0003");
    }

    @Test
    void anEndpointGetsClassificationHostRoutesTtlAndNoRouteCounters() {
        List<Labeled> flows = tables.endpoint(5, new Local(5, MacAddress.parse("02:00:00:00:00:05")),
                List.of(IpAddress.parse("10.100.0.5"), IpAddress.parse("fd00:100::5")));

        List<FlowMod> mods = flows.stream().map(l -> (FlowMod) l.message()).toList();
        assertThat(mods).filteredOn(f -> f.cookie() == FlowTables.cookie(FlowTables.Kind.TTL, 5)).hasSize(4);
        assertThat(mods).filteredOn(f -> f.cookie() == FlowTables.cookie(FlowTables.Kind.NO_ROUTE, 5)).hasSize(1);
        assertThat(mods).filteredOn(f -> f.tableId() == FlowTables.ROUTE).hasSize(2);
        // never-routed traffic (catch-all + two link-scope IPv6 prefixes) is counted apart, to be taken out of tx
        assertThat(mods).filteredOn(f -> f.cookie() == FlowTables.cookie(FlowTables.Kind.LOCAL, 5)).hasSize(3);
        // delivery: tracked (est, rel) straight out, new ones to the ingress check, whose default (per family) commits
        assertThat(mods).filteredOn(f -> f.tableId() == FlowTables.DELIVER).hasSize(3);
        assertThat(mods).filteredOn(f -> f.tableId() == FlowTables.INGRESS).hasSize(2);
        assertThat(tables.removeEndpoint(5)).hasSize(5);
    }

    @Test
    void ownAddressesAreLegitimateSourcesAndOthersAreCountedInvalidBeforeTheTtlCheck() {
        List<FlowMod> mods = tables.endpoint(5, new Local(5, MacAddress.parse("02:00:00:00:00:05")),
                List.of(IpAddress.parse("10.100.0.5"), IpAddress.parse("fd00:100::5"))).stream().map(l -> (FlowMod) l.message()).toList();

        List<FlowMod> legit = mods.stream().filter(f -> f.priority() == FlowTables.LEGIT_SOURCE_PRIORITY).toList();
        assertThat(legit).as("one per own address").hasSize(2).allMatch(f -> f.tableId() == FlowTables.CLASSIFY
                && f.cookie() == FlowTables.cookie(FlowTables.Kind.ENDPOINT, 5)
                && f.instructions().getFirst() instanceof Instruction.ApplyActions apply
                && apply.actions().contains(new Action.Resubmit(FlowTables.CLASSIFY)));
        List<FlowMod> foreign = mods.stream().filter(f -> f.cookie() == FlowTables.cookie(FlowTables.Kind.INVALID, 5)).toList();
        assertThat(foreign).as("one per family").hasSize(2).allMatch(f -> f.instructions().isEmpty()
                && f.priority() == FlowTables.FOREIGN_SOURCE_PRIORITY);
        assertThat(FlowTables.FOREIGN_SOURCE_PRIORITY).isGreaterThan(FlowTables.TTL_PRIORITY).isLessThan(FlowTables.LINK_SCOPE_PRIORITY);
        assertThat(FlowTables.LINK_SCOPE_PRIORITY).isLessThan(FlowTables.LEGIT_SOURCE_PRIORITY);
    }

    @Test
    void aRouteToEndpointsMakesItsPrefixALegitimateSourceOfEachUnderTheRoutesCookie() {
        Local a = new Local(3, MacAddress.parse("02:00:00:00:00:03"));
        Local b = new Local(4, MacAddress.parse("02:00:00:00:00:04"));
        List<FlowMod> mods = tables.route(9, IpPrefix.parse("10.98.0.0/24"), List.of(tables.toEndpoint(1, a), tables.toEndpoint(1, b),
                new WeightedActions(1, List.of(Action.Output.to(65000))))).stream().map(l -> (FlowMod) l.message()).toList();

        assertThat(mods).filteredOn(f -> f.tableId() == FlowTables.CLASSIFY).as("one per endpoint next hop, none for the gateway")
                .hasSize(2).allMatch(f -> f.cookie() == FlowTables.cookie(FlowTables.Kind.ROUTE, 9)
                        && f.priority() == FlowTables.LEGIT_SOURCE_PRIORITY);
        assertThat(tables.removeRoute(9, IpPrefix.parse("10.98.0.0/24"))).singleElement()
                .satisfies(l -> assertThat(((FlowMod) l.message()).cookie()).isEqualTo(FlowTables.cookie(FlowTables.Kind.ROUTE, 9)));
    }
}
