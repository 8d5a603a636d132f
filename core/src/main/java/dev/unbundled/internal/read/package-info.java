/**
 * The views users hold: {@code ReadOnlyView}s over one view's stores (gets, scans merged across partitions,
 * pages and cursors), local through a {@code ViewHost} or routed to other instances through a
 * {@code RoutedHost}. It imports only the public API and the remote SPI: the runtime and the testkit
 * implement its host interfaces.
 *
 * <p><b>Not API.</b> May change in any release.
 */
package dev.unbundled.internal.read;
