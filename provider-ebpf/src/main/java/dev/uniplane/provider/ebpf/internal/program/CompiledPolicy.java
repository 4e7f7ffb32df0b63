package dev.uniplane.provider.ebpf.internal.program;

import java.util.List;
import java.util.Map;

import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.RuleRef;

/**
 * What {@link PolicyCompiler} produces for one slot.
 *
 * @param entries  the policy LPM entries
 * @param ipcache  CIDR prefix identities (both families)
 * @param rules    rule ids: {@code rules.get(id - 1)} is the rule with logical id {@code id}
 */
public record CompiledPolicy(Map<PolicyKey, PolicyValue> entries, Map<IpPrefix, Integer> ipcache, List<RuleRef> rules) {

    /** A prefix and its identity. */
    public record PrefixIdentity(IpPrefix prefix, int identity) {
    }

    public CompiledPolicy {
        entries = Map.copyOf(entries);
        ipcache = Map.copyOf(ipcache);
        rules = List.copyOf(rules);
    }

    public List<PrefixIdentity> ipcache(IpFamily family) {
        return ipcache.entrySet().stream().filter(e -> e.getKey().family() == family)
                .map(e -> new PrefixIdentity(e.getKey(), e.getValue())).sorted(
                        java.util.Comparator.comparing(PrefixIdentity::prefix)).toList();
    }

    /** The logical id (1-based) of a rule, or 0 if the rule does not exist. */
    public int ruleId(RuleRef rule) {
        return rules.indexOf(rule) + 1;
    }
}
