package dev.uniplane.api;

import java.util.List;

/** The other side of a rule: endpoints chosen by labels, or addresses by CIDR. */
public sealed interface Peer permits Peer.Selector, Peer.Cidr {

    /**
     * Matches local endpoints and registered remote endpoints whose labels the selector matches. Never matches an
     * address that belongs to no endpoint, even when the selector is empty.
     */
    record Selector(LabelSelector selector) implements Peer {
        public Selector {
            Check.notNull("selector", selector);
        }
    }

    /** Matches addresses in {@code cidr} but in none of the {@code except} prefixes (each strictly inside the cidr). */
    record Cidr(IpPrefix cidr, List<IpPrefix> except) implements Peer {
        public Cidr {
            Check.notNull("cidr", cidr);
            except = Check.list("except", except);
            for (int i = 0; i < except.size(); i++) {
                IpPrefix e = except.get(i);
                if (!cidr.contains(e) || e.length() == cidr.length()) {
                    throw new InvalidSpecException("except[" + i + "]", e, "must lie strictly inside cidr " + cidr);
                }
            }
        }

        public boolean matches(IpAddress address) {
            if (!cidr.contains(address)) {
                return false;
            }
            for (IpPrefix e : except) {
                if (e.contains(address)) {
                    return false;
                }
            }
            return true;
        }
    }

    static Peer selector(LabelSelector selector) {
        return new Selector(selector);
    }

    static Peer labels(String... keyValues) {
        return new Selector(LabelSelector.matchLabels(keyValues));
    }

    static Peer cidr(String cidr, String... except) {
        return new Cidr(IpPrefix.parse("cidr", cidr), java.util.Arrays.stream(except).map(e -> IpPrefix.parse("except", e)).toList());
    }
}
