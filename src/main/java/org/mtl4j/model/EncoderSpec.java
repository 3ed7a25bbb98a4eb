package org.mtl4j.model;

import ai.djl.nn.Block;

/**
 * The shared encoder of a hard-parameter-sharing model: an MLP over a feature vector, or a
 * convolutional encoder over 28×28 images (LeNet-style or a small ResNet).
 *
 * <p>Input (B, in) where {@code in} is the width of the feature vector (for images: the 784 pixels,
 * row-major); output (B, {@link #outputWidth(int)}).
 */
public sealed interface EncoderSpec permits MlpSpec, LeNetSpec, ResNetSpec, AudioCnnSpec {

    /**
     * Name in configs and model files: {@code mlp}, {@code lenet}, {@code resnet} or {@code
     * audio_cnn}.
     */
    String typeName();

    /** The encoder's layers. */
    Block buildEncoder();

    /** Width of the representation for an input of width {@code in}. */
    int outputWidth(int in);

    /** Its settings as written in configs and model files (with {@code type}). */
    java.util.Map<String, Object> describe();

    /** Whether the encoder normalises with batch statistics (needs batches of 2 rows or more). */
    boolean usesBatchNorm();

    /**
     * Indices of the children of {@link #buildEncoder()} (a sequential block) after which a layer
     * ends: where cross-stitch units go (after the activation, pooling or dropout of a layer).
     */
    java.util.List<Integer> layerEnds();

    /**
     * The exact input width the encoder needs (784 for the 28×28 image encoders, which also take no
     * categorical features), or -1 when any width works.
     */
    default int requiredInputWidth() {
        return -1;
    }
}
