package org.mtl4j.config;

import org.mtl4j.model.Architecture;
import org.mtl4j.model.EncoderSpec;
import org.mtl4j.model.MlpSpec;

/**
 * Architecture settings that do not depend on the data: the shared encoder, the head layers and the
 * width of categorical embeddings.
 */
public record ModelConfig(
        EncoderSpec encoder,
        MlpSpec head,
        int embeddingDim,
        Architecture architecture,
        org.mtl4j.model.TextPooling textPooling) {

    /** Text columns mean-pooled. */
    public ModelConfig(
            EncoderSpec encoder, MlpSpec head, int embeddingDim, Architecture architecture) {
        this(encoder, head, embeddingDim, architecture, org.mtl4j.model.TextPooling.mean());
    }

    /** Hard parameter sharing. */
    public ModelConfig(EncoderSpec encoder, MlpSpec head, int embeddingDim) {
        this(encoder, head, embeddingDim, new Architecture.HardSharing());
    }

    public ModelConfig {
        java.util.Objects.requireNonNull(architecture, "architecture");
        java.util.Objects.requireNonNull(textPooling, "textPooling");
        if (embeddingDim < 1) {
            throw new IllegalArgumentException(
                    "embedding_dim must be at least 1, got " + embeddingDim);
        }
    }

    /** Encoder 64-32 ReLU, head with one hidden layer of 16, embeddings of width 8. */
    public static ModelConfig defaults() {
        return new ModelConfig(MlpSpec.of(64, 32), MlpSpec.of(16), 8);
    }
}
