package org.mtl4j.model;

import java.util.List;
import java.util.Objects;

/**
 * Everything needed to rebuild a {@link MultiTaskModel} before loading its parameters: the input
 * layout, the shared encoder and the head shape. Task output widths come from the task list.
 *
 * @param numericWidth number of numeric input features
 * @param vocabularySizes per categorical feature, ids including the unknown slot 0
 * @param embeddingDim width of each categorical embedding
 * @param encoder the shared encoder, or each expert of a mixture
 * @param head hidden layers of each task's tower, before its final linear layer
 * @param architecture how shared and task-specific parts are laid out (hard sharing by default)
 * @param slots ids per row of each categorical column: 1, or for a multi-valued column the most
 *     values it holds (padded with its last id; the embeddings of its values are averaged)
 */
public record ModelSpec(
        int numericWidth,
        List<Integer> vocabularySizes,
        int embeddingDim,
        EncoderSpec encoder,
        MlpSpec head,
        Architecture architecture,
        List<Integer> slots,
        List<TextPooling> pooling) {

    /** Every multi-valued column mean-pooled. */
    public ModelSpec(
            int numericWidth,
            List<Integer> vocabularySizes,
            int embeddingDim,
            EncoderSpec encoder,
            MlpSpec head,
            Architecture architecture,
            List<Integer> slots) {
        this(numericWidth, vocabularySizes, embeddingDim, encoder, head, architecture, slots, null);
    }

    /** Every categorical column single-valued. */
    public ModelSpec(
            int numericWidth,
            List<Integer> vocabularySizes,
            int embeddingDim,
            EncoderSpec encoder,
            MlpSpec head,
            Architecture architecture) {
        this(
                numericWidth,
                vocabularySizes,
                embeddingDim,
                encoder,
                head,
                architecture,
                java.util.Collections.nCopies(vocabularySizes.size(), 1));
    }

    /** Hard parameter sharing. */
    public ModelSpec(
            int numericWidth,
            List<Integer> vocabularySizes,
            int embeddingDim,
            EncoderSpec encoder,
            MlpSpec head) {
        this(
                numericWidth,
                vocabularySizes,
                embeddingDim,
                encoder,
                head,
                new Architecture.HardSharing());
    }

    /** Number of categorical ids per row (a multi-valued column has several slots). */
    public int categoricalWidth() {
        return slots.stream().mapToInt(Integer::intValue).sum();
    }

    /** Width of the input layer's output: the numeric features and one embedding per category. */
    public int inputWidth() {
        int w = numericWidth;
        for (TextPooling p : pooling) {
            w += p.outputWidth(embeddingDim);
        }
        return w;
    }

    public ModelSpec {
        vocabularySizes = List.copyOf(Objects.requireNonNull(vocabularySizes, "vocabularySizes"));
        slots = List.copyOf(Objects.requireNonNull(slots, "slots"));
        pooling =
                pooling == null
                        ? java.util.Collections.nCopies(vocabularySizes.size(), TextPooling.mean())
                        : List.copyOf(pooling);
        if (pooling.size() != vocabularySizes.size()) {
            throw new IllegalArgumentException(
                    "pooling for " + pooling.size() + " of " + vocabularySizes.size() + " columns");
        }
        for (int i = 0; i < pooling.size(); i++) {
            TextPooling p = pooling.get(i);
            if (p.kind() == TextPooling.Kind.TRANSFORMER
                    && embeddingDim % p.transformer().heads() != 0) {
                throw new IllegalArgumentException(
                        "the "
                                + p.transformer().heads()
                                + " heads of the transformer text encoder do not divide"
                                + " embedding_dim "
                                + embeddingDim);
            }
            if (p.kind() == TextPooling.Kind.CNN
                    && slots.get(i) < java.util.Collections.max(p.widths())) {
                throw new IllegalArgumentException(
                        "column "
                                + (i + 1)
                                + " holds at most "
                                + slots.get(i)
                                + " words, fewer than the widest window "
                                + java.util.Collections.max(p.widths()));
            }
        }
        if (slots.size() != vocabularySizes.size() || slots.stream().anyMatch(k -> k < 1)) {
            throw new IllegalArgumentException(
                    "slots " + slots + " do not match " + vocabularySizes.size() + " columns");
        }
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(architecture, "architecture");
        if (numericWidth < 0 || embeddingDim < 1) {
            throw new IllegalArgumentException(
                    "numericWidth " + numericWidth + " / embeddingDim " + embeddingDim);
        }
        if (encoder.requiredInputWidth() >= 0
                && (numericWidth != encoder.requiredInputWidth() || !vocabularySizes.isEmpty())) {
            throw new IllegalArgumentException(
                    "the "
                            + encoder.typeName()
                            + " encoder takes 28x28 images (784 numeric inputs, no categorical"
                            + " features); the data has "
                            + numericWidth
                            + " numeric and "
                            + vocabularySizes.size()
                            + " categorical features");
        }
        if (encoder instanceof AudioCnnSpec a) {
            a.checkInput(numericWidth, vocabularySizes.size());
        }
        if (numericWidth == 0 && vocabularySizes.isEmpty()) {
            throw new IllegalArgumentException("the model has no input feature");
        }
    }
}
