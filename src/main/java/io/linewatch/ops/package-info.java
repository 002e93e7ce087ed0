/**
 * Servers that show a running daemon, started by the command that runs it from the pipeline's
 * read-only {@link io.linewatch.daemon.PipelineView}: the local HTTP endpoint ({@code /healthz},
 * {@code /readyz}, {@code /metrics}, {@code POST /reload} through the command's
 * {@link io.linewatch.ops.Reloader}) and the systemd notifier and watchdog. The pipeline does not
 * know they exist.
 */
package io.linewatch.ops;
