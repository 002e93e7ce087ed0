package io.linewatch.daemon;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.postprocess.AlarmRule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What a reload changes, decided from the running config and the new one:
 *
 * <ul>
 *   <li>alarm rules ({@code alarms}, {@code temperature_alarms}, {@code defect_alarms}) and log
 *       levels change in place;</li>
 *   <li>a camera whose source, pacing, loop or live keys changed has its capture restarted;</li>
 *   <li>anything else (site, pipeline, models or their files, mqtt, sinks, http, opcua, cameras added,
 *       removed or moved, a camera's model, task settings, counting lines, inference gate or frame age budget) needs the daemon
 *       restarted: {@link #restartReasons} says why, and nothing is changed in place.</li>
 * </ul>
 *
 * @param restartReasons    why the daemon must restart, one phrase each; empty when it need not
 * @param camerasToRestart  indexes of cameras whose capture restarts
 * @param ruleChanges       the rules changed, added or removed, one phrase per rule section
 * @param loggingChanged    the log levels changed
 */
record ReloadPlan(List<String> restartReasons, List<Integer> camerasToRestart, List<String> ruleChanges,
                  boolean loggingChanged) {

    /**
     * @param runningMaxAgeNanos each running camera's frame age budget (see Pipeline)
     * @param nextMaxAgeNanos    the same under the new config
     * @param modelFilesChanged  models whose file changed on disk since the start
     */
    static ReloadPlan between(LinewatchConfig running, LinewatchConfig next, long[] runningMaxAgeNanos,
                              long[] nextMaxAgeNanos, Set<String> modelFilesChanged) {
        List<String> restart = new ArrayList<>();
        section(restart, "site", running.site(), next.site());
        section(restart, "pipeline", running.pipeline(), next.pipeline());
        models(restart, running, next, modelFilesChanged);
        section(restart, "mqtt", running.mqtt(), next.mqtt());
        section(restart, "sinks", running.sinks(), next.sinks());
        section(restart, "http", running.http(), next.http());
        section(restart, "opcua", running.opcua(), next.opcua());
        List<Integer> cameras = cameras(restart, running, next, runningMaxAgeNanos, nextMaxAgeNanos);
        List<String> rules = new ArrayList<>();
        rules(rules, "alarms", running.alarms(), next.alarms(), r -> r.name());
        rules(rules, "temperature_alarms", running.temperatureAlarms(), next.temperatureAlarms(), r -> r.name());
        rules(rules, "defect_alarms", running.defectAlarms(), next.defectAlarms(), r -> r.name());
        rules(rules, "state_alarms", running.stateAlarms(), next.stateAlarms(), r -> r.name());
        return new ReloadPlan(List.copyOf(restart), restart.isEmpty() ? List.copyOf(cameras) : List.of(),
                List.copyOf(rules), !running.logging().equals(next.logging()));
    }

    /** True when the daemon must restart to take the new config. */
    boolean needsRestart() {
        return !restartReasons.isEmpty();
    }

    /** What the reload changes in place, in one line. */
    String summary(LinewatchConfig next) {
        List<String> parts = new ArrayList<>(ruleChanges);
        if (!camerasToRestart.isEmpty()) {
            parts.add("capture restarted for camera(s) " + camerasToRestart.stream()
                    .map(i -> next.cameras().get(i).id()).toList());
        }
        if (loggingChanged) {
            parts.add("log levels changed");
        }
        return parts.isEmpty() ? "nothing changed" : String.join("; ", parts);
    }

    /**
     * {@code fresh} with each rule whose settings equal those of a running rule of the same camera
     * replaced by that running rule (and its state); cameras whose capture restarts keep none.
     *
     * @param running the rules running now, by camera index (null: none)
     * @param fresh   the rules the new config builds, by camera index (null: none); changed in place
     */
    static AlarmRule[][] keepUnchanged(AlarmRule[][] running, AlarmRule[][] fresh, List<Integer> cameras,
                                       Set<Integer> restarted) {
        for (int i : cameras) {
            if (restarted.contains(i) || fresh[i] == null || running[i] == null) {
                continue;
            }
            List<AlarmRule> unused = new ArrayList<>(List.of(running[i]));
            for (int r = 0; r < fresh[i].length; r++) {
                Object settings = fresh[i][r].settings();
                for (int u = 0; u < unused.size() && settings != null; u++) {
                    if (settings.equals(unused.get(u).settings())) {
                        fresh[i][r] = unused.remove(u);
                        break;
                    }
                }
            }
        }
        return fresh;
    }

    private static void section(List<String> restart, String name, Object running, Object next) {
        if (!Objects.equals(running, next)) {
            restart.add(name + " changed");
        }
    }

    private static void models(List<String> restart, LinewatchConfig running, LinewatchConfig next,
                               Set<String> filesChanged) {
        Set<String> names = new LinkedHashSet<>(running.models().keySet());
        names.addAll(next.models().keySet());
        for (String name : names) {
            if (!next.models().containsKey(name)) {
                restart.add("model " + name + " removed");
            } else if (!running.models().containsKey(name)) {
                restart.add("model " + name + " added");
            } else if (!running.models().get(name).equals(next.models().get(name))) {
                restart.add("model " + name + " changed");
            } else if (filesChanged.contains(name)) {
                restart.add("model " + name + ": its file changed on disk");
            }
        }
    }

    /** The cameras to restart; adds why the daemon must restart instead, if it must. */
    private static List<Integer> cameras(List<String> restart, LinewatchConfig running, LinewatchConfig next,
                                         long[] runningMaxAge, long[] nextMaxAge) {
        List<String> runningIds = running.cameras().stream().map(CameraConfig::id).toList();
        List<String> nextIds = next.cameras().stream().map(CameraConfig::id).toList();
        if (!runningIds.equals(nextIds)) {
            List<String> added = nextIds.stream().filter(id -> !runningIds.contains(id)).toList();
            List<String> removed = runningIds.stream().filter(id -> !nextIds.contains(id)).toList();
            restart.add(added.isEmpty() && removed.isEmpty() ? "cameras reordered"
                    : "cameras" + (added.isEmpty() ? "" : " added " + added) + (removed.isEmpty() ? "" : " removed " + removed));
            return List.of();
        }
        List<Integer> toRestart = new ArrayList<>();
        for (int i = 0; i < nextIds.size(); i++) {
            CameraConfig a = running.cameras().get(i);
            CameraConfig b = next.cameras().get(i);
            String at = "camera " + a.id() + ": ";
            if (!Objects.equals(a.model(), b.model())) {
                restart.add(at + "model changed");
            } else if (!a.thermal().equals(b.thermal()) || !a.inspection().equals(b.inspection())) {
                restart.add(at + "thermal or inspection settings changed");
            } else if (!a.counters().equals(b.counters())) {
                restart.add(at + "counting lines changed");
            } else if (!a.classification().equals(b.classification())) {
                restart.add(at + "classification regions changed");
            } else if (!Objects.equals(a.inferFps(), b.inferFps()) || !Objects.equals(a.motionGate(), b.motionGate())) {
                restart.add(at + "inference gate changed (infer_fps or motion_gate)");
            } else if (runningMaxAge[i] != nextMaxAge[i]) {
                restart.add(at + "frame age budget changed (max_frame_age_ms or pacing)");
            } else if (!a.equals(b)) {
                toRestart.add(i);
            }
        }
        return toRestart;
    }

    /** One phrase for a rule section whose rules changed, were added or removed, by name. */
    private static <T> void rules(List<String> out, String section, List<T> running, List<T> next,
                                  Function<T, String> name) {
        Set<String> names = new LinkedHashSet<>();
        running.forEach(r -> names.add(name.apply(r)));
        next.forEach(r -> names.add(name.apply(r)));
        List<String> changed = new ArrayList<>();
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (String n : names) {
            List<T> before = running.stream().filter(r -> Objects.equals(name.apply(r), n)).toList();
            List<T> after = next.stream().filter(r -> Objects.equals(name.apply(r), n)).toList();
            if (before.isEmpty()) {
                added.add(n);
            } else if (after.isEmpty()) {
                removed.add(n);
            } else if (!before.equals(after)) {
                changed.add(n);
            }
        }
        if (changed.isEmpty() && added.isEmpty() && removed.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        if (!changed.isEmpty()) {
            parts.add("changed " + String.join(", ", changed));
        }
        if (!added.isEmpty()) {
            parts.add("added " + String.join(", ", added));
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + String.join(", ", removed));
        }
        out.add(section + " " + String.join("; ", parts));
    }
}
