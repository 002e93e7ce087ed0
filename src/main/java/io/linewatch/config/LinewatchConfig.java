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
 * @param alarms  alarm rules
 * @param mqtt    the MQTT broker and topic
 * @param sinks   event log and snapshot locations
 * @param http    the local health and metrics endpoint
 * @param logging log levels, by package
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
        LoggingConfig logging) {

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
    }

    /** A config without the HTTP endpoint. */
    public LinewatchConfig(String site, List<CameraConfig> cameras, PipelineConfig pipeline,
                           Map<String, ModelConfig> models, List<AlarmRuleConfig> alarms, MqttConfig mqtt,
                           SinksConfig sinks) {
        this(site, cameras, pipeline, models, alarms, mqtt, sinks, null, null);
    }

    /** Returns a copy with another HTTP endpoint. */
    public LinewatchConfig withHttp(HttpConfig newHttp) {
        return new LinewatchConfig(site, cameras, pipeline, models, alarms, mqtt, sinks, newHttp, logging);
    }

    /** Returns a copy with other cameras (used by replay to bind clips to cameras). */
    public LinewatchConfig withCameras(List<CameraConfig> newCameras) {
        return new LinewatchConfig(site, newCameras, pipeline, models, alarms, mqtt, sinks, http, logging);
    }

    /** Returns a copy with another MQTT section. */
    public LinewatchConfig withMqtt(MqttConfig newMqtt) {
        return new LinewatchConfig(site, cameras, pipeline, models, alarms, newMqtt, sinks, http, logging);
    }

    /** Returns a copy with another sinks section. */
    public LinewatchConfig withSinks(SinksConfig newSinks) {
        return new LinewatchConfig(site, cameras, pipeline, models, alarms, mqtt, newSinks, http, logging);
    }
}
