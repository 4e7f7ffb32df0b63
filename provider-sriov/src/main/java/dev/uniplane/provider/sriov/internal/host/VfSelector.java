package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.api.InvalidSpecException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which VFs form the dataplane's pool, like the SR-IOV network device plugin's selectors: every given selector must
 * match (AND), and within one selector any listed value may (OR). No selector at all selects every VF of every PF.
 *
 * @param pfs     PF names, each optionally limited to a VF range ({@code ens1f0#0-3}, like the plugin's
 *                {@code pfNames}); empty = any PF
 * @param vendors PCI vendor ids, four lower-case hex digits; empty = any
 * @param devices PCI device ids of the VF ({@code 10ca}); empty = any
 * @param drivers the VF's bound driver ({@code igbvf}, {@code iavf}); empty = any
 */
public record VfSelector(List<PfRange> pfs, Set<String> vendors, Set<String> devices, Set<String> drivers) {
    /** Option: comma-separated PF names, each optionally with a VF range, {@code ens1f0,ens1f1#0-3}. */
    public static final String PF = "sriov.pf";
    /** Option: comma-separated PCI vendor ids ({@code 8086,15b3}), with or without {@code 0x}. */
    public static final String VENDOR = "sriov.vendor";
    /** Option: comma-separated PCI device ids of the VFs ({@code 10ca,154c}), with or without {@code 0x}. */
    public static final String DEVICE = "sriov.device";
    /** Option: comma-separated VF driver names ({@code igbvf,iavf}). */
    public static final String DRIVER = "sriov.driver";
    /** All selector option keys. */
    public static final Set<String> OPTIONS = Set.of(PF, VENDOR, DEVICE, DRIVER);
    /** Selects every VF. */
    public static final VfSelector ANY = new VfSelector(List.of(), Set.of(), Set.of(), Set.of());

    private static final Pattern PF_ENTRY = Pattern.compile("([^/\\s:#,]{1,15})(?:#(\\d{1,3})(?:-(\\d{1,3}))?)?");
    private static final Pattern HEX_ID = Pattern.compile("(?:0x)?([0-9a-f]{4})");
    private static final Pattern DRIVER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public VfSelector {
        pfs = List.copyOf(pfs);
        vendors = Set.copyOf(vendors);
        devices = Set.copyOf(devices);
        drivers = Set.copyOf(drivers);
    }

    /**
     * A PF name with an optional inclusive VF range.
     *
     * @param name  the PF's netdev name
     * @param first first VF number, 0 for all
     * @param last  last VF number, {@link Integer#MAX_VALUE} for all
     */
    public record PfRange(String name, int first, int last) {
        boolean matches(VirtualFunction vf) {
            return name.equals(vf.pfName()) && vf.index() >= first && vf.index() <= last;
        }
    }

    /**
     * Parses the selector options (absent options select anything).
     *
     * @param option the value of an option key, or {@code null} when absent
     * @throws InvalidSpecException naming {@code options.<key>} and the value when one is malformed
     */
    public static VfSelector parse(java.util.function.Function<String, String> option) {
        return new VfSelector(pfRanges(option.apply(PF)), hexIds(VENDOR, option.apply(VENDOR)),
                hexIds(DEVICE, option.apply(DEVICE)), drivers(option.apply(DRIVER)));
    }

    /** Whether {@code vf} belongs to the pool. */
    public boolean matches(VirtualFunction vf) {
        return (pfs.isEmpty() || pfs.stream().anyMatch(r -> r.matches(vf)))
                && anyOf(vendors, vf.vendor()) && anyOf(devices, vf.device()) && anyOf(drivers, vf.driver());
    }

    /** The pool: matching VFs of {@code pfs}, in PF then VF order. */
    public List<VirtualFunction> select(List<PhysicalFunction> physicalFunctions) {
        return physicalFunctions.stream().flatMap(pf -> pf.vfs().stream()).filter(this::matches).toList();
    }

    /** The PFs a selector names or whose VFs it can select (for setting their VF count). */
    public boolean mayUse(PhysicalFunction pf) {
        return (pfs.isEmpty() || pfs.stream().anyMatch(r -> r.name().equals(pf.name())))
                && anyOf(vendors, pf.vendor());
    }

    /** An empty selector matches anything; a set one never matches a missing value (an unbound VF has no driver). */
    private static boolean anyOf(Set<String> wanted, String value) {
        return wanted.isEmpty() || value != null && wanted.contains(value);
    }

    private static List<String> entries(String key, String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String t = part.strip();
            if (t.isEmpty()) {
                throw new InvalidSpecException("options." + key, value, "has an empty entry; list values separated by commas");
            }
            out.add(t);
        }
        return out;
    }

    private static List<PfRange> pfRanges(String value) {
        if (value == null) {
            return List.of();
        }
        List<PfRange> ranges = new ArrayList<>();
        for (String entry : entries(PF, value)) {
            Matcher m = PF_ENTRY.matcher(entry);
            if (!m.matches()) {
                throw new InvalidSpecException("options." + PF, value, "entry \"" + entry
                        + "\" must be an interface name (1-15 characters) optionally followed by #N or #FIRST-LAST");
            }
            int first = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            int last = m.group(2) == null ? Integer.MAX_VALUE : m.group(3) == null ? first : Integer.parseInt(m.group(3));
            if (last < first) {
                throw new InvalidSpecException("options." + PF, value, "entry \"" + entry + "\" has a VF range ending before it starts");
            }
            ranges.add(new PfRange(m.group(1), first, last));
        }
        return ranges;
    }

    private static Set<String> hexIds(String key, String value) {
        if (value == null) {
            return Set.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String entry : entries(key, value)) {
            Matcher m = HEX_ID.matcher(entry.toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new InvalidSpecException("options." + key, value, "entry \"" + entry
                        + "\" must be a PCI id of four hex digits such as 8086 or 0x10ca");
            }
            ids.add(m.group(1));
        }
        return ids;
    }

    private static Set<String> drivers(String value) {
        if (value == null) {
            return Set.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String entry : entries(DRIVER, value)) {
            if (!DRIVER_NAME.matcher(entry).matches()) {
                throw new InvalidSpecException("options." + DRIVER, value, "entry \"" + entry
                        + "\" must be a kernel driver name (letters, digits, '_', '-', '.')");
            }
            names.add(entry);
        }
        return names;
    }
}
