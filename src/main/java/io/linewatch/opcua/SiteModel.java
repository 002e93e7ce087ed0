package io.linewatch.opcua;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.CounterConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.daemon.PipelineView;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.CameraStates;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.PartVerdicts;
import io.linewatch.pipeline.RuleReadings;
import io.linewatch.sinks.Acknowledgements;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.methods.MethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.model.objects.AlarmConditionTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.factories.NodeFactory;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;

/**
 * The address space under the site, and how values get into it:
 *
 * <pre>
 * Objects/&lt;site&gt;/                   Node, Version, Heartbeat
 *   Cameras/&lt;camera&gt;/              State, Fps, FramesIn, Inferred, AlarmsRaised
 *     Dropped/                      RingFull, Backlog, TooLarge, TooOld, DecodeError, Failed
 *     Counters/&lt;line&gt;/             Count, RatePerMinute
 *     Parts/                        LastVerdict, LastPart, LastPartId, LastDefectCount, LastTime, Ok, Nok
 *                                   (inspection cameras that judge parts)
 *     Rules/&lt;rule&gt;                 the rule's alarm condition, with what it measures now:
 *                                   MaxC, AvgC, MinC, ValueC (temperature), DefectCount (defect),
 *                                   ObjectCount (detection); and Score (detection: the last change's)
 *   Models/&lt;model&gt;/                Engine, Health
 * </pre>
 *
 * {@link #poll} copies the view's counters (the poller's thread), {@link #pollReadings} the rules'
 * latest measures (the readings' thread); {@link #apply} takes an alarm event and {@link
 * #acknowledged} an acknowledgement (the alarm feed's thread); {@link #follow} changes the tree after an applied reload (the reload's thread). They
 * are synchronized on the model, so none sees a tree half changed; none runs on a pipeline thread.
 */
final class SiteModel {

    private static final String[] DROPS = {"RingFull", "Backlog", "TooLarge", "TooOld", "DecodeError", "Failed"};
    private static final long RATE_WINDOW_NANOS = 60_000_000_000L;

    private final SiteNamespace ns;
    private final String root;
    private final OpcUaServer server;
    private final Acknowledger acknowledge;
    private final Acknowledgements acknowledgements;
    private final Map<String, RuleCondition> conditions = new LinkedHashMap<>();
    private final Map<String, long[]> lastFrames = new LinkedHashMap<>();
    private final Map<String, RateWindow> rates = new LinkedHashMap<>();
    private LinewatchConfig config;

    private SiteModel(SiteNamespace ns, OpcUaServer server, LinewatchConfig config, Acknowledger acknowledge,
                      Acknowledgements acknowledgements) {
        this.ns = ns;
        this.acknowledgements = acknowledgements;
        this.server = server;
        this.config = config;
        this.acknowledge = acknowledge;
        this.root = config.site();
    }

    /** Makes every node; {@code acknowledge} handles each condition's Acknowledge method. */
    static SiteModel build(SiteNamespace ns, OpcUaServer server, LinewatchConfig config, PipelineView view,
                           Acknowledger acknowledge) throws UaException {
        SiteModel model = new SiteModel(ns, server, config, acknowledge, view.acknowledgements());
        model.buildSite();
        return model;
    }

    /** Turns an operator's Acknowledge of a condition into what linewatch publishes. */
    interface Acknowledger {
        MethodInvocationHandler handler(org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode method,
                                        RuleCondition condition);
    }

    private void buildSite() throws UaException {
        UaFolderNode site = ns.rootFolder(root, root);
        ns.variable(site, root + "/Node", "Node", NodeIds.String, config.node());
        ns.variable(site, root + "/Version", "Version", NodeIds.String, version());
        ns.variable(site, root + "/Heartbeat", "Heartbeat", NodeIds.DateTime, DateTime.now());
        UaFolderNode cameras = ns.folder(site, root + "/Cameras", "Cameras");
        for (CameraConfig camera : config.cameras()) {
            buildCamera(cameras, camera);
        }
        UaFolderNode models = ns.folder(site, root + "/Models", "Models");
        for (String name : config.models().keySet()) {
            buildModel(models, name);
        }
    }

    private void buildModel(UaFolderNode models, String name) {
        String at = root + "/Models/" + name;
        UaFolderNode m = ns.folder(models, at, name);
        ns.variable(m, at + "/Engine", "Engine", NodeIds.String, "");
        ns.variable(m, at + "/Health", "Health", NodeIds.String, "not started");
    }

    private void buildCamera(UaFolderNode cameras, CameraConfig camera) throws UaException {
        String at = root + "/Cameras/" + camera.id();
        UaFolderNode c = ns.folder(cameras, at, camera.id());
        ns.variable(c, at + "/State", "State", NodeIds.String, "");
        ns.variable(c, at + "/Fps", "Fps", NodeIds.Double, 0.0);
        ns.variable(c, at + "/FramesIn", "FramesIn", NodeIds.Int64, 0L);
        ns.variable(c, at + "/Inferred", "Inferred", NodeIds.Int64, 0L);
        ns.variable(c, at + "/AlarmsRaised", "AlarmsRaised", NodeIds.Int64, 0L);
        UaFolderNode dropped = ns.folder(c, at + "/Dropped", "Dropped");
        for (String reason : DROPS) {
            ns.variable(dropped, at + "/Dropped/" + reason, reason, NodeIds.Int64, 0L);
        }
        for (CounterConfig counter : camera.counters()) {
            buildCounter(c, at, counter.name());
        }
        if (config.judgesParts(camera)) {
            buildParts(c, at);
        }
        for (RuleScopes.Scope scope : RuleScopes.of(config, camera)) {
            buildRule(c, camera.id(), scope);
        }
    }

    private void buildCounter(UaFolderNode camera, String at, String name) {
        UaFolderNode counters = ns.folderAt(at + "/Counters");
        if (counters == null) {
            counters = ns.folder(camera, at + "/Counters", "Counters");
        }
        String line = at + "/Counters/" + name;
        UaFolderNode l = ns.folder(counters, line, name);
        ns.variable(l, line + "/Count", "Count", NodeIds.Int64, 0L);
        ns.variable(l, line + "/RatePerMinute", "RatePerMinute", NodeIds.Double, 0.0);
    }

    private void buildParts(UaFolderNode camera, String at) {
        UaFolderNode parts = ns.folder(camera, at + "/Parts", "Parts");
        ns.variable(parts, at + "/Parts/LastVerdict", "LastVerdict", NodeIds.String, "");
        ns.variable(parts, at + "/Parts/LastPart", "LastPart", NodeIds.Int32, 0);
        ns.variable(parts, at + "/Parts/LastPartId", "LastPartId", NodeIds.String, "");
        ns.variable(parts, at + "/Parts/LastDefectCount", "LastDefectCount", NodeIds.Int32, 0);
        ns.variable(parts, at + "/Parts/LastTime", "LastTime", NodeIds.DateTime, DateTime.MIN_VALUE);
        ns.variable(parts, at + "/Parts/Ok", "Ok", NodeIds.Int64, 0L);
        ns.variable(parts, at + "/Parts/Nok", "Nok", NodeIds.Int64, 0L);
    }

    private void buildRule(UaFolderNode camera, String cameraId, RuleScopes.Scope scope) throws UaException {
        String rulesAt = root + "/Cameras/" + cameraId + "/Rules";
        UaFolderNode rules = ns.folderAt(rulesAt);
        if (rules == null) {
            rules = ns.folder(camera, rulesAt, "Rules");
        }
        String at = rulesAt + "/" + scope.rule();
        boolean limit = scope.kind() == RuleCondition.Kind.THERMAL;
        NodeId type = limit ? NodeIds.NonExclusiveLevelAlarmType : NodeIds.OffNormalAlarmType;
        AlarmConditionTypeNode node = (AlarmConditionTypeNode) new NodeFactory(ns.getNodeContext())
                .createNode(ns.nodeId(at), type, new NodeFactory.InstantiationCallback() {
                    @Override
                    public boolean includeOptionalNode(NodeId typeDefinitionId, QualifiedName browseName) {
                        return limit && ("HighLimit".equals(browseName.name()) || "HighState".equals(browseName.name()));
                    }
                });
        node.setEventType(type);
        node.setBrowseName(ns.qualifiedName(scope.rule()));
        node.setDisplayName(org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText.english(scope.rule()));
        rules.addOrganizes(node);
        camera.addReference(new org.eclipse.milo.opcua.sdk.core.Reference(camera.getNodeId(), NodeIds.HasCondition,
                node.getNodeId().expanded(), true));
        RuleCondition condition = new RuleCondition(server, node, cameraId, scope.rule(), scope.kind(),
                camera.getNodeId());
        if (limit && !Double.isNaN(scope.highLimitC())) {
            RuleCondition.highLimit(node, scope.highLimitC());
        }
        node.getAcknowledgeMethodNode().setInvocationHandler(acknowledge.handler(node.getAcknowledgeMethodNode(),
                condition));
        switch (scope.kind()) {
            case THERMAL -> {
                for (String v : new String[] {"MaxC", "AvgC", "MinC", "ValueC"}) {
                    ns.variable(node, at + "/" + v, v, NodeIds.Double, Double.NaN);
                }
            }
            case DEFECT -> ns.variable(node, at + "/DefectCount", "DefectCount", NodeIds.Int32, 0);
            case DETECTION -> {
                ns.variable(node, at + "/ObjectCount", "ObjectCount", NodeIds.Int32, 0);
                ns.variable(node, at + "/Score", "Score", NodeIds.Double, 0.0);
            }
        }
        conditions.put(cameraId + "/" + scope.rule(), condition);
    }

    /**
     * Makes the address space follow {@code next}, the config of an applied reload (the caller's
     * thread): what {@code next} no longer has is deleted (a removed rule's condition, when active
     * or unacknowledged, first fires once more inactive and not retained); what it adds is built;
     * what both have keeps its nodes, so clients' subscriptions on them go on, and an unchanged
     * rule's condition keeps its active and acknowledged states. A rule whose settings changed keeps
     * its node but, as the pipeline runs it anew, turns inactive (a temperature rule takes its new
     * high limit); one whose kind changed is built anew.
     */
    synchronized void follow(LinewatchConfig next) throws UaException {
        LinewatchConfig before = config;
        config = next;
        Map<String, CameraConfig> was = new LinkedHashMap<>();
        before.cameras().forEach(c -> was.put(c.id(), c));
        java.util.Set<String> now = new java.util.HashSet<>();
        next.cameras().forEach(c -> now.add(c.id()));
        for (String id : was.keySet()) {
            if (!now.contains(id)) {
                removeCamera(id);
            }
        }
        for (CameraConfig camera : next.cameras()) {
            CameraConfig old = was.get(camera.id());
            if (old == null) {
                buildCamera(ns.folderAt(root + "/Cameras"), camera);
            } else {
                followCamera(before, old, camera);
            }
        }
        for (String model : before.models().keySet()) {
            if (!next.models().containsKey(model)) {
                ns.delete(root + "/Models/" + model);
            }
        }
        for (String model : next.models().keySet()) {
            if (!before.models().containsKey(model)) {
                buildModel(ns.folderAt(root + "/Models"), model);
            }
        }
    }

    private void followCamera(LinewatchConfig before, CameraConfig old, CameraConfig camera) throws UaException {
        String at = root + "/Cameras/" + camera.id();
        UaFolderNode c = ns.folderAt(at);
        List<String> oldLines = old.counters().stream().map(CounterConfig::name).toList();
        List<String> lines = camera.counters().stream().map(CounterConfig::name).toList();
        for (String line : oldLines) {
            if (!lines.contains(line)) {
                ns.delete(at + "/Counters/" + line);
                rates.remove(at + "/Counters/" + line);
            }
        }
        for (String line : lines) {
            if (!oldLines.contains(line)) {
                buildCounter(c, at, line);
            }
        }
        if (lines.isEmpty()) {
            ns.delete(at + "/Counters");
        }
        boolean judged = before.judgesParts(old);
        if (judged && !config.judgesParts(camera)) {
            ns.delete(at + "/Parts");
        } else if (!judged && config.judgesParts(camera)) {
            buildParts(c, at);
        }
        followRules(c, RuleScopes.of(before, old), RuleScopes.of(config, camera), camera.id());
    }

    private void followRules(UaFolderNode camera, List<RuleScopes.Scope> old, List<RuleScopes.Scope> next,
                             String cameraId) throws UaException {
        Map<String, RuleScopes.Scope> kept = new LinkedHashMap<>();
        next.forEach(s -> kept.put(s.rule(), s));
        Map<String, RuleScopes.Scope> changed = new LinkedHashMap<>();
        for (RuleScopes.Scope scope : old) {
            RuleScopes.Scope now = kept.get(scope.rule());
            if (now == null || now.kind() != scope.kind()) {
                removeRule(cameraId, scope.rule());
            } else if (!now.equals(scope)) {
                changed.put(now.rule(), now);
            }
        }
        for (RuleScopes.Scope scope : next) {
            RuleCondition condition = conditions.get(cameraId + "/" + scope.rule());
            if (condition == null) {
                buildRule(camera, cameraId, scope);
            } else if (changed.containsKey(scope.rule())) {
                condition.highLimit(scope.highLimitC());
                condition.restart(); // the pipeline runs the changed rule anew, nothing raised
            }
        }
        if (next.isEmpty()) {
            ns.delete(root + "/Cameras/" + cameraId + "/Rules");
        }
    }

    private void removeRule(String cameraId, String rule) {
        RuleCondition condition = conditions.remove(cameraId + "/" + rule);
        if (condition != null) {
            condition.retire();
        }
        ns.delete(root + "/Cameras/" + cameraId + "/Rules/" + rule);
    }

    private void removeCamera(String cameraId) {
        List<String> rules = conditions.keySet().stream().filter(k -> k.startsWith(cameraId + "/"))
                .map(k -> k.substring(cameraId.length() + 1)).toList();
        rules.forEach(rule -> removeRule(cameraId, rule));
        String at = root + "/Cameras/" + cameraId;
        ns.delete(at);
        lastFrames.remove(cameraId);
        rates.keySet().removeIf(line -> line.startsWith(at + "/"));
    }

    /** Applies an alarm event to its rule's condition and deciding values; events of unknown rules are skipped. */
    synchronized void apply(AlarmEvent event) {
        RuleCondition condition = conditions.get(event.camera() + "/" + event.rule());
        if (condition == null) {
            return;
        }
        condition.apply(event);
        if (event.type() == AlarmEvent.Type.RAISED && acknowledgements != null) {
            Acknowledgements.Acknowledged early = acknowledgements.acknowledgementOf(event.id());
            if (early != null) {
                condition.acknowledged(early); // acknowledged (from the console) before the raise got here
            }
        }
        if (event.detail() instanceof AlarmEvent.DetectionDetail d) {
            ns.setIfPresent(root + "/Cameras/" + event.camera() + "/Rules/" + event.rule() + "/Score",
                    (double) d.score());
        }
    }

    /** Applies an accepted acknowledgement (from anywhere) to its rule's condition; unknown rules are skipped. */
    synchronized void acknowledged(Acknowledgements.Acknowledged ack) {
        RuleCondition condition = conditions.get(ack.camera() + "/" + ack.rule());
        if (condition != null) {
            condition.acknowledged(ack);
        }
    }

    /**
     * Copies each rule's latest measure into its variables ({@code MaxC}, {@code DefectCount}, ...);
     * a rule without nodes (a reload added it) is skipped. {@code values} holds four.
     */
    synchronized void pollReadings(RuleReadings readings, double[] values) {
        for (RuleReadings.Reading r : readings.all()) {
            if (r.read(values) == 0) {
                continue;
            }
            List<String> names = r.kind().names();
            for (int i = 0; i < names.size(); i++) {
                String path = root + "/Cameras/" + r.camera() + "/Rules/" + r.rule() + "/" + names.get(i);
                if (ns.has(path)) {
                    ns.set(path, r.kind() == RuleReadings.Kind.TEMPERATURE ? (Object) values[i] : (int) values[i]);
                }
            }
        }
    }

    /** Copies the view's counters, states and models into the variables. */
    synchronized void poll(PipelineView view, long nowNanos) {
        ns.set(root + "/Heartbeat", DateTime.now());
        CameraStates states = view.cameraStates();
        for (CameraStats s : view.stats()) {
            String at = root + "/Cameras/" + s.cameraId;
            CameraStates.Entry state = states.get(s.cameraId);
            ns.set(at + "/State", state == null ? "" : state.state().name().toLowerCase(java.util.Locale.ROOT));
            ns.set(at + "/Fps", fps(s, nowNanos));
            ns.set(at + "/FramesIn", s.framesIn.get());
            ns.set(at + "/Inferred", s.inferred.get());
            ns.set(at + "/AlarmsRaised", s.alarmsRaised.get());
            long[] drops = {s.droppedRingFull.get(), s.droppedBacklog.get(), s.droppedTooLarge.get(),
                    s.droppedTooOld.get(), s.droppedDecodeError.get(), s.failed.get()};
            for (int i = 0; i < DROPS.length; i++) {
                ns.set(at + "/Dropped/" + DROPS[i], drops[i]);
            }
            pollCounters(s, at, nowNanos);
            pollVerdict(view.partVerdicts(), s.cameraId, at);
        }
        for (PipelineView.ModelState m : view.models()) {
            ns.set(root + "/Models/" + m.model() + "/Engine", m.engine());
            ns.set(root + "/Models/" + m.model() + "/Health", m.health());
        }
    }

    private void pollVerdict(PartVerdicts verdicts, String camera, String at) {
        PartVerdicts.Verdict v = verdicts == null ? null : verdicts.latest(camera);
        if (v == null || !ns.has(at + "/Parts/LastVerdict")) {
            return;
        }
        ns.set(at + "/Parts/LastVerdict", v.verdict());
        ns.set(at + "/Parts/LastPart", v.part());
        ns.set(at + "/Parts/LastPartId", v.id());
        ns.set(at + "/Parts/LastDefectCount", v.defectCount());
        ns.set(at + "/Parts/LastTime", new DateTime(java.time.Instant.ofEpochMilli(v.timeMillis())));
        ns.set(at + "/Parts/Ok", v.okCount());
        ns.set(at + "/Parts/Nok", v.nokCount());
    }

    private double fps(CameraStats s, long nowNanos) {
        long frames = s.framesIn.get();
        long[] last = lastFrames.put(s.cameraId, new long[] {frames, nowNanos});
        if (last == null || nowNanos <= last[1]) {
            return 0.0;
        }
        return Math.round((frames - last[0]) * 1e10 / (nowNanos - last[1])) / 10.0;
    }

    private void pollCounters(CameraStats s, String at, long nowNanos) {
        Map<String, Long> counts = new LinkedHashMap<>();
        s.lineCrossings.forEach((lc, n) -> counts.merge(lc.counter(), n.get(), Long::sum));
        counts.forEach((counter, count) -> {
            String line = at + "/Counters/" + counter;
            ns.set(line + "/Count", count);
            RateWindow window = rates.computeIfAbsent(line, k -> new RateWindow());
            ns.set(line + "/RatePerMinute", window.add(nowNanos, count));
        });
    }

    private static String version() {
        String v = SiteModel.class.getPackage().getImplementationVersion();
        return v == null ? "unknown (run from classes)" : v;
    }

    /** Counts of the last minute: the rate per minute of what the window covers. */
    private static final class RateWindow {
        private final java.util.ArrayDeque<long[]> samples = new java.util.ArrayDeque<>();

        double add(long nowNanos, long count) {
            samples.addLast(new long[] {nowNanos, count});
            while (samples.size() > 1 && nowNanos - samples.peekFirst()[0] > RATE_WINDOW_NANOS) {
                samples.removeFirst();
            }
            long[] first = samples.peekFirst();
            double minutes = (nowNanos - first[0]) / 60e9;
            return minutes <= 0 ? 0.0 : Math.round((count - first[1]) / minutes * 10) / 10.0;
        }
    }
}
