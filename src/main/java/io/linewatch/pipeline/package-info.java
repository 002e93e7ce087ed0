/**
 * The slot that flows through the ring and the one place that knows the topology.
 *
 * <p>Each model gets its own ring (a {@link io.linewatch.pipeline.Lane}); every camera bound to that
 * model publishes into it, so batches are formed per model across cameras:
 *
 * <pre>
 *  camera A --+
 *  camera B --+--&gt; ring of FrameEvent slots (one per model)
 *             |
 *             |   +------------+    +-----------+    +--------+    +--------+    +-------------+
 *             +--&gt;| preprocess |---&gt;| inference |---&gt;| detect |---&gt;| alarms |-+-&gt;| alarm sinks |
 *                 +------------+    +-----------+    +--------+    +--------+ |  +-------------+
 *                                    (batches of                               +-&gt;| detections  |
 *                                     endOfBatch,                                 | log (opt.)  |
 *                                     capped at the                               +-------------+
 *                                     model's batch)
 * </pre>
 *
 * <p>A live camera's capture never blocks: it claims a slot with {@code tryNext} and drops (and
 * counts) the frame when every slot is busy. Preprocess and inference put each frame through the
 * lane's {@link io.linewatch.pipeline.Freshness} gate, which drops a live frame that is too old or
 * has too many newer frames behind it, so overload costs the oldest frames first. Each stage runs on its own thread, reads the fields of the stages before
 * it and writes only its own. A stage that throws marks the frame failed and goes on; later stages
 * skip failed frames.
 */
package io.linewatch.pipeline;
