package dev.uniplane.tck.report;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A clause of {@code docs/semantics.md} that kit tests are named after: the section number and the clause's bold title
 * in that section. A kit test is named {@code required_S<section>_<clause>_<what it checks>} (or {@code optional_...}),
 * e.g. {@code required_S3_noGrandfathering_flowsDeniedByANewSetStopWithinOneSecond} checks "No grandfathering" of
 * section 3, as the Reactive Streams TCK names its tests after the rule they check.
 *
 * @param id      {@code S<section>_<clause>}, as it appears in test names
 * @param section the section number in {@code docs/semantics.md}; 0 is its preamble (the rules for every call)
 * @param title   the clause's bold title in that section, without its closing punctuation
 */
public record SemanticsClause(String id, int section, String title) {
    private static final Pattern KIT_TEST = Pattern.compile("(?:required|optional)_(S(\\d)_[a-z][A-Za-z]*)_[a-z][A-Za-z0-9]*");

    /** Every clause kit tests may name, in the order of {@code docs/semantics.md}. */
    public static final List<SemanticsClause> ALL = List.of(
            new SemanticsClause("S0_allOrNothing", 0, "All or nothing"),
            new SemanticsClause("S0_literalValues", 0, "Literal values"),
            new SemanticsClause("S1_attaching", 1, "Attaching a workload"),
            new SemanticsClause("S1_afterAttach", 1, "What holds once `attach` returns"),
            new SemanticsClause("S1_specValues", 1, "What a spec may hold"),
            new SemanticsClause("S1_identity", 1, "Identity"),
            new SemanticsClause("S1_oneOwnerPerAddress", 1, "One owner per address"),
            new SemanticsClause("S1_noIdentityBorrowing", 1, "No identity borrowing"),
            new SemanticsClause("S1_detaching", 1, "Detaching"),
            new SemanticsClause("S2_routeShape", 2, "Route shape"),
            new SemanticsClause("S2_lookup", 2, "Lookup"),
            new SemanticsClause("S2_sourceAddresses", 2, "Source addresses (anti-spoofing)"),
            new SemanticsClause("S2_changingRoutes", 2, "Changing routes"),
            new SemanticsClause("S3_atomicReplacement", 3, "Atomic replacement"),
            new SemanticsClause("S3_policyShape", 3, "Policy shape"),
            new SemanticsClause("S3_rules", 3, "Rules"),
            new SemanticsClause("S3_verdict", 3, "The verdict for a new flow A → B"),
            new SemanticsClause("S3_stateful", 3, "Stateful"),
            new SemanticsClause("S3_noGrandfathering", 3, "No grandfathering"),
            new SemanticsClause("S3_remoteEndpoints", 3, "Remote endpoints"),
            new SemanticsClause("S3_precisePoints", 3, "Precise points"),
            new SemanticsClause("S4_perEndpoint", 4, "Per endpoint"),
            new SemanticsClause("S4_perRule", 4, "Per policy rule"),
            new SemanticsClause("S4_reading", 4, "Reading"),
            new SemanticsClause("S5_plan", 5, "Plan"),
            new SemanticsClause("S5_apply", 5, "Apply"),
            new SemanticsClause("S5_capabilities", 5, "Capabilities"),
            new SemanticsClause("S5_availability", 5, "Availability"));

    /** The clause a kit test method name names; empty when the name does not follow the scheme or names no clause. */
    public static Optional<SemanticsClause> of(String methodName) {
        Matcher m = KIT_TEST.matcher(methodName);
        if (!m.matches()) {
            return Optional.empty();
        }
        return ALL.stream().filter(c -> c.id.equals(m.group(1))).findFirst();
    }

    /** For the report: {@code §3 No grandfathering}. */
    @Override
    public String toString() {
        return "§" + section + " " + title.replace("`", "");
    }
}
