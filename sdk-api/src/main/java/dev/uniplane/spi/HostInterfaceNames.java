package dev.uniplane.spi;

/**
 * Names of the kernel interfaces a provider makes in the node namespace for one dataplane (the host end of an
 * endpoint's veth, an uplink shim): the first {@value #STEM_LENGTH} characters of the dataplane's name, a tag that says
 * what the interface is, and a number. A kernel name has at most 15 characters (IFNAMSIZ 16 with the NUL), which
 * leaves room for a one-letter tag and a number of up to five digits.
 */
public final class HostInterfaceNames {
    /** How many characters of the dataplane's name start each of its interface names. */
    public static final int STEM_LENGTH = 9;

    private HostInterfaceNames() {
    }

    /**
     * The start of every interface name of a dataplane.
     *
     * @param dataplane the dataplane's name
     * @return its first {@value #STEM_LENGTH} characters (all of it when shorter)
     */
    public static String stem(String dataplane) {
        return dataplane.length() > STEM_LENGTH ? dataplane.substring(0, STEM_LENGTH) : dataplane;
    }

    /**
     * The name of one numbered interface of a dataplane, for example the host end of endpoint 3 of {@code uptk1234}
     * tagged {@code e}: {@code uptk1234e3}.
     *
     * @param dataplane the dataplane's name
     * @param tag what the interface is (one letter keeps the name within 15 characters)
     * @param number which one (an endpoint index or slot)
     * @return {@code stem(dataplane) + tag + number}
     */
    public static String of(String dataplane, String tag, int number) {
        return stem(dataplane) + tag + number;
    }
}
