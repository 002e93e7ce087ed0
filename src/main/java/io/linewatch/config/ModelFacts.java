package io.linewatch.config;

import java.nio.file.Path;
import java.util.List;

/**
 * What a model file says about itself (its metadata), for the config to fill in what it leaves out
 * and to refuse what disagrees. Null or empty fields: the file does not say.
 *
 * @param classes class names in class-id order
 * @param input   input size, or null
 * @param task    the exporter's task word ({@code detect}, {@code segment}, {@code classify}, ...), or null
 */
public record ModelFacts(List<String> classes, ModelConfig.InputSize input, String task) {

    /** A file that says nothing. */
    public static final ModelFacts NONE = new ModelFacts(List.of(), null, null);

    public ModelFacts {
        classes = classes == null ? List.of() : List.copyOf(classes);
    }

    /**
     * Reads a model file's facts. Called by {@link ConfigLoader} on the loading thread, once per
     * model and load, with the model's resolved path.
     */
    @FunctionalInterface
    public interface Reader {

        /** A reader that reads nothing: the config must say everything. */
        Reader NONE = file -> ModelFacts.NONE;

        /**
         * @throws Exception when the file cannot be read; its message is one line naming the file
         *                   and what is wrong
         */
        ModelFacts read(Path model) throws Exception;
    }
}
