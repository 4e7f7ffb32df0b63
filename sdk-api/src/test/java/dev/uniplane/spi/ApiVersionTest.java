package dev.uniplane.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiVersionTest {

    @Test
    void theBuildWritesTheProjectVersionIntoTheConstant() {
        assertThat(DataplaneProvider.API_VERSION).doesNotContain("${").matches("\\d+\\.\\d+.*");
        assertThat(ApiVersion.current()).isEqualTo(ApiVersion.parse(DataplaneProvider.API_VERSION));
    }

    @Test
    void parsesMajorAndMinorIgnoringPatchAndQualifier() {
        assertThat(ApiVersion.parse("0.1.0-SNAPSHOT")).isEqualTo(new ApiVersion(0, 1));
        assertThat(ApiVersion.parse("2.13")).isEqualTo(new ApiVersion(2, 13));
        assertThat(ApiVersion.parse("1.4.2")).hasToString("1.4");
        assertThatThrownBy(() -> ApiVersion.parse("one")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'one'");
        assertThatThrownBy(() -> ApiVersion.parse("3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sameMajorAndNoNewerMinorIsCompatible() {
        ApiVersion running = new ApiVersion(1, 2);
        assertThat(running.accepts(new ApiVersion(1, 0))).isTrue();
        assertThat(running.accepts(new ApiVersion(1, 2))).isTrue();
        assertThat(running.accepts(new ApiVersion(1, 3))).as("built for a newer minor").isFalse();
        assertThat(running.accepts(new ApiVersion(2, 0))).as("another major").isFalse();
        assertThat(running.accepts(new ApiVersion(0, 2))).as("another major").isFalse();
    }

    @Test
    void beforeOnePointZeroEveryMinorIsItsOwnApi() {
        ApiVersion running = new ApiVersion(0, 2);
        assertThat(running.accepts(new ApiVersion(0, 2))).isTrue();
        assertThat(running.accepts(new ApiVersion(0, 1))).isFalse();
        assertThat(running.accepts(new ApiVersion(0, 3))).isFalse();
    }
}
