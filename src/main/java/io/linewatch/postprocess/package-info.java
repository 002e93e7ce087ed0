/**
 * After inference: decoders that turn a model's outputs into results in the slot (YOLO boxes and
 * NMS in the layouts {@link io.linewatch.postprocess.YoloDecoders} decides, end-to-end boxes without
 * suppression, thermal temperatures and hotspots, defect regions from a mask or from the instances of
 * an instance segmentation export, state probabilities, decided states and class-activation peaks per
 * region: {@link io.linewatch.postprocess.ClassifyHandler}), the tracker of detection
 * lanes ({@link io.linewatch.postprocess.TrackHandler}: ByteTrack per camera), the part stage of
 * inspection lanes ({@link io.linewatch.postprocess.PartHandler}: parts found from the frame, parts and
 * their defects tracked), and the alarm rules of each
 * task with the alarm stage ({@link io.linewatch.postprocess.AlarmHandler}) that feeds them one frame
 * at a time on its own thread. Rules debounce on the video's own clock ({@code Debounce}), so a replay
 * raises the same alarms at any speed. Imports only the ground and {@code config}.
 */
package io.linewatch.postprocess;
