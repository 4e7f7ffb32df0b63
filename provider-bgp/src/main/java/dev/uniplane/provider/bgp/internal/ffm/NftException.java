package dev.uniplane.provider.bgp.internal.ffm;

import dev.uniplane.spi.BackendFailure;
import java.util.Map;

/**
 * A failed libnftables command, with nft's own error text. {@link #errorCode()} is the errno name when nft's text ends
 * in a kernel error string ({@code ENOENT} for "No such file or directory"), else {@code NFT_ERROR} (a parse or
 * evaluation error of the document, before anything reached the kernel), so
 * {@link dev.uniplane.spi.BackendErrors#translate} turns it into a {@code BackendException} with that code.
 */
public final class NftException extends RuntimeException implements BackendFailure {
    private static final long serialVersionUID = 1L;
    /** strerror(3) texts nft prints after "Could not process rule: ", by errno name. */
    private static final Map<String, String> ERRNO_TEXTS = Map.ofEntries(
            Map.entry("No such file or directory", "ENOENT"),
            Map.entry("File exists", "EEXIST"),
            Map.entry("Operation not permitted", "EPERM"),
            Map.entry("Permission denied", "EACCES"),
            Map.entry("Device or resource busy", "EBUSY"),
            Map.entry("Invalid argument", "EINVAL"),
            Map.entry("Numerical result out of range", "ERANGE"),
            Map.entry("Cannot allocate memory", "ENOMEM"),
            Map.entry("No buffer space available", "ENOBUFS"),
            Map.entry("Operation not supported", "EOPNOTSUPP"),
            Map.entry("Message too long", "EMSGSIZE"),
            Map.entry("Argument list too long", "E2BIG"));

    private final String errorCode;
    private final String nftError;

    /** A failure with an explicit code. */
    public NftException(String operation, String errorCode, String nftError) {
        super(operation + ": " + errorCode + (nftError == null || nftError.isBlank() ? "" : " (" + nftError.strip() + ")"));
        this.errorCode = errorCode;
        this.nftError = nftError == null ? "" : nftError.strip();
    }

    /** The failure of one libnftables run: the code guessed from nft's error text. */
    public static NftException of(String operation, String nftError) {
        return new NftException(operation, codeOf(nftError), nftError);
    }

    /** The errno name in nft's error text, or {@code NFT_ERROR}. */
    static String codeOf(String nftError) {
        if (nftError != null) {
            for (Map.Entry<String, String> e : ERRNO_TEXTS.entrySet()) {
                if (nftError.contains(e.getKey())) {
                    return e.getValue();
                }
            }
        }
        return "NFT_ERROR";
    }

    /** nft's error text as it printed it (possibly several lines), without surrounding blanks. */
    public String nftError() {
        return nftError;
    }

    @Override
    public String errorCode() {
        return errorCode;
    }
}
