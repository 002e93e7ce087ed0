package io.linewatch.config;

import java.util.List;
import java.util.Map;

/**
 * The whole configuration of one linewatch daemon, one section per pipeline stage.
 *
 * @param site    plant or line name used in MQTT topics and events
 * @param cameras the frame sources, each bound to one model
 * @param pipeline ring size and wait strategy
 * @param models  models by name
 * @param alarms  detection alarm rules
 * @param mqtt    the MQTT broker and topic
 * @param sinks   event log and snapshot locations
 * @param http    the local health and metrics endpoint
 * @param logging log levels, by package
 * @param temperatureAlarms temperature alarm rules (thermal cameras)
 * @param defectAlarms      defect alarm rules (inspection cameras)
 * @param node    this box's name within the site, in MQTT client id, topics and messages; by default
 *                the host name ({@link Identity#hostNode()})
 * @param stateAlarms state alarm rules (classification cameras)
 * @param opcua   the OPC UA server; off by default
 */
public record LinewatchConfig(
        String site,
        List<CameraConfig> cameras,
        PipelineConfig pipeline,
        Map<String, ModelConfig> models,
        List<AlarmRuleConfig> alarms,
        MqttConfig mqtt,
        SinksConfig sinks,
        HttpConfig http,
        LoggingConfig logging,
        List<TemperatureAlarmConfig> temperatureAlarms,
        List<DefectAlarmConfig> defectAlarms,
        String node,
        List<StateAlarmConfig> stateAlarms,
        OpcUaConfig opcua) {

    public LinewatchConfig {
        site = site == null ? "site" : site;
        cameras = cameras == null ? List.of() : List.copyOf(cameras);
        pipeline = pipeline == null ? PipelineConfig.defaults() : pipeline;
        models = models == null ? Map.of() : Map.copyOf(models);
        alarms = alarms == null ? List.of() : List.copyOf(alarms);
        mqtt = mqtt == null ? MqttConfig.defaults() : mqtt;
        sinks = sinks == null ? SinksConfig.defaults() : sinks;
        http = http == null ? HttpConfig.defaults() : http;
        logging = logging == null ? LoggingConfig.defaults() : logging;
        temperatureAlarms = temperatureAlarms == null ? List.of() : List.copyOf(temperatureAlarms);
        defectAlarms = defectAlarms == null ? List.of() : List.copyOf(defectAlarms);
        node = node == null ? Identity.hostNode() : node;
        stateAlarms = stateAlarms == null ? List.of() : List.copyOf(stateAlarms);
        opcua = opcua == null ? OpcUaConfig.defaults() : opcua;
    }

    /** A config without state alarms, OPC UA off. */
    public LinewatchConfig(String site, List<CameraConfig> cameras, PipelineConfig pipeline,
                           Map<String, ModelConfig> models, List<AlarmRuleConfig> alarms, MqttConfig mqtt,
                           SinksConfig sinks, HttpConfig http, LoggingConfig logging,
                           List<TemperatureAlarmConfig> temperatureAlarms, List<DefectAlarmConfig> defectAlarms,
                           String node) {
        this(site, cameras, pipeline, models, alarms, mqtt, sinks, http, logging, temperatureAlarms, defectAlarms, node,
                null, null);
    }

    /** A config of every section, on this host's node. */
    public LinewatchConfig(String site, List<CameraConfig> cameras, PipelineConfig pipeline,
                           Map<String, ModelConfig> models, List<AlarmRuleConfig> alarms, MqttConfig mqtt,
                           SinksConfig sinks, HttpConfig http, LoggingConfig logging,
                           List<TemperatureAlarmConfig> temperatureAlarms, List<DefectAlarmConfig> defectAlarms) {
        this(site, cameras, pipeline, models, alarms, mqtt, sinks, http, logging, temperatureAlarms, defectAlarms, null);
    }

    /** Who publishes: the site and this node. */
    public Identity identity() {
        return new Identity(site, node);
    }

    /** A config with detection alarms only. */
    public LinewatchConfig(String site, List<CameraConfig> cameras, PipelineConfig pipeline,
                           Map<String, ModelConfig> models, List<AlarmRuleConfig> alarms, MqttConfig mqtt,
                           SinksConfig sinks, HttpConfig http, LoggingConfig logging) {
        this(site, cameras, pipeline, models, alarms, mqtt, sinks, http, logging, null, null);
    }

    /** A config without the HTTP endpoint. */
    public LinewatchConfig(String site, List<CameraConfig> cameras, PipelineConfig pipeline,
                           Map<String, ModelConfig> models, List<AlarmRuleConfig> alarms, MqttConfig mqtt,
                           SinksConfig sinks) {
        this(site, cameras, pipeline, models, alarms, mqtt, sinks, null, null, null, null);
    }

    /** Returns a copy with another HTTP endpoint. */
    /** True when {@code camera} judges parts: a segmentation camera with {@code inspection.parts}. */
    public boolean judgesParts(CameraConfig camera) {
        ModelConfig model = models.get(camera.model());
        return camera.inspection().parts() != null && model != null && model.task() == ModelConfig.Task.SEGMENTATION;
    }

    public LinewatchConfig withHttp(HttpConfig newHttp) {
        return new LinewatchConfig(site, cameras, pipeline, models, alarms, mqtt, sinks, newHttp, logging, temperatureAlarms, defectAlarms, node, stateAlarms, opcua);
    }

    /** Returns a copy with other cameras (used by replay to bind clips to cameras). */
    public LinewatchConfig withCameras(List<CameraConfig> newCameras) {
        return new LinewatchConfig(site, newCameras, pipeline, models, alarms, mqtt, sinks, http, logging, temperatureAlarms, defectAlarms, node, stateAlarms, opcua);
    }

    /** Returns a copy with another MQTT section. */
    public LinewatchConfig withMqtt(MqttConfig newMqtt) {
        return new LinewatchConfig(site, cameras, pipeline, models, alarms, newMqtt, sinks, http, logging, temperatureAlarms, defectAlarms, node, stateAlarms, opcua);
    }

    /** Returns a copy with another sinks section. */
    public LinewatchConfig withSinks(SinksConfig newSinks) {
        return new LinewatchConfig(site, cameras, pipeline, models, alarms, mqtt, newSinks, http, logging, temperatureAlarms, defectAlarms, node, stateAlarms, opcua);
    }

    /** Returns a copy with other models. */
    public LinewatchConfig withModels(Map<String, ModelConfig> newModels) {
        return new LinewatchConfig(site, cameras, pipeline, newModels, alarms, mqtt, sinks, http, logging,
                temperatureAlarms, defectAlarms, node, stateAlarms, opcua);
    }

    /** Returns a copy with another OPC UA section. */
    public LinewatchConfig withOpcUa(OpcUaConfig newOpcUa) {
        return new LinewatchConfig(site, cameras, pipeline, models, alarms, mqtt, sinks, http, logging,
                temperatureAlarms, defectAlarms, node, stateAlarms, newOpcUa);
    }

    /** Returns a copy on another node. */
    public LinewatchConfig withNode(String newNode) {
        return new LinewatchConfig(site, cameras, pipeline, models, alarms, mqtt, sinks, http, logging,
                temperatureAlarms, defectAlarms, newNode, stateAlarms, opcua);
    }

    /** Returns a copy with another pipeline section. */
    public LinewatchConfig withPipeline(PipelineConfig newPipeline) {
        return new LinewatchConfig(site, cameras, newPipeline, models, alarms, mqtt, sinks, http, logging,
                temperatureAlarms, defectAlarms, node, stateAlarms, opcua);
    }
}
