package dev.uniplane.provider.ebpf.internal.program;

/**
 * Numeric identities (Cilium's ipcache idea). Every endpoint address (local or remote) has its own identity, held
 * exactly in {@code up_endpoints}; CIDR prefixes named by the policy get identities from the compiler, held in the
 * slotted LPM ipcache; any other address is {@link #WORLD}.
 */
public final class Identities {
    /** Addresses that are neither an endpoint nor inside a policy CIDR. */
    public static final int WORLD = 2;
    /** First identity the dataplane hands to endpoint addresses. */
    public static final int FIRST_ENDPOINT = 256;
    /** First identity of compiled CIDR prefixes (per apply; they exist only in a slot). */
    public static final int FIRST_CIDR = 0x0100_0000;

    private Identities() {
    }

    /** Hands out endpoint-address identities; never reuses one, so a stale policy slot cannot match a newcomer. */
    public static final class Allocator {
        private int next;

        public Allocator() {
            this(FIRST_ENDPOINT);
        }

        /** Resumes after a restart at {@code next} (one above the largest identity found in the maps). */
        public Allocator(int next) {
            if (next < FIRST_ENDPOINT) {
                throw new IllegalArgumentException("endpoint identities start at " + FIRST_ENDPOINT);
            }
            this.next = next;
        }

        public synchronized int next() {
            if (next >= FIRST_CIDR) {
                throw new IllegalStateException("endpoint identities exhausted");
            }
            return next++;
        }
    }
}
