package dev.uniplane.tck.byname;

import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.AttachVerification;
import dev.uniplane.tck.DifferentialPolicyVerification;
import dev.uniplane.tck.HostileInputVerification;
import dev.uniplane.tck.LifecycleVerification;
import dev.uniplane.tck.PlanApplyVerification;
import dev.uniplane.tck.PolicyVerification;
import dev.uniplane.tck.RestartVerification;
import dev.uniplane.tck.RoutingVerification;
import dev.uniplane.tck.StatsVerification;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every verification area, run against {@link NamedProvider}: select the nested classes with the JUnit Platform
 * Launcher ({@code DiscoverySelectors.selectClass}). The report names the areas after the kit's classes, as for a
 * provider's own subclasses.
 */
public final class NamedProviderConformance {
    private NamedProviderConformance() {
    }

    /** Area name ({@code Attach}, {@code Policy}, ...) to its class, in the order the kit is usually run. */
    public static Map<String, Class<?>> areas() {
        Map<String, Class<?>> areas = new LinkedHashMap<>();
        areas.put("Attach", Attach.class);
        areas.put("Routing", Routing.class);
        areas.put("Policy", Policy.class);
        areas.put("DifferentialPolicy", DifferentialPolicy.class);
        areas.put("Stats", Stats.class);
        areas.put("PlanApply", PlanApply.class);
        areas.put("Restart", Restart.class);
        areas.put("Lifecycle", Lifecycle.class);
        areas.put("HostileInput", HostileInput.class);
        return areas;
    }

    /** {@link AttachVerification} for the named provider. */
    public static class Attach extends AttachVerification {
        @Override
        protected DataplaneProvider provider() {
            return NamedProvider.resolve();
        }
    }

    /** {@link RoutingVerification} for the named provider. */
    public static class Routing extends RoutingVerification {
        @Override
        protected DataplaneProvider provider() {
            return NamedProvider.resolve();
        }
    }

    /** {@link PolicyVerification} for the named provider. */
    public static class Policy extends PolicyVerification {
        @Override
        protected DataplaneProvider provider() {
            return NamedProvider.resolve();
        }
    }

    /** {@link DifferentialPolicyVerification} for the named provider. */
    public static class DifferentialPolicy extends DifferentialPolicyVerification {
        @Override
        protected DataplaneProvider provider() {
            return NamedProvider.resolve();
        }
    }

    /** {@link StatsVerification} for the named provider. */
    public static class Stats extends StatsVerification {
        @Override
        protected DataplaneProvider provider() {
            return NamedProvider.resolve();
        }
    }

    /** {@link PlanApplyVerification} for the named provider. */
    public static class PlanApply extends PlanApplyVerification {
        @Override
        protected DataplaneProvider provider() {
            return NamedProvider.resolve();
        }
    }

    /** {@link RestartVerification} for the named provider. */
    public static class Restart extends RestartVerification {
        @Override
        protected DataplaneProvider provider() {
            return NamedProvider.resolve();
        }
    }

    /** {@link LifecycleVerification} for the named provider. */
    public static class Lifecycle extends LifecycleVerification {
        @Override
        protected DataplaneProvider provider() {
            return NamedProvider.resolve();
        }
    }

    /** {@link HostileInputVerification} for the named provider. */
    public static class HostileInput extends HostileInputVerification {
        @Override
        protected DataplaneProvider provider() {
            return NamedProvider.resolve();
        }
    }
}
