/**
 * libnftables ({@code libnftables.so.1}, Debian {@code libnftables1}) through Panama FFM:
 * {@link dev.uniplane.provider.bgp.internal.ffm.LibNftables} runs one nft JSON document (one transaction) and returns
 * nft's JSON output; {@link dev.uniplane.provider.bgp.internal.ffm.NftException} carries nft's error text.
 */
package dev.uniplane.provider.bgp.internal.ffm;
