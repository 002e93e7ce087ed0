package io.linewatch.inference;

import io.linewatch.config.ModelConfig;
import io.linewatch.config.ModelFacts;
import java.nio.file.Path;

/**
 * Reads an ONNX file's {@link ModelMetadata} for the config loader: its class names, input size and
 * task. Used on the loading thread.
 */
public final class ModelFileFacts implements ModelFacts.Reader {

    @Override
    public ModelFacts read(Path model) throws EngineException {
        ModelMetadata m = ModelMetadata.read(model);
        ModelConfig.InputSize input = m.width() == null ? null : new ModelConfig.InputSize(m.width(), m.height());
        return new ModelFacts(m.names(), input, m.task());
    }
}
