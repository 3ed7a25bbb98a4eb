package org.mtl4j.data;

/**
 * Which training values of a categorical column get their own id (and embedding row): those seen at
 * least {@code minCount} times, at most the {@code maxSize} most frequent (0: no cap). Every other
 * value, like a value never seen in training, gets the unknown id 0, so rare ids of a long-tailed
 * column share one row instead of each getting an embedding trained on a few rows.
 */
public record VocabularyLimits(int minCount, int maxSize) {
    /** Largest {@code max_size} accepted. */
    public static final int MAX_SIZE = 1 << 24;

    private static final VocabularyLimits NONE = new VocabularyLimits(1, 0);

    public VocabularyLimits {
        if (minCount < 1) {
            throw new IllegalArgumentException(
                    "vocabulary.min_count must be >= 1, got " + minCount);
        }
        if (maxSize < 0 || maxSize > MAX_SIZE) {
            throw new IllegalArgumentException(
                    "vocabulary.max_size must be 0 (no cap) to " + MAX_SIZE + ", got " + maxSize);
        }
    }

    /** Every value seen in training gets an id. */
    public static VocabularyLimits none() {
        return NONE;
    }

    /** Whether the limits keep every value. */
    public boolean keepsAll() {
        return minCount == 1 && maxSize == 0;
    }
}
