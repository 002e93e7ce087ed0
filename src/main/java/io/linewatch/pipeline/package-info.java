/**
 * The ground every stage stands on: the {@link io.linewatch.pipeline.FrameEvent} slot that flows
 * through a lane's ring (preallocated by {@link io.linewatch.pipeline.FrameEventFactory}), the
 * results stages write into it ({@link io.linewatch.pipeline.Detections},
 * {@link io.linewatch.pipeline.ThermalResult}, {@link io.linewatch.pipeline.DefectRegions}), the
 * {@link io.linewatch.pipeline.AlarmEvent}s, the counters and timings
 * ({@link io.linewatch.pipeline.CameraStats}, {@link io.linewatch.pipeline.LatencyStats},
 * {@link io.linewatch.pipeline.StageStats}), the cameras' states
 * ({@link io.linewatch.pipeline.SourceState}, {@link io.linewatch.pipeline.CameraStates}), and what
 * more than one stage uses ({@link io.linewatch.pipeline.Freshness}, {@link io.linewatch.pipeline.Backoff},
 * {@link io.linewatch.pipeline.ThermalCalibration}).
 *
 * <p>It imports only {@code config}; every other package may import it. The assembly that wires the
 * stages around these types is {@code io.linewatch.daemon}:
 *
 * <pre>
 *  camera A --+
 *  camera B --+--&gt; ring of FrameEvent slots (one per model)
 *             |
 *             |   +------------+    +-----------+    +--------+    +--------+    +-------------+
 *             +--&gt;| preprocess |---&gt;| inference |---&gt;| decode |---&gt;| alarms |-+-&gt;| alarm sinks |
 *                 +------------+    +-----------+    +--------+    +--------+ |  +-------------+
 *                                    (batches of                               +-&gt;| results     |
 *                                     endOfBatch,                                 | log (opt.)  |
 *                                     capped at the                               +-------------+
 *                                     model's batch)
 * </pre>
 *
 * <p>Each stage runs on its own thread, reads the fields of the stages before it and writes only its
 * own. A stage that throws marks the frame failed and goes on; later stages skip failed frames.
 */
package io.linewatch.pipeline;
