/**
 * Frame sources and capture: one {@link io.linewatch.capture.Camera} per camera owns it whole (its
 * source by kind: a recorded file, an RTSP stream, a V4L2 device; its state machine; its watchdog
 * registration; start, stop, restart and close). A capture thread per camera copies each frame into
 * a claimed ring slot and writes only the slot's capture fields; a paced or live camera never blocks
 * on the ring (a frame that finds no free slot is dropped and counted).
 *
 * <pre>
 *  Camera --file--&gt;  FileFrameSource --&gt; CaptureLoop (Pacer, MediaClock) --+
 *        \--live--&gt;  LiveFrameSource --&gt; LiveCapture (reconnects, Backoff) -+--&gt; SlotWriter --&gt; ring
 *                                              ^
 *                                  SourceWatchdog (stalls, every 50 ms)
 * </pre>
 *
 * Imports only the ground ({@code io.linewatch.pipeline}) and {@code config}.
 */
package io.linewatch.capture;
