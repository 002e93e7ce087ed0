/**
 * The daemon put together: the one place that knows the topology. Nothing below imports it.
 *
 * <pre>
 *  Pipeline.start:  Sinks.open ---&gt; Camera.open (each camera, by kind, in capture/)
 *                        |                 |
 *                        |                 v  grouped by model
 *                        |          Engines.open ---&gt; ModelLane.start (one Lane = one ring per model;
 *                        |          (instances x)     one inference stage per engine instance)
 *                        |                                 |
 *                        |          TaskStages (the task's preprocess, decode, track, rules, slots,
 *                        |                      pixel format, snapshots, results log, parts); ModelLane
 *                        |                      adds the count, object-event and verdict stages, the
 *                        |                      live picture (LiveFrameTap) and, in thermal lanes, the trend
 *                        v                                 v
 *                 shared by every lane's sinks       Sinks.startSparkplug (rule names, RuleReadings)
 *                                                          Camera.start (capture threads, last)
 *
 *  Pipeline.close:  captures stop -&gt; lanes drain every accepted frame -&gt; sinks close -&gt; engines close
 *  Pipeline.reload: PipelineReload applies a ReloadPlan (rules in place, changed cameras restarted)
 * </pre>
 *
 * <p>The servers that show a running daemon (HTTP endpoint, console, systemd watchdog) are started by
 * the command from {@link io.linewatch.daemon.PipelineView}; the pipeline does not know they exist.
 * What they read of it (live pictures, alarm feed, thermal trend) lives in the ground.
 * Start, reload and close run on the command's thread (reload: any thread, one at a time).
 */
package io.linewatch.daemon;
