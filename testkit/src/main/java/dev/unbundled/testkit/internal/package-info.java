/**
 * Implementation of the testkit; not API: may change in any release.
 */
package dev.unbundled.testkit.internal;
