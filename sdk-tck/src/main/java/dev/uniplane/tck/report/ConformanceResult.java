package dev.uniplane.tck.report;

/**
 * One test of one provider's conformance run.
 *
 * @param testId  {@code <VerificationClass>.<method>}, e.g.
 *                {@code PolicyVerification.required_S3_verdict_denyOverridesAllowWhateverTheOrder} (see {@link SemanticsClause})
 * @param area    the verification area ({@code Policy}, {@code Routing}, ...)
 * @param profile {@code core} for {@code required_} tests, {@code extended} for {@code optional_}
 * @param result  {@code passed}, {@code failed} or {@code skipped}
 * @param reason  why it was skipped or how it failed; empty when passed
 */
public record ConformanceResult(String testId, String area, String profile, String result, String reason) {

    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";

    /** {@code core} for a {@code required_} method name, {@code extended} for {@code optional_}, else {@code other}. */
    public static String profileOf(String methodName) {
        if (methodName.startsWith("required_")) {
            return "core";
        }
        return methodName.startsWith("optional_") ? "extended" : "other";
    }
}
