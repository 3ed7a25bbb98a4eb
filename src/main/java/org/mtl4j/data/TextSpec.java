package org.mtl4j.data;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a text column becomes token ids: Unicode NFKC normalisation, optional lower-casing, words =
 * maximal runs of letters and digits. With the {@link Tokenizer#WORD word} tokenizer the first
 * {@code maxTokens} words of each cell are kept and the vocabulary is learned from the training
 * split (words seen at least {@code minCount} times, the {@code maxVocabulary} most frequent);
 * other words get the out-of-vocabulary id. With the {@link Tokenizer#BPE bpe} tokenizer the words
 * are cut into subword pieces by byte-pair encoding ({@link BytePairEncoding}, Sennrich, Haddow and
 * Birch, ACL 2016), learned from the training split until the vocabulary holds {@code
 * maxVocabulary} pieces; characters seen fewer than {@code minCount} times are unknown, and the
 * first {@code maxTokens} pieces of each cell are kept. The vocabulary (and the merges) are saved
 * with the model. The model embeds the tokens and pools them (by default their mean).
 *
 * @param maxTokens tokens (words or pieces) kept per cell (1 to 1024)
 * @param minCount fewest training occurrences for a word (word) or a character (bpe) to be known (≥
 *     1)
 * @param maxVocabulary most words in the vocabulary (word, ≥ 1), or the number of pieces to learn
 *     (bpe, ≥ {@value #MIN_BPE_VOCABULARY}; called {@code vocabulary} in configs)
 * @param lowercase lower-case before splitting
 * @param tokenizer words or subword pieces; null (a model saved before subwords existed) is {@link
 *     Tokenizer#WORD}
 */
public record TextSpec(
        int maxTokens, int minCount, int maxVocabulary, boolean lowercase, Tokenizer tokenizer) {
    public static final int MAX_TOKENS = 1024;

    /** Fewest pieces a byte-pair vocabulary may ask for. */
    public static final int MIN_BPE_VOCABULARY = 50;

    /** Pieces learned when a bpe column does not say. */
    public static final int DEFAULT_BPE_VOCABULARY = 4000;

    /** How the words of a cell become tokens. */
    public enum Tokenizer {
        /** Whole words, one id each. */
        WORD,
        /** Subword pieces learned by byte-pair encoding. */
        BPE;

        /** The name in configs: {@code word} or {@code bpe}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The tokenizer called {@code name} in configs, or null. */
        public static Tokenizer parse(String name) {
            for (Tokenizer t : values()) {
                if (t.configName().equals(name)) {
                    return t;
                }
            }
            return null;
        }

        /** The config names, for messages: {@code word, bpe}. */
        public static String names() {
            return String.join(
                    ", ", java.util.Arrays.stream(values()).map(Tokenizer::configName).toList());
        }
    }

    public TextSpec {
        tokenizer = tokenizer == null ? Tokenizer.WORD : tokenizer;
        if (maxTokens < 1 || maxTokens > MAX_TOKENS) {
            throw new IllegalArgumentException(
                    "max_tokens must be 1 to " + MAX_TOKENS + ", got " + maxTokens);
        }
        if (minCount < 1) {
            throw new IllegalArgumentException("min_count must be at least 1, got " + minCount);
        }
        if (tokenizer == Tokenizer.WORD && maxVocabulary < 1) {
            throw new IllegalArgumentException(
                    "max_vocabulary must be at least 1, got " + maxVocabulary);
        }
        if (tokenizer == Tokenizer.BPE && maxVocabulary < MIN_BPE_VOCABULARY) {
            throw new IllegalArgumentException(
                    "vocabulary must be at least "
                            + MIN_BPE_VOCABULARY
                            + " pieces for tokenizer bpe, got "
                            + maxVocabulary);
        }
    }

    /** Word tokenizer. */
    public TextSpec(int maxTokens, int minCount, int maxVocabulary, boolean lowercase) {
        this(maxTokens, minCount, maxVocabulary, lowercase, Tokenizer.WORD);
    }

    /** 200 words, words seen twice, 20,000 words, lower-cased. */
    public static TextSpec defaults() {
        return new TextSpec(200, 2, 20_000, true);
    }

    /**
     * Byte-pair encoding with {@code vocabulary} pieces, characters seen at least {@code minCount}
     * times.
     */
    public static TextSpec bpe(int maxTokens, int minCount, int vocabulary, boolean lowercase) {
        return new TextSpec(maxTokens, minCount, vocabulary, lowercase, Tokenizer.BPE);
    }

    /** The words of a cell, at most {@code maxTokens}. */
    public List<String> tokens(String cell) {
        return words(cell, maxTokens);
    }

    /** All the words of a cell (normalised, lower-cased if asked), in order. */
    public List<String> words(String cell) {
        return words(cell, Integer.MAX_VALUE);
    }

    private List<String> words(String cell, int limit) {
        List<String> out = new ArrayList<>();
        if (cell == null || cell.isEmpty()) {
            return out;
        }
        String s = Normalizer.normalize(cell, Normalizer.Form.NFKC);
        if (lowercase) {
            s = s.toLowerCase(Locale.ROOT);
        }
        int start = -1;
        for (int i = 0; i <= s.length() && out.size() < limit; ) {
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
