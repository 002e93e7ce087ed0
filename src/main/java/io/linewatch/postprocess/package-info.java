/**
 * After inference: decoders that turn a model's outputs into results in the slot (YOLO boxes and
 * NMS, thermal temperatures and hotspots, defect regions from a mask, state probabilities, decided
 * states and class-activation peaks per region: {@link io.linewatch.postprocess.ClassifyHandler}), the tracker of detection
 * lanes ({@link io.linewatch.postprocess.TrackHandler}: ByteTrack per camera), and the alarm rules of each
 * task with the alarm stage ({@link io.linewatch.postprocess.AlarmHandler}) that feeds them one frame
 * at a time on its own thread. Rules debounce on the video's own clock ({@code Debounce}), so a replay
 * raises the same alarms at any speed. Imports only the ground and {@code config}.
 */
package io.linewatch.postprocess;
