package dev.uniplane.tck.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KitTimeoutsTest {

    @AfterEach
    void clearScale() {
        System.clearProperty(KitTimeouts.PROPERTY);
    }

    @Test
    void thePropertyMultipliesEveryWait() {
        System.setProperty(KitTimeouts.PROPERTY, "2.5");
        assertThat(KitTimeouts.scale()).isEqualTo(2.5);
        assertThat(KitTimeouts.scaled(Duration.ofMillis(1500))).isEqualTo(Duration.ofMillis(3750));
    }

    @Test
    void withoutPropertyOrVariableTheScaleIsOne() {
        // The build does not set UNIPLANE_TCK_TIMEOUT_SCALE; when a developer does, the environment decides.
        if (System.getenv(KitTimeouts.ENV) == null) {
            assertThat(KitTimeouts.scale()).isEqualTo(1.0);
            assertThat(KitTimeouts.scaled(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void aBadScaleSaysWhichSettingIsWrong() {
        System.setProperty(KitTimeouts.PROPERTY, "fast");
        assertThatThrownBy(KitTimeouts::scale).hasMessageContaining("-D" + KitTimeouts.PROPERTY).hasMessageContaining("'fast'");
        System.setProperty(KitTimeouts.PROPERTY, "0");
        assertThatThrownBy(KitTimeouts::scale).hasMessageContaining("positive");
    }

    @Test
    void awaitReturnsAsSoonAsReadyAndFalseAfterTheScaledTimeout() {
        AtomicInteger polls = new AtomicInteger();
        assertThat(KitTimeouts.await(Duration.ofSeconds(5), () -> polls.incrementAndGet() >= 3)).isTrue();
        assertThat(polls).hasValue(3);

        System.setProperty(KitTimeouts.PROPERTY, "2");
        long start = System.nanoTime();
        assertThat(KitTimeouts.await(Duration.ofMillis(100), () -> false)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }
}
