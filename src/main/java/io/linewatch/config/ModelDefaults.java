package io.linewatch.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Fills what a model's config leaves out (classes, input size) from the model file's own facts, and
 * refuses a config that disagrees with the file, in one line showing both. A file that cannot be
 * read is reported only when the config needs something from it; otherwise the engine reports it
 * at the start, as for any model.
 */
final class ModelDefaults {

    /** Exporter tasks a linewatch task can run (an instance segmentation model's boxes serve detection too). */
    private static final Set<String> DETECTION_TASKS = Set.of("detect", "segment");
    private static final int LISTED_CLASSES = 8;

    private ModelDefaults() {
    }

    static ModelConfig complete(String at, ModelConfig model, ModelFacts.Reader reader) throws ConfigException {
        if (model.path() == null || model.path().isBlank() || model.path().contains("://")) {
            return model;
        }
        ModelFacts facts;
        try {
            facts = reader.read(Path.of(model.path()));
        } catch (Exception e) {
            if (model.classes().isEmpty() && model.task() != ModelConfig.Task.THERMAL) {
                throw new ConfigException(at + ".classes: not given, and the model file cannot be read for its"
                        + " class names: " + e.getMessage());
            }
            return model;
        }
        String file = Path.of(model.path()).getFileName().toString();
        checkTask(at, model, facts, file);
        List<String> classes = model.classes();
        if (!facts.classes().isEmpty()) {
            if (!classes.isEmpty() && !classes.equals(facts.classes())) {
                throw new ConfigException(at + ".classes: the config lists " + list(classes) + " but " + file
                        + "'s metadata names " + list(facts.classes()) + firstDifference(classes, facts.classes()));
            }
            classes = facts.classes();
        }
        ModelConfig.InputSize input = model.input();
        if (facts.input() != null) {
            if (input != null && !input.equals(facts.input())) {
                throw new ConfigException(at + ".input: the config says " + input.width() + "x" + input.height()
                        + " (width x height) but " + file + "'s metadata says imgsz " + facts.input().width() + "x"
                        + facts.input().height());
            }
            input = facts.input();
        }
        return model.withClassesAndInput(classes, input);
    }

    private static void checkTask(String at, ModelConfig model, ModelFacts facts, String file) throws ConfigException {
        if (facts.task() == null) {
            return;
        }
        String task = facts.task().trim().toLowerCase(Locale.ROOT);
        boolean fits = switch (model.task()) {
            case DETECTION -> DETECTION_TASKS.contains(task);
            case SEGMENTATION -> task.equals("segment");
            case CLASSIFICATION -> task.equals("classify");
            case THERMAL -> false;
        };
        if (!fits) {
            throw new ConfigException(at + ".task: the config says " + model.task().name().toLowerCase(Locale.ROOT)
                    + " but " + file + "'s metadata says task '" + task + "'");
        }
    }

    private static String firstDifference(List<String> config, List<String> file) {
        for (int i = 0; i < Math.min(config.size(), file.size()); i++) {
            if (!config.get(i).equals(file.get(i))) {
                return " (class " + i + " is '" + config.get(i) + "' in the config, '" + file.get(i) + "' in the file)";
            }
        }
        return "";
    }

    /** A class list, its first names only when long: {@code 80 [person, bicycle, ..., toothbrush]}. */
    private static String list(List<String> classes) {
        if (classes.size() <= LISTED_CLASSES) {
            return classes.size() + " " + classes;
        }
        return classes.size() + " [" + String.join(", ", classes.subList(0, LISTED_CLASSES - 1)) + ", ..., "
                + classes.get(classes.size() - 1) + "]";
    }
}
