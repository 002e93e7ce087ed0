/**
 * The last stages of a lane and where alarms go: snapshots, the on-disk MQTT outbox (an alarm is
 * accepted once it is journalled there), the event log, the MQTT publisher that delivers the outbox
 * on its own thread ({@code lw-mqtt}) with the cameras' states, the object events of detection
 * lanes ({@code ObjectEventHandler}) and the counts, the decided states of classification regions
 * on their retained topics ({@code RegionStateHandler}), and the per-frame results logs of
 * {@code replay --detections}. Imports only the ground and {@code config}.
 */
package io.linewatch.sinks;
