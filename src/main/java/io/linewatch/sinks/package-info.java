/**
 * The last stages of a lane and where alarms go: snapshots, the on-disk MQTT outbox (an alarm is
 * accepted once it is journalled there), the event log, the MQTT publisher that delivers the outbox
 * on its own thread ({@code lw-mqtt}) with the cameras' states, the object events of detection
 * lanes ({@code ObjectEventHandler}) and the counts, the part verdicts of inspection lanes
 * ({@code VerdictHandler}; the last counts of resuming lines in {@code CountStore}), the decided
 * states of classification regions on their retained topics ({@code RegionStateHandler}), the
 * per-frame results logs of {@code replay --detections}, a watched camera's live picture
 * ({@code LiveFrameTap}, encoded on {@code lw-<lane>-jpeg}), the thermal lanes' trend
 * ({@code ThermalTrendHandler}), and the Sparkplug B edge node ({@code SparkplugNode}: told of
 * alarms, counts and source states, sampling the cameras' counters on {@code lw-sparkplug-sample},
 * delivering its own outbox on {@code lw-sparkplug}), and operators' acknowledgements of alarms
 * ({@code Acknowledgements}: the one path of the console and OPC UA, read back from the event log's
 * end at start by {@code EventLogTail}). Imports only the ground and {@code config}.
 */
package io.linewatch.sinks;
