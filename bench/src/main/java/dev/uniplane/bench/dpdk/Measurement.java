package dev.uniplane.bench.dpdk;

/**
 * Packets forwarded over a window, with the forwarding thread's CPU time and the wall time of that window.
 *
 * @param packets   packets the forwarder transmitted (accepted by tx burst)
 * @param cpuNanos  CPU time of the forwarding thread
 * @param wallNanos wall-clock length of the window
 */
record Measurement(long packets, long cpuNanos, long wallNanos) {
    /** Million packets per second of the forwarding thread's CPU time: the machine is shared, so wall time says little. */
    double mppsPerCpuSecond() {
        return cpuNanos <= 0 ? 0 : packets * 1e3 / cpuNanos;
    }

    /** Million packets per wall-clock second. */
    double mppsWall() {
        return wallNanos <= 0 ? 0 : packets * 1e3 / wallNanos;
    }

    /** Share of the window the forwarding thread was on a CPU. */
    double cpuShare() {
        return wallNanos <= 0 ? 0 : cpuNanos / (double) wallNanos;
    }
}
