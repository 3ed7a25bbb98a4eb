package org.mtl4j.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the word embeddings of a text column (or the values of any multi-valued column) become one
 * vector of the model's input: their mean (a bag of embeddings), their element-wise maximum, or a
 * convolutional sentence encoder after Kim, "Convolutional Neural Networks for Sentence
 * Classification", EMNLP 2014: for each window width w, {@code filters} convolutions over w
 * consecutive word embeddings, ReLU, and the maximum over positions; the results of all widths are
 * concatenated. Padding positions are zero vectors.
 *
 * @param filters convolutions per width (cnn only)
 * @param widths window widths in words (cnn only)
 */
public record TextPooling(Kind kind, int filters, List<Integer> widths) {
    public enum Kind {
        MEAN,
        MAX,
        CNN
    }

    public TextPooling {
        widths = List.copyOf(widths);
        if (kind == Kind.CNN) {
            if (filters < 1 || filters > 4096) {
                throw new IllegalArgumentException("filters must be 1 to 4096, got " + filters);
            }
            if (widths.isEmpty() || widths.stream().anyMatch(w -> w < 1 || w > 32)) {
                throw new IllegalArgumentException(
                        "widths must be 1 to 32 words each, at least one, got " + widths);
            }
        }
    }

    public static TextPooling mean() {
        return new TextPooling(Kind.MEAN, 0, List.of());
    }

    public static TextPooling max() {
        return new TextPooling(Kind.MAX, 0, List.of());
    }

    /** Kim's defaults: 100 filters of widths 3, 4 and 5. */
    public static TextPooling cnn(int filters, List<Integer> widths) {
        return new TextPooling(Kind.CNN, filters, widths);
    }

    /** Width of the vector this pooling gives for embeddings of width {@code dim}. */
    public int outputWidth(int dim) {
        return kind == Kind.CNN ? filters * widths.size() : dim;
    }

    /** For model.json. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", kind.name().toLowerCase(java.util.Locale.ROOT));
        if (kind == Kind.CNN) {
            m.put("filters", filters);
            m.put("widths", widths);
        }
        return m;
    }
}
