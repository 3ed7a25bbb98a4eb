package org.mtl4j.data;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a text column becomes word ids: Unicode NFKC normalisation, optional lower-casing, words =
 * maximal runs of letters and digits, the first {@code maxTokens} words of each cell kept. The
 * vocabulary is learned from the training split (words seen at least {@code minCount} times, the
 * {@code maxVocabulary} most frequent) and saved with the model; other words get the
 * out-of-vocabulary id. The model embeds the words and averages them (a bag of embeddings).
 *
 * @param maxTokens words kept per cell (1 to 1024)
 * @param minCount fewest training occurrences for a word to enter the vocabulary (≥ 1)
 * @param maxVocabulary most words in the vocabulary (≥ 1)
 * @param lowercase lower-case before splitting
 */
public record TextSpec(int maxTokens, int minCount, int maxVocabulary, boolean lowercase) {
    public static final int MAX_TOKENS = 1024;

    public TextSpec {
        if (maxTokens < 1 || maxTokens > MAX_TOKENS) {
            throw new IllegalArgumentException(
                    "max_tokens must be 1 to " + MAX_TOKENS + ", got " + maxTokens);
        }
        if (minCount < 1) {
            throw new IllegalArgumentException("min_count must be at least 1, got " + minCount);
        }
        if (maxVocabulary < 1) {
            throw new IllegalArgumentException(
                    "max_vocabulary must be at least 1, got " + maxVocabulary);
        }
    }

    /** 200 words, words seen twice, 20,000 words, lower-cased. */
    public static TextSpec defaults() {
        return new TextSpec(200, 2, 20_000, true);
    }

    /** The words of a cell, at most {@code maxTokens}. */
    public List<String> tokens(String cell) {
        List<String> out = new ArrayList<>();
        if (cell == null || cell.isEmpty()) {
            return out;
        }
        String s = Normalizer.normalize(cell, Normalizer.Form.NFKC);
        if (lowercase) {
            s = s.toLowerCase(Locale.ROOT);
        }
        int start = -1;
        for (int i = 0; i <= s.length() && out.size() < maxTokens; ) {
            int cp = i < s.length() ? s.codePointAt(i) : ' ';
            boolean word = i < s.length() && Character.isLetterOrDigit(cp);
            if (word && start < 0) {
                start = i;
            } else if (!word && start >= 0) {
                out.add(s.substring(start, i));
                start = -1;
            }
            i += i < s.length() ? Character.charCount(cp) : 1;
        }
        return out;
    }
}
