package dev.uniplane.provider.bgp.internal.ffm;

import dev.uniplane.linux.NativeCall;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Thin FFM binding of libnftables 1.0.6 ({@code libnftables.so.1}), jextract style: one static method per C function,
 * with its C name and signature from {@code nftables/libnftables.h}, plus {@link #run}, the one way the provider uses
 * it. The library is looked up on first use; {@link #loadFailure()} tells why it cannot be used.
 *
 * <p>Every call of {@link #run} makes its own context and frees it: libnftables opens its netfilter netlink socket in
 * {@code nft_ctx_new}, in the namespace of the calling thread, so a caller that runs it inside
 * {@link dev.uniplane.linux.NetNs#run} talks to that namespace's nftables.
 */
public final class LibNftables {
    /** {@code NFT_CTX_DEFAULT}: a context with its netlink socket. */
    public static final int NFT_CTX_DEFAULT = 0;
    /** {@code NFT_CTX_OUTPUT_HANDLE}. */
    public static final int NFT_CTX_OUTPUT_HANDLE = 1 << 3;
    /** {@code NFT_CTX_OUTPUT_JSON}: JSON output, and (libnftables 1.0.6 has no input flags) JSON input too. */
    public static final int NFT_CTX_OUTPUT_JSON = 1 << 4;

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_NETFILTER = 12;
    /** libnftables 1.0.6 keeps some process-wide state (its parser's and the JSON library's), so one run at a time. */
    private static final Object RUN_LOCK = new Object();

    private LibNftables() {
    }

    /** The handles, resolved when first needed so that a missing library only fails the calls, not class loading. */
    @SuppressWarnings("restricted") // native access is this class's purpose; the JVM runs with --enable-native-access
    private static final class H {
        static final SymbolLookup LIB = SymbolLookup.libraryLookup("libnftables.so.1", Arena.global());
        static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
        static final ValueLayout A = ValueLayout.ADDRESS;

        static final MethodHandle CTX_NEW = NativeCall.link(LIB, "nft_ctx_new", FunctionDescriptor.of(A, I));
        static final MethodHandle CTX_FREE = NativeCall.link(LIB, "nft_ctx_free", FunctionDescriptor.ofVoid(A));
        static final MethodHandle OUTPUT_SET_FLAGS = NativeCall.link(LIB, "nft_ctx_output_set_flags", FunctionDescriptor.ofVoid(A, I));
        static final MethodHandle BUFFER_OUTPUT = NativeCall.link(LIB, "nft_ctx_buffer_output", FunctionDescriptor.of(I, A));
        static final MethodHandle BUFFER_ERROR = NativeCall.link(LIB, "nft_ctx_buffer_error", FunctionDescriptor.of(I, A));
        static final MethodHandle GET_OUTPUT = NativeCall.link(LIB, "nft_ctx_get_output_buffer", FunctionDescriptor.of(A, A));
        static final MethodHandle GET_ERROR = NativeCall.link(LIB, "nft_ctx_get_error_buffer", FunctionDescriptor.of(A, A));
        static final MethodHandle RUN_FROM_BUFFER = NativeCall.link(LIB, "nft_run_cmd_from_buffer", FunctionDescriptor.of(I, A, A));
        static final MethodHandle SOCKET = NativeCall.linkCapturingErrno(NativeCall.libc(), "socket", FunctionDescriptor.of(I, I, I, I));
        static final MethodHandle CLOSE = NativeCall.link(NativeCall.libc(), "close", FunctionDescriptor.of(I, I));
    }

    private static final class Probe {
        static final Optional<String> FAILURE = probe();

        private static Optional<String> probe() {
            try {
                MethodHandle h = H.CTX_NEW;
                return Optional.empty();
            } catch (Throwable t) { // ExceptionInInitializerError around IllegalArgumentException/UnsatisfiedLinkError
                Throwable cause = t.getCause() != null ? t.getCause() : t;
                return Optional.of("libnftables.so.1 (Debian package libnftables1) cannot be loaded: " + cause.getMessage());
            }
        }
    }

    /** Why libnftables cannot be used here, or empty when it can. */
    public static Optional<String> loadFailure() {
        return Probe.FAILURE;
    }

    /** {@code struct nft_ctx *nft_ctx_new(uint32_t flags)}. */
    public static MemorySegment nft_ctx_new(int flags) {
        return NativeCall.invokePointer(() -> (MemorySegment) H.CTX_NEW.invokeExact(flags));
    }

    /** {@code void nft_ctx_free(struct nft_ctx *ctx)}. */
    public static void nft_ctx_free(MemorySegment ctx) {
        NativeCall.invokeVoid(() -> {
            H.CTX_FREE.invokeExact(ctx);
        });
    }

    /** {@code void nft_ctx_output_set_flags(struct nft_ctx *ctx, unsigned int flags)}. */
    public static void nft_ctx_output_set_flags(MemorySegment ctx, int flags) {
        NativeCall.invokeVoid(() -> {
            H.OUTPUT_SET_FLAGS.invokeExact(ctx, flags);
        });
    }

    /** {@code int nft_ctx_buffer_output(struct nft_ctx *ctx)}: 0 on success. */
    public static int nft_ctx_buffer_output(MemorySegment ctx) {
        return NativeCall.invokeInt(() -> (int) H.BUFFER_OUTPUT.invokeExact(ctx));
    }

    /** {@code int nft_ctx_buffer_error(struct nft_ctx *ctx)}: 0 on success. */
    public static int nft_ctx_buffer_error(MemorySegment ctx) {
        return NativeCall.invokeInt(() -> (int) H.BUFFER_ERROR.invokeExact(ctx));
    }

    /** {@code const char *nft_ctx_get_output_buffer(struct nft_ctx *ctx)}, copied; the buffer is reset by the call. */
    public static String nft_ctx_get_output_buffer(MemorySegment ctx) {
        return string(NativeCall.invokePointer(() -> (MemorySegment) H.GET_OUTPUT.invokeExact(ctx)));
    }

    /** {@code const char *nft_ctx_get_error_buffer(struct nft_ctx *ctx)}, copied; the buffer is reset by the call. */
    public static String nft_ctx_get_error_buffer(MemorySegment ctx) {
        return string(NativeCall.invokePointer(() -> (MemorySegment) H.GET_ERROR.invokeExact(ctx)));
    }

    /** {@code int nft_run_cmd_from_buffer(struct nft_ctx *nft, const char *buf)}: 0 on success. */
    public static int nft_run_cmd_from_buffer(MemorySegment ctx, String commands) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(commands);
            return NativeCall.invokeInt(() -> (int) H.RUN_FROM_BUFFER.invokeExact(ctx, buf));
        }
    }

    /**
     * Runs {@code document} (nft JSON: {@code {"nftables": [...]}}) in the calling thread's network namespace with JSON
     * output: all its commands form one transaction, which the kernel applies whole or not at all. Returns nft's output
     * (JSON for list commands, empty otherwise).
     *
     * @throws NftException with nft's error text when nft refuses the document or the kernel the transaction
     */
    public static String run(String operation, String document) {
        synchronized (RUN_LOCK) {
            return runLocked(operation, document);
        }
    }

    private static String runLocked(String operation, String document) {
        requireNetfilterNetlink(operation);
        MemorySegment ctx = nft_ctx_new(NFT_CTX_DEFAULT);
        if (ctx.equals(MemorySegment.NULL)) {
            throw new NftException(operation, "ENOMEM", "nft_ctx_new returned NULL");
        }
        try {
            nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON);
            if (nft_ctx_buffer_output(ctx) != 0 || nft_ctx_buffer_error(ctx) != 0) {
                throw new NftException(operation, "ENOMEM", "cannot buffer libnftables output");
            }
            int rc = nft_run_cmd_from_buffer(ctx, document);
            String output = nft_ctx_get_output_buffer(ctx);
            String error = nft_ctx_get_error_buffer(ctx);
            if (rc != 0) {
                throw NftException.of(operation, error.isBlank() ? "nft_run_cmd_from_buffer returned " + rc : error);
            }
            return output;
        } finally {
            nft_ctx_free(ctx);
        }
    }

    /**
     * libnftables 1.0.6 exits the whole process when it cannot open its netfilter netlink socket
     * ({@code netlink_init_error()}), so open and close one first and fail like any other call when that fails.
     */
    private static void requireNetfilterNetlink(String operation) {
        MemorySegment capture = NativeCall.errnoSegment();
        int fd = NativeCall.invokeInt(() -> (int) H.SOCKET.invokeExact(capture, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER));
        if (fd < 0) {
            int errno = NativeCall.errno(capture);
            throw new NftException(operation, dev.uniplane.linux.Errno.name(errno),
                    "cannot open a NETLINK_NETFILTER socket (errno " + errno + ")");
        }
        int ignored = NativeCall.invokeInt(() -> (int) H.CLOSE.invokeExact(fd));
    }

    private static String string(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? "" : p.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
