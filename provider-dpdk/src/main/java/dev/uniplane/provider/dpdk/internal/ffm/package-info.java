/**
 * Thin, jextract-style FFM bindings to DPDK 22.11 (ABI {@code DPDK_23}): one static method per C function, raw return
 * codes, {@link java.lang.foreign.MemorySegment} pointers. The static inline fast-path functions, {@code rte_errno} and
 * {@code rte_lcore_id} come from the shim {@code libuniplane_dpdk.so} that the build compiles from
 * {@code src/main/c/uniplane_dpdk_shim.c} and {@link dev.uniplane.provider.dpdk.internal.ffm.ShimLibrary} extracts from the
 * jar; every exported {@code rte_*} symbol is resolved through the shim's {@code DT_NEEDED} libraries.
 * {@link dev.uniplane.provider.dpdk.internal.ffm.DpdkException} turns failed calls into exceptions.
 */
package dev.uniplane.provider.dpdk.internal.ffm;
