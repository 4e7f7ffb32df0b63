/**
 * The kit for a provider named at run time ({@code -Duniplane.tck.provider=NAME}) instead of by a test class: one
 * concrete subclass per verification area, run by {@code uniplane tck} through the JUnit Platform Launcher.
 */
package dev.uniplane.tck.byname;
