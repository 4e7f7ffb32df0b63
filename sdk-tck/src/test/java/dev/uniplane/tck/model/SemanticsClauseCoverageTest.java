package dev.uniplane.tck.model;

import org.junit.jupiter.api.Test;

import dev.uniplane.tck.report.SemanticsClause;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Maps every clause of SEMANTICS.md to the model tests that pin it down, and checks that each named test exists (so
 * the table cannot rot when a test is renamed). Clauses the model cannot observe are listed with the reason. A
 * {@code *Verification} class is a provider TCK test of {@code dev.uniplane.tck} that checks the clause on real packets.
 *
 * <pre>
 * Clause (SEMANTICS.md)                                           Tests (class#method)
 * --------------------------------------------------------------- ----------------------------------------------------
 * Endpoints: attach connects a workload (id, addresses, labels)   EndpointSemanticsTest#attachSameSpecTwiceIsIdempotent
 * Endpoints: interface exists/up/addresses/default route/neigh    n/a: provider TCK (the model assumes every attached
 *                                                                 endpoint reaches the dataplane)
 * Endpoints: same spec idempotent, other spec ConflictException   EndpointSemanticsTest#attachSameSpecTwiceIsIdempotent,
 *                                                                 #attachOtherSpecUnderSameIdConflicts,
 *                                                                 #attachAddressOfAnotherEndpointConflicts
 * Endpoints: detach removes everything (flows ...)                EndpointSemanticsTest#detachRemovesFlowsHostRouteAndCounters,
 *                                                                 #detachUnknownIsNotFound
 * Routes: prefix → gateway / local endpoint / drop                RoutingSemanticsTest#longestPrefixWins,
 *                                                                 #toEndpointNextHopDeliversToThatEndpointAndChecksItsIngress,
 *                                                                 #dropRouteCountsAsNoRoute
 * Routes: ECMP, weights, flow-consistent 5-tuple hash             RoutingSemanticsTest#ecmpIsFlowConsistentAndWeighted,
 *                                                                 #ecmpHashUsesTheWholeFiveTuple,
 *                                                                 #toEndpointHopOfDetachedEndpointIsUnusable
 * Routes: longest prefix wins                                     RoutingSemanticsTest#longestPrefixWins, #hostRouteBeatsShorterExplicitRoute
 * Routes: host routes of attached endpoints are implicit          RoutingSemanticsTest#hostRoutesOfEndpointsAreImplicit,
 *                                                                 #explicitHostRouteOverridesImplicitOne
 * Routes: no match → NO_ROUTE                                     RoutingSemanticsTest#noRouteDrops, #noRouteIsDecidedBeforeTtl
 * Routes: TTL decremented on routed packets, 0 → TTL_EXCEEDED     RoutingSemanticsTest#ttlExceeded, #localDeliveryIsRoutedAndDecrementsTtl,
 *                                                                 ModelTypesTest#ipv6HostRoutesPoliciesEchoAndHopLimit
 * Routes: anti-spoofing: a foreign source → INVALID at the        EndpointSemanticsTest#spoofedSourceIsDroppedAsInvalidAtTheSender,
 *         sender; a prefix routed to the endpoint is its own      #anEndpointMaySendFromPrefixesRoutedToIt;
 *                                                                 provider TCK: AttachVerification#required_S2_sourceAddresses_a-
 *                                                                 WorkloadCannotSendFromAnAddressThatIsNotItsOwn, #optional_S2_...Ipv6...
 * Identity: one owner per address (local or remote); a route      IdentitySemanticsTest (5 tests); provider TCK:
 *         to E covers no other endpoint's address but as its    HostileInputVerification
 *         exact host route
 * (model) order of policy and routing                             RoutingSemanticsTest#egressPolicyIsCheckedBeforeRouting,
 *                                                                 #ingressPolicyIsCheckedAfterRouting
 * Policy: apply replaces the whole set                            PolicySemanticsTest#applyReplacesTheWholeSet
 * Policy: selector matchLabels + In/NotIn/Exists/DoesNotExist     PolicySemanticsTest#policySelectsByMatchLabelsAndExpressions,
 *                                                                 #notInMatchesAbsentKey, #existsAndDoesNotExistSelect
 * Policy: a rule list isolates its direction (empty = deny all)   PolicySemanticsTest#emptyRuleListDeniesAll,
 *                                                                 #policyWithoutListForDirectionDoesNotIsolateIt,
 *                                                                 ModelPropertiesTest#isolationOnlyByARuleList
 * Policy: rule peers (empty = any), selectors, CIDR + except      PolicySemanticsTest#emptyPeersMatchAnyPeer,
 *                                                                 #peerSelectorMatchesLocalEndpoints, #cidrPeerMatchesAddressesInside,
 *                                                                 #exceptCarvesOut, ModelPropertiesTest#exceptCarvesOut
 * Policy: rule ports (empty = any), protocol + range              PolicySemanticsTest#emptyPortsMatchAnyProtocolAndPort,
 *                                                                 #portRangeMatchesDestinationPortOnly,
 *                                                                 #egressRulesMatchTheRemoteDestinationPort,
 *                                                                 #icmpRuleMatchesIcmpOfItsFamilyOnly
 * Policy: new flow A→B = egress at A (if known) AND ingress at B  PolicySemanticsTest#verdictNeedsEgressAtSourceAndIngressAtDestination,
 *                                                                 #unknownSourceIsCheckedOnlyAtIngress,
 *                                                                 #unknownDestinationIsCheckedOnlyAtEgress
 * Policy: DENY → POLICY_DENIED, ALLOW, isolated →                 PolicySemanticsTest#denyWinsRegardlessOfOrder, #matchingAllowAllows,
 *         POLICY_DEFAULT_DENY, else allow                         #isolatedWithoutMatchingAllowIsDefaultDeny, #notIsolatedDefaultAllows
 * Policy: deny always wins; rule/policy order do not matter       PolicySemanticsTest#denyWinsRegardlessOfOrder,
 *                                                                 ModelPropertiesTest#denyWinsRegardlessOfOrder,
 *                                                                 #outcomeIndependentOfRuleAndPolicyOrder, #verdictIndependentOfPolicyOrder,
 *                                                                 #dualStackVerdictsIgnorePolicyOrderAndRepliesPass
 * Stateful: both directions of an allowed flow pass, replies,     StatefulSemanticsTest#tcpReplyOfAllowedFlowPasses,
 *           ICMP echo replies and related errors too              #furtherPacketsOfAllowedFlowPassWithoutReEvaluation,
 *                                                                 #udpReplyOfAllowedFlowPasses, #icmpEchoReplyOfAllowedFlowPasses,
 *                                                                 #icmpErrorRelatedToAllowedFlowPasses, #icmpErrorAboutAReplyIsRelatedToo,
 *                                                                 #replyWithoutFlowIsEvaluatedAsNew,
 *                                                                 #icmpEchoRequestInTheOtherDirectionIsNotAReply,
 *                                                                 #icmpErrorToAThirdPartyIsNotRelated, #unrelatedIcmpErrorIsEvaluatedAsNew,
 *                                                                 #nonEchoIcmpIsNeverTracked, ModelPropertiesTest#repliesOfAllowedFlowsPass
 * Stateful: idle timeouts TCP est. 6 h, TCP other 60 s,           StatefulSemanticsTest#tcpEstablishedTimeout6h, #tcpOtherTimeout60s,
 *           UDP/ICMP 60 s, configurable                           #tcpClosingFlowFallsBackToShortTimeout,
 *                                                                 #resetFlowFallsBackToShortTimeoutAndNewSynStartsAfresh,
 *                                                                 #udpTimeout60s, #icmpTimeout60s, #timeoutsAreConfigurable
 * After an apply, flows the new set denies stop (no grandfather.) StatefulSemanticsTest#flowsDeniedByNewSetStopAfterApply,
 *                                                                 #repliesOfFlowsDeniedByNewSetAreEvaluatedAsNew,
 *                                                                 #relatedIcmpOfFlowDeniedByNewSetIsEvaluatedAsNew,
 *                                                                 #flowsStillAllowedSurviveApply,
 *                                                                 ModelPropertiesTest#applyingTheSameSetTwiceIsIdempotent
 * (model) other policy-input changes re-check flows too           StatefulSemanticsTest#peerIdentityChangesAlsoRecheckFlows,
 *                                                                 #routeChangesRecheckFlowsAtTheNewReceiver
 * Remote endpoints registered so that selectors match them        PolicySemanticsTest#remoteEndpointMatchedAsPeerNeverSelected,
 *                                                                 #unregisteredRemoteNoLongerMatches
 * Precise: a policy's selector selects local endpoints only       PolicySemanticsTest#remoteEndpointMatchedAsPeerNeverSelected
 * Precise: peer selector never matches an unregistered address    PolicySemanticsTest#emptyPeerSelectorNeverMatchesUnregisteredAddress,
 *                                                                 ModelPropertiesTest#emptySelectorPeerMatchesExactlyTheKnownEndpoints
 * Precise: NotIn matches an absent key                            PolicySemanticsTest#notInMatchesAbsentKey
 * Precise: a DENY-only list still isolates                        PolicySemanticsTest#denyOnlyListStillIsolates
 * Precise: ANY + ports = TCP/UDP/SCTP; ICMP has no ports          PolicySemanticsTest#anyProtocolWithPortsMeansTcpUdpSctp,
 *                                                                 #anyProtocolWithoutPortsMeansEveryProtocol, #icmpRuleWithPortsIsInvalid
 * Policy: SCTP port rules (POLICY_SCTP), stateful SCTP replies    PolicySemanticsTest#sctpRuleMatchesSctpOnItsPortsOnly,
 *                                                                 StatefulSemanticsTest#sctpReplyOfAllowedFlowPasses; provider TCK:
 *                                                                 PolicyVerification#optional_S3_rules_sctpPortRulesAllowOnePortAndDenyTheOthers
 * Stats: per endpoint rx/tx packets+bytes, drops by reason        StatsSemanticsTest#endpointCountersFromWorkloadPointOfView,
 *                                                                 #dropsCountedByReasonAtTheEndpointOnWhoseBehalfTheyHappen
 * Stats: per rule, new-flow packets the rule decided, by verdict  StatsSemanticsTest#ruleCountersCountNewFlowPacketsOnly,
 *                                                                 #ruleCountersCountEachCheckARuleDecided,
 *                                                                 #ruleCounterAttributionPicksSmallestMatchingRuleRefDenyFirst,
 *                                                                 #statsListEveryRuleOfTheSetWithItsAction
 * Stats: monotonic from attach/apply, one-moment snapshot         StatsSemanticsTest#countersAreMonotonicAndDeltasWork,
 *                                                                 #ruleCountersRestartForChangedPoliciesOnly,
 *                                                                 EndpointSemanticsTest#reattachStartsCountersFromZero
 * Stats: watch(period) stream                                     n/a: provider API (StatsSnapshot.delta is exercised above)
 * Plan/apply, capabilities, availability                          n/a: Plan is sdk-api (its own tests); capabilities are
 *                                                                 provider declarations checked by the provider TCK
 * </pre>
 */
class SemanticsClauseCoverageTest {

    /** Clause → tests, as in the table above. */
    private static final Map<String, List<String>> CLAUSES = clauses();

    private static Map<String, List<String>> clauses() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("attach idempotent / conflict", List.of("EndpointSemanticsTest#attachSameSpecTwiceIsIdempotent",
                "EndpointSemanticsTest#attachOtherSpecUnderSameIdConflicts", "EndpointSemanticsTest#attachAddressOfAnotherEndpointConflicts"));
        m.put("detach removes everything", List.of("EndpointSemanticsTest#detachRemovesFlowsHostRouteAndCounters",
                "EndpointSemanticsTest#detachUnknownIsNotFound"));
        m.put("route next hop kinds", List.of("RoutingSemanticsTest#longestPrefixWins",
                "RoutingSemanticsTest#toEndpointNextHopDeliversToThatEndpointAndChecksItsIngress", "RoutingSemanticsTest#dropRouteCountsAsNoRoute"));
        m.put("ECMP", List.of("RoutingSemanticsTest#ecmpIsFlowConsistentAndWeighted", "RoutingSemanticsTest#ecmpHashUsesTheWholeFiveTuple",
                "RoutingSemanticsTest#toEndpointHopOfDetachedEndpointIsUnusable"));
        m.put("longest prefix wins", List.of("RoutingSemanticsTest#longestPrefixWins", "RoutingSemanticsTest#hostRouteBeatsShorterExplicitRoute"));
        m.put("implicit host routes", List.of("RoutingSemanticsTest#hostRoutesOfEndpointsAreImplicit",
                "RoutingSemanticsTest#explicitHostRouteOverridesImplicitOne"));
        m.put("no route", List.of("RoutingSemanticsTest#noRouteDrops", "RoutingSemanticsTest#noRouteIsDecidedBeforeTtl"));
        m.put("TTL", List.of("RoutingSemanticsTest#ttlExceeded", "RoutingSemanticsTest#localDeliveryIsRoutedAndDecrementsTtl",
                "ModelTypesTest#ipv6HostRoutesPoliciesEchoAndHopLimit"));
        m.put("anti-spoofing", List.of("EndpointSemanticsTest#spoofedSourceIsDroppedAsInvalidAtTheSender",
                "EndpointSemanticsTest#anEndpointMaySendFromPrefixesRoutedToIt",
                "AttachVerification#required_S2_sourceAddresses_aWorkloadCannotSendFromAnAddressThatIsNotItsOwn",
                "AttachVerification#optional_S2_sourceAddresses_aWorkloadCannotSendFromAnIpv6AddressThatIsNotItsOwn"));
        m.put("identity: one owner per address, no borrowing by routes", List.of(
                "IdentitySemanticsTest#aRemoteCannotTakeALocalOrAnotherRemotesAddress",
                "IdentitySemanticsTest#anEndpointCannotTakeARemotesAddress",
                "IdentitySemanticsTest#aRouteToAnEndpointMayNotCoverAnotherEndpointsAddressExceptAsItsExactHostRoute",
                "IdentitySemanticsTest#attachingInsideARouteToAnotherEndpointIsRefused",
                "IdentitySemanticsTest#aRouteToAnEndpointNeedsAnAddressOfItsFamily"));
        m.put("order of policy and routing", List.of("RoutingSemanticsTest#egressPolicyIsCheckedBeforeRouting",
                "RoutingSemanticsTest#ingressPolicyIsCheckedAfterRouting"));
        m.put("apply replaces the set", List.of("PolicySemanticsTest#applyReplacesTheWholeSet"));
        m.put("selectors", List.of("PolicySemanticsTest#policySelectsByMatchLabelsAndExpressions", "PolicySemanticsTest#notInMatchesAbsentKey",
                "PolicySemanticsTest#existsAndDoesNotExistSelect"));
        m.put("isolation by a rule list", List.of("PolicySemanticsTest#emptyRuleListDeniesAll",
                "PolicySemanticsTest#policyWithoutListForDirectionDoesNotIsolateIt", "ModelPropertiesTest#isolationOnlyByARuleList"));
        m.put("peers", List.of("PolicySemanticsTest#emptyPeersMatchAnyPeer", "PolicySemanticsTest#peerSelectorMatchesLocalEndpoints",
                "PolicySemanticsTest#cidrPeerMatchesAddressesInside", "PolicySemanticsTest#exceptCarvesOut", "ModelPropertiesTest#exceptCarvesOut"));
        m.put("ports", List.of("PolicySemanticsTest#emptyPortsMatchAnyProtocolAndPort", "PolicySemanticsTest#portRangeMatchesDestinationPortOnly",
                "PolicySemanticsTest#egressRulesMatchTheRemoteDestinationPort", "PolicySemanticsTest#icmpRuleMatchesIcmpOfItsFamilyOnly"));
        m.put("egress AND ingress", List.of("PolicySemanticsTest#verdictNeedsEgressAtSourceAndIngressAtDestination",
                "PolicySemanticsTest#unknownSourceIsCheckedOnlyAtIngress", "PolicySemanticsTest#unknownDestinationIsCheckedOnlyAtEgress"));
        m.put("check steps", List.of("PolicySemanticsTest#denyWinsRegardlessOfOrder", "PolicySemanticsTest#matchingAllowAllows",
                "PolicySemanticsTest#isolatedWithoutMatchingAllowIsDefaultDeny", "PolicySemanticsTest#notIsolatedDefaultAllows"));
        m.put("deny wins, order irrelevant", List.of("PolicySemanticsTest#denyWinsRegardlessOfOrder", "ModelPropertiesTest#denyWinsRegardlessOfOrder",
                "ModelPropertiesTest#outcomeIndependentOfRuleAndPolicyOrder", "ModelPropertiesTest#verdictIndependentOfPolicyOrder",
                "ModelPropertiesTest#dualStackVerdictsIgnorePolicyOrderAndRepliesPass"));
        m.put("stateful", List.of("StatefulSemanticsTest#tcpReplyOfAllowedFlowPasses",
                "StatefulSemanticsTest#furtherPacketsOfAllowedFlowPassWithoutReEvaluation", "StatefulSemanticsTest#udpReplyOfAllowedFlowPasses",
                "StatefulSemanticsTest#icmpEchoReplyOfAllowedFlowPasses", "StatefulSemanticsTest#icmpErrorRelatedToAllowedFlowPasses",
                "StatefulSemanticsTest#icmpErrorAboutAReplyIsRelatedToo", "StatefulSemanticsTest#replyWithoutFlowIsEvaluatedAsNew",
                "StatefulSemanticsTest#icmpEchoRequestInTheOtherDirectionIsNotAReply", "StatefulSemanticsTest#icmpErrorToAThirdPartyIsNotRelated",
                "StatefulSemanticsTest#unrelatedIcmpErrorIsEvaluatedAsNew", "StatefulSemanticsTest#nonEchoIcmpIsNeverTracked",
                "ModelPropertiesTest#repliesOfAllowedFlowsPass"));
        m.put("timeouts", List.of("StatefulSemanticsTest#tcpEstablishedTimeout6h", "StatefulSemanticsTest#tcpOtherTimeout60s",
                "StatefulSemanticsTest#tcpClosingFlowFallsBackToShortTimeout",
                "StatefulSemanticsTest#resetFlowFallsBackToShortTimeoutAndNewSynStartsAfresh", "StatefulSemanticsTest#udpTimeout60s",
                "StatefulSemanticsTest#icmpTimeout60s", "StatefulSemanticsTest#timeoutsAreConfigurable"));
        m.put("no grandfathering", List.of("StatefulSemanticsTest#flowsDeniedByNewSetStopAfterApply",
                "StatefulSemanticsTest#repliesOfFlowsDeniedByNewSetAreEvaluatedAsNew",
                "StatefulSemanticsTest#relatedIcmpOfFlowDeniedByNewSetIsEvaluatedAsNew", "StatefulSemanticsTest#flowsStillAllowedSurviveApply",
                "ModelPropertiesTest#applyingTheSameSetTwiceIsIdempotent"));
        m.put("other input changes re-check", List.of("StatefulSemanticsTest#peerIdentityChangesAlsoRecheckFlows",
                "StatefulSemanticsTest#routeChangesRecheckFlowsAtTheNewReceiver"));
        m.put("remote endpoints", List.of("PolicySemanticsTest#remoteEndpointMatchedAsPeerNeverSelected",
                "PolicySemanticsTest#unregisteredRemoteNoLongerMatches"));
        m.put("selector selects local only", List.of("PolicySemanticsTest#remoteEndpointMatchedAsPeerNeverSelected"));
        m.put("peer selector never matches unregistered", List.of("PolicySemanticsTest#emptyPeerSelectorNeverMatchesUnregisteredAddress",
                "ModelPropertiesTest#emptySelectorPeerMatchesExactlyTheKnownEndpoints"));
        m.put("NotIn absent key", List.of("PolicySemanticsTest#notInMatchesAbsentKey"));
        m.put("deny-only list isolates", List.of("PolicySemanticsTest#denyOnlyListStillIsolates"));
        m.put("ANY with ports, ICMP portless", List.of("PolicySemanticsTest#anyProtocolWithPortsMeansTcpUdpSctp",
                "PolicySemanticsTest#anyProtocolWithoutPortsMeansEveryProtocol", "PolicySemanticsTest#icmpRuleWithPortsIsInvalid"));
        m.put("SCTP port rules", List.of("PolicySemanticsTest#sctpRuleMatchesSctpOnItsPortsOnly",
                "StatefulSemanticsTest#sctpReplyOfAllowedFlowPasses",
                "PolicyVerification#optional_S3_rules_sctpPortRulesAllowOnePortAndDenyTheOthers"));
        m.put("endpoint stats", List.of("StatsSemanticsTest#endpointCountersFromWorkloadPointOfView",
                "StatsSemanticsTest#dropsCountedByReasonAtTheEndpointOnWhoseBehalfTheyHappen"));
        m.put("rule stats", List.of("StatsSemanticsTest#ruleCountersCountNewFlowPacketsOnly", "StatsSemanticsTest#ruleCountersCountEachCheckARuleDecided",
                "StatsSemanticsTest#ruleCounterAttributionPicksSmallestMatchingRuleRefDenyFirst",
                "StatsSemanticsTest#statsListEveryRuleOfTheSetWithItsAction"));
        m.put("monotonic counters", List.of("StatsSemanticsTest#countersAreMonotonicAndDeltasWork",
                "StatsSemanticsTest#ruleCountersRestartForChangedPoliciesOnly", "EndpointSemanticsTest#reattachStartsCountersFromZero"));
        return m;
    }

    /** The kit's verification classes: every public {@code required_}/{@code optional_} method is a kit test. */
    private static final List<Class<?>> KIT = List.of(dev.uniplane.tck.AttachVerification.class, dev.uniplane.tck.RoutingVerification.class,
            dev.uniplane.tck.PolicyVerification.class, dev.uniplane.tck.DifferentialPolicyVerification.class,
            dev.uniplane.tck.StatsVerification.class, dev.uniplane.tck.PlanApplyVerification.class,
            dev.uniplane.tck.RestartVerification.class, dev.uniplane.tck.LifecycleVerification.class,
            dev.uniplane.tck.HostileInputVerification.class);

    @Test
    void everyKitTestIsNamedAfterAClauseOfSemanticsMd() {
        List<String> misnamed = new java.util.ArrayList<>();
        int kitTests = 0;
        for (Class<?> area : KIT) {
            for (Method m : area.getDeclaredMethods()) {
                if (m.isAnnotationPresent(Test.class)) {
                    kitTests++;
                    if (SemanticsClause.of(m.getName()).isEmpty()) {
                        misnamed.add(area.getSimpleName() + "#" + m.getName());
                    }
                }
            }
        }
        assertThat(kitTests).as("kit tests found").isGreaterThan(40);
        assertThat(misnamed).as("kit tests not named required_/optional_S<section>_<clause>_<what> after a clause of SemanticsClause.ALL")
                .isEmpty();
    }

    @Test
    void everyClauseOfTheSchemeIsABoldTitleInItsSectionOfSemanticsMd() throws java.io.IOException {
        String doc = Files.readString(Path.of("../docs/semantics.md"));
        for (SemanticsClause clause : SemanticsClause.ALL) {
            // Section 0 is the preamble before "## 1.", where the clauses that hold for every call stand.
            int start = clause.section() == 0 ? 0 : doc.indexOf("\n## " + clause.section() + ". ");
            assertThat(start).as("section %d in docs/semantics.md", clause.section()).isNotNegative();
            int end = doc.indexOf("\n## ", start + 1);
            String section = doc.substring(start, end < 0 ? doc.length() : end);
            assertThat(section).as("clause %s", clause.id()).contains("**" + clause.title());
        }
    }

    @Test
    void everyClauseNamesExistingTests() throws ClassNotFoundException {
        for (Map.Entry<String, List<String>> clause : CLAUSES.entrySet()) {
            assertThat(clause.getValue()).as(clause.getKey()).isNotEmpty();
            for (String test : clause.getValue()) {
                String[] parts = test.split("#");
                // Provider TCK tests live in dev.uniplane.tck, the model's tests here.
                String pkg = parts[0].endsWith("Verification") ? "dev.uniplane.tck" : getClass().getPackageName();
                Class<?> type = Class.forName(pkg + "." + parts[0]);
                assertThat(Arrays.stream(type.getDeclaredMethods()).map(Method::getName))
                        .as("clause '%s' names %s", clause.getKey(), test).contains(parts[1]);
            }
        }
    }
}
