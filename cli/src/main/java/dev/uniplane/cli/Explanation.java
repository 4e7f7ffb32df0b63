package dev.uniplane.cli;

import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.tck.model.CheckOutcome;
import java.util.List;

/**
 * What {@code explain} reports about one new flow: the verdict, each policy check with the policies that select the
 * endpoint and every rule of theirs (matched or not, and why), the routing step, and the backend's counters for the
 * deciding rules.
 *
 * @param from         the source endpoint
 * @param to           the destination, {@code address:port/protocol}
 * @param verdict      {@code ALLOWED} or {@code DROPPED}
 * @param dropReason   why it is dropped, absent when allowed
 * @param summary      one sentence: what decides and why
 * @param egress       the egress check at the source, absent when an earlier stage dropped the flow
 * @param route        the routing step, absent when the egress check dropped the flow
 * @param ingress      the ingress check at the receiving local endpoint, absent when the flow leaves the node or an
 *                     earlier stage dropped it
 * @param dropCounter  the backend's counter of this drop reason at the endpoint it is counted at ({@code web
 *                     POLICY_DENIED=12}), absent when allowed
 */
public record Explanation(String from, String to, String verdict, String dropReason, String summary, Check egress,
                          Routing route, Check ingress, String dropCounter) {

    /**
     * One policy check.
     *
     * @param endpoint     the endpoint checked
     * @param direction    EGRESS at the source, INGRESS at the receiver
     * @param outcome      what the reference model decides
     * @param decidingRule the rule that decides, absent for a default outcome
     * @param rulePackets  the backend's counter of the deciding rule (new-flow packets it decided), -1 without one
     * @param reasons      which policies select the endpoint and isolate it, and why the outcome follows
     * @param rules        every rule of the selecting policies for this direction
     */
    public record Check(String endpoint, Direction direction, CheckOutcome outcome, String decidingRule, long rulePackets,
                        List<String> reasons, List<RuleMatch> rules) {
    }

    /**
     * One rule and whether it matches the flow.
     *
     * @param rule    {@code policy/direction[index]}
     * @param action  ALLOW or DENY
     * @param matches whether a peer and a port entry match
     * @param decides whether this is the deciding rule
     * @param reasons why each part matches or not (peer, CIDR and except, selector, port range)
     */
    public record RuleMatch(String rule, Action action, boolean matches, boolean decides, List<String> reasons) {
    }

    /**
     * The routing step.
     *
     * @param outcome {@code local}, {@code gateway}, {@code dropped} or {@code ttl-exceeded}
     * @param prefix  the route that matched, absent when none did
     * @param detail  in words
     */
    public record Routing(String outcome, String prefix, String detail) {
    }
}
