package org.mtl4j.model;

import ai.djl.nn.Block;

/**
 * The shared encoder of a hard-parameter-sharing model: an MLP over a feature vector, or the
 * LeNet-style convolutional encoder over 28×28 images.
 *
 * <p>Input (B, in) where {@code in} is the width of the feature vector (for images: the 784 pixels,
 * row-major); output (B, {@link #outputWidth(int)}).
 */
public sealed interface EncoderSpec permits MlpSpec, LeNetSpec {

    /** Name in configs and model files: {@code mlp} or {@code lenet}. */
    String typeName();

    /** The encoder's layers. */
    Block buildEncoder();

    /** Width of the representation for an input of width {@code in}. */
    int outputWidth(int in);

    /** Its settings as written in configs and model files (with {@code type}). */
    java.util.Map<String, Object> describe();

    /** Whether the encoder normalises with batch statistics (needs batches of 2 rows or more). */
    boolean usesBatchNorm();
}
