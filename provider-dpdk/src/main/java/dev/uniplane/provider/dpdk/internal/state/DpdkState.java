package dev.uniplane.provider.dpdk.internal.state;

import java.time.Instant;

/**
 * The DPDK provider's dataplane-level record in the saved state ({@code dev.uniplane.spi.state.SavedDataplane}).
 *
 * @param owner the process that wrote it
 */
public record DpdkState(Owner owner) {

    /**
     * The JVM that wrote the file: a process with this pid and start time that is still alive owns the dataplane.
     *
     * @param pid     process id
     * @param started process start time (epoch milliseconds), 0 when the system does not tell
     */
    public record Owner(long pid, long started) {
        /** This JVM. */
        public static Owner current() {
            ProcessHandle self = ProcessHandle.current();
            return new Owner(self.pid(), startMillis(self));
        }

        /** Whether the owning process still runs (the same pid with the same start time). */
        public boolean alive() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> startMillis(h) == started).orElse(false);
        }

        private static long startMillis(ProcessHandle h) {
            return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        }
    }
}
