/**
 * The OPC UA server of a running daemon: what a plant's SCADA, DCS or MES reads. Started by the
 * command line from the read-only {@link io.linewatch.daemon.PipelineView} (the pipeline does not
 * know it exists), it sits beside {@code ops} above the assembly:
 *
 * <pre>
 *   PipelineView --poll 1 s--> SiteModel variables --subscriptions--> OPC UA clients
 *     (counters, states, part verdicts; the rules' RuleReadings every 100 ms)
 *   sink threads --AlarmFeed (queue)--> RuleCondition events --------> OPC UA clients
 *   OPC UA Acknowledge --> sinks.Acknowledgements --> MQTT outbox + event log ("acknowledged", via opcua)
 *   console's acknowledge --> sinks.Acknowledgements --AlarmFeed (queue)--> RuleCondition AckedState
 *   applied reload (cli's DaemonReload) --OpcUaEndpoint.follow--> SiteModel adds / deletes nodes
 * </pre>
 *
 * {@link io.linewatch.opcua.OpcUaEndpoint} is the entry; security (certificate, trust list, users)
 * is {@code ServerSecurity}.
 */
package io.linewatch.opcua;
