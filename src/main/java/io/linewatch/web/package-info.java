/**
 * The browser console: a page per site with each camera's live picture, the alarms as they are
 * accepted (pushed over server-sent events) with their snapshots and clips, and the daemon's health.
 * A server at the level of {@code ops}: the command starts it from the read-only
 * {@link io.linewatch.daemon.PipelineView} and mounts it on the daemon's HTTP endpoint, which checks
 * users, roles and cross-site writes before any request reaches it; the pipeline does not know it
 * exists.
 *
 * <pre>
 *   browser --GET /, /console.js, /lib/uPlot.*--> {@link io.linewatch.web.StaticFiles} (page, WebJar)
 *           --GET /api/status------------------> {@link io.linewatch.web.StatusJson} (cameras, health; {@link io.linewatch.web.DiskUse})
 *           --GET /api/trends------------------> {@link io.linewatch.web.TrendJson} (PipelineView.thermalTrend(), {@link io.linewatch.web.Trends})
 *           --GET /api/cameras/ID/live.jpg-----> PipelineView.liveFrames() (watch + latest JPEG)
 *           --GET /api/alarms/stream-----------> {@link io.linewatch.web.AlarmStream} (PipelineView.alarmFeed(); acks)
 *           --POST /api/alarms/ID/ack----------> PipelineView.acknowledgements() (MQTT, event log, OPC UA, every page)
 *           --GET /evidence/{snapshots,clips}/CAMERA/FILE--> {@link io.linewatch.web.EvidenceFiles} (byte ranges;
 *                                                 the page draws a clip's FILE.frames.json over it: overlay.js)
 * </pre>
 */
package io.linewatch.web;
