package dev.uniplane.spi;

import dev.uniplane.api.DataplaneException;

/** The provider has no {@link BackendInspector} implementation; nothing was read. */
public class InspectionUnsupportedException extends DataplaneException {
    private static final long serialVersionUID = 1L;

    public InspectionUnsupportedException(String provider) {
        super("provider " + provider + " cannot read its backend back (no backend inspector)");
    }
}
