package org.mtl4j.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.mtl4j.Mtl4jException;

/**
 * Fitting and tokenising text columns ({@link TextSpec}) for the {@link Preprocessor}: the word
 * vocabulary, or the byte-pair pieces and merges, learned on the training tables.
 */
final class TextColumns {
    private TextColumns() {}

    /**
     * A fitted text column.
     *
     * @param vocabulary the known tokens in id order (token i has id i + 1)
     * @param merges the byte-pair merges in learned order, null for the word tokenizer
     * @param slots the most tokens of a training cell (at least 1, at most max_tokens)
     */
    record Fitted(List<String> vocabulary, List<String> merges, int slots) {}

    static Fitted fit(List<CsvTable> ts, String column, TextSpec spec) {
        if (spec.tokenizer() == TextSpec.Tokenizer.WORD) {
            List<String> vocab = wordVocabulary(ts, column, spec);
            return new Fitted(vocab, null, maxTokens(ts, column, spec::tokens));
        }
        Map<String, Integer> counts = wordCounts(ts, column, spec::words);
        BytePairEncoding bpe;
        try {
            bpe = BytePairEncoding.learn(counts, spec.maxVocabulary(), spec.minCount());
        } catch (IllegalArgumentException e) {
            throw new Mtl4jException(
                    "data.text."
                            + column
                            + ".vocabulary: "
                            + e.getMessage()
                            + "; raise it, or raise min_count so that rare characters are"
                            + " unknown",
                    e);
        }
        return new Fitted(bpe.pieces(), bpe.merges(), maxTokens(ts, column, tokenizer(spec, bpe)));
    }

    /** How the cells of a fitted text column become tokens. */
    static Function<String, List<String>> tokenizer(
            TextSpec spec, List<String> vocabulary, List<String> merges) {
        if (spec.tokenizer() == TextSpec.Tokenizer.WORD) {
            return spec::tokens;
        }
        return tokenizer(spec, BytePairEncoding.of(vocabulary, merges));
    }

    private static Function<String, List<String>> tokenizer(TextSpec spec, BytePairEncoding bpe) {
        return cell -> bpe.encode(spec.words(cell), spec.maxTokens());
    }

    /** Words seen at least minCount times, the maxVocabulary most frequent. */
    private static List<String> wordVocabulary(List<CsvTable> ts, String column, TextSpec spec) {
        Map<String, Integer> counts = wordCounts(ts, column, spec::tokens);
        List<String> vocab = new ArrayList<>();
        counts.forEach(
                (w, n) -> {
                    if (n >= spec.minCount()) {
                        vocab.add(w);
                    }
                });
        vocab.sort(
                (a, b) -> {
                    int byCount = Integer.compare(counts.get(b), counts.get(a));
                    return byCount != 0 ? byCount : a.compareTo(b);
                });
        return vocab.size() > spec.maxVocabulary()
                ? List.copyOf(vocab.subList(0, spec.maxVocabulary()))
                : vocab;
    }

    private static Map<String, Integer> wordCounts(
            List<CsvTable> ts, String column, Function<String, List<String>> words) {
        Map<String, Integer> counts = new HashMap<>();
        for (CsvTable t : ts) {
            int c = t.requireColumn(column, "text feature");
            for (int r = 0; r < t.rows(); r++) {
                for (String w : words.apply(t.cell(r, c))) {
                    counts.merge(w, 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    private static int maxTokens(
            List<CsvTable> ts, String column, Function<String, List<String>> tokens) {
        int max = 1;
        for (CsvTable t : ts) {
            int c = t.requireColumn(column, "text feature");
            for (int r = 0; r < t.rows(); r++) {
                max = Math.max(max, tokens.apply(t.cell(r, c)).size());
            }
        }
        return max;
    }
}
