package org.mtl4j.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How the word embeddings of a text column (or the values of any multi-valued column) become one
 * vector of the model's input:
 *
 * <ul>
 *   <li>{@code mean}: their mean (a bag of embeddings); {@code max}: their element-wise maximum;
 *   <li>{@code cnn}: a convolutional sentence encoder after Kim, "Convolutional Neural Networks for
 *       Sentence Classification", EMNLP 2014: for each window width w, {@code filters} convolutions
 *       over w consecutive word embeddings, ReLU, and the maximum over positions; the results of
 *       all widths are concatenated. Padding positions are zero vectors;
 *   <li>{@code gru}: a recurrent encoder of gated recurrent units, see {@link GruTextEncoder};
 *   <li>{@code transformer}: a small Transformer encoder, see {@link TransformerTextEncoder}.
 * </ul>
 *
 * @param filters convolutions per width (cnn only)
 * @param widths window widths in words (cnn only)
 * @param gru settings of the gru encoder (gru only, else null)
 * @param transformer settings of the transformer encoder (transformer only, else null)
 */
public record TextPooling(
        Kind kind, int filters, List<Integer> widths, Gru gru, Transformer transformer) {
    public enum Kind {
        MEAN,
        MAX,
        CNN,
        GRU,
        TRANSFORMER
    }

    /** How the per-word outputs of a gru or transformer encoder become one vector. */
    public enum Pool {
        /** Mean over the real (non-padding) words. */
        MEAN,
        /** Element-wise maximum over the real words. */
        MAX,
        /** The recurrent state after the last real word (and, backwards, after the first). */
        LAST,
        /** The output at the first word. */
        FIRST;

        /** The name used in configs and model.json. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param hidden width of the recurrent state, per direction
     * @param bidirectional also read the text from its last word to its first
     * @param pool {@code max}, {@code mean} or {@code last}
     */
    public record Gru(int hidden, boolean bidirectional, Pool pool) {
        public Gru {
            if (hidden < 1 || hidden > 4096) {
                throw new IllegalArgumentException("hidden must be 1 to 4096, got " + hidden);
            }
            if (!Set.of(Pool.MAX, Pool.MEAN, Pool.LAST).contains(pool)) {
                throw new IllegalArgumentException(
                        "pool must be max, mean or last for a gru, got " + pool);
            }
        }
    }

    /**
     * @param layers encoder layers
     * @param heads attention heads; must divide the embedding width
     * @param ff width of the position-wise feed-forward layer
     * @param dropout dropout rate in [0, 1) on the embeddings and on each sub-layer's output
     * @param pool {@code mean} or {@code first}
     */
    public record Transformer(int layers, int heads, int ff, double dropout, Pool pool) {
        public Transformer {
            if (layers < 1 || layers > 24) {
                throw new IllegalArgumentException("layers must be 1 to 24, got " + layers);
            }
            if (heads < 1 || heads > 64) {
                throw new IllegalArgumentException("heads must be 1 to 64, got " + heads);
            }
            if (ff < 1 || ff > 16384) {
                throw new IllegalArgumentException("ff must be 1 to 16384, got " + ff);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            if (!Set.of(Pool.MEAN, Pool.FIRST).contains(pool)) {
                throw new IllegalArgumentException(
                        "pool must be mean or first for a transformer, got " + pool);
            }
        }
    }

    public TextPooling(Kind kind, int filters, List<Integer> widths) {
        this(kind, filters, widths, null, null);
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
        if ((kind == Kind.GRU) != (gru != null)
                || (kind == Kind.TRANSFORMER) != (transformer != null)) {
            throw new IllegalArgumentException(
                    "a " + kind + " text encoder with gru " + gru + ", transformer " + transformer);
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

    public static TextPooling gru(int hidden, boolean bidirectional, Pool pool) {
        return new TextPooling(Kind.GRU, 0, List.of(), new Gru(hidden, bidirectional, pool), null);
    }

    public static TextPooling transformer(
            int layers, int heads, int ff, double dropout, Pool pool) {
        return new TextPooling(
                Kind.TRANSFORMER,
                0,
                List.of(),
                null,
                new Transformer(layers, heads, ff, dropout, pool));
    }

    /** Width of the vector this pooling gives for embeddings of width {@code dim}. */
    public int outputWidth(int dim) {
        return switch (kind) {
            case CNN -> filters * widths.size();
            case GRU -> gru.hidden() * (gru.bidirectional() ? 2 : 1);
            default -> dim;
        };
    }

    /** For model.json and configs: the keys of {@code model.text_encoder}. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", kind.name().toLowerCase(Locale.ROOT));
        switch (kind) {
            case CNN -> {
                m.put("filters", filters);
                m.put("widths", widths);
            }
            case GRU -> {
                m.put("hidden", gru.hidden());
                m.put("bidirectional", gru.bidirectional());
                m.put("pool", gru.pool().configName());
            }
            case TRANSFORMER -> {
                m.put("layers", transformer.layers());
                m.put("heads", transformer.heads());
                m.put("ff", transformer.ff());
                m.put("dropout", transformer.dropout());
                m.put("pool", transformer.pool().configName());
            }
            default -> {}
        }
        return m;
    }
}
