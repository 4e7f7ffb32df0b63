package dev.uniplane.tck;

import org.junit.jupiter.api.Assumptions;

/**
 * Skip-or-fail for missing prerequisites. Normally a test whose privilege, package or daemon is missing is skipped with
 * the reason; with {@code UNIPLANE_REQUIRE_ALL=1} (set by CI) or {@code -Duniplane.requireAll=true} it fails instead,
 * so a CI run can never report a skipped test as a pass.
 */
public final class RequireAll {
    private RequireAll() {
    }

    public static boolean enabled() {
        String env = System.getenv("UNIPLANE_REQUIRE_ALL");
        return "1".equals(env) || "true".equalsIgnoreCase(env) || Boolean.getBoolean("uniplane.requireAll");
    }

    /** Skips (or, under require-all, fails) the calling test unless {@code condition} holds. */
    public static void prerequisite(boolean condition, String whatIsMissing) {
        if (condition) {
            return;
        }
        if (enabled()) {
            throw new AssertionError("prerequisite missing under UNIPLANE_REQUIRE_ALL=1: " + whatIsMissing);
        }
        Assumptions.abort("prerequisite missing: " + whatIsMissing);
    }
}
