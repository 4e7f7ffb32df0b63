/** Thin Panama FFM bindings to libc (jextract-style), with errno captured per call; not exported. */
package dev.uniplane.linux.internal.ffm;
