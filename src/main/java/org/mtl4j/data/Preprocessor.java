package org.mtl4j.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.mtl4j.Mtl4jException;

/**
 * Turns the feature columns of a {@link CsvTable} into a {@link FeatureMatrix}. Fitted on the
 * training split only, then applied unchanged to every split (so no statistics leak from validation
 * or test rows).
 *
 * <p>Numeric column j: {@code x' = (x − mean_j) / std_j}, with the mean and the population standard
 * deviation (divisor n) of the non-empty training cells; a column whose training values are all
 * equal (or all empty) gets {@code std_j = 1}. An empty (or whitespace-only) cell is imputed with
 * the training mean, i.e. it becomes exactly 0 after standardising. Cells must be plain decimal
 * numbers; NaN, Infinity and other text are rejected with a {@link Mtl4jException} naming the file,
 * line, column and value.
 *
 * <p>Categorical column j: the vocabulary is the distinct non-empty training values, sorted by
 * descending training frequency, ties broken by {@link String#compareTo}; the value at vocabulary
 * position i gets id i + 1. Id 0 is shared by empty cells and values not seen in training
 * (out-of-vocabulary, and values cut by {@link VocabularyLimits}). Values are compared exactly
 * (case and whitespace matter); a cell that is empty or whitespace-only counts as empty.
 *
 * <p>Text column ({@link TextSpec}): a multi-valued categorical column whose values are the tokens
 * of the cell, words or byte-pair pieces ({@link BytePairEncoding}), with the vocabulary (and the
 * merges) learned on the training split; its slots are the most tokens of a training cell.
 */
public final class Preprocessor {

    /**
     * Everything needed to rebuild a fitted preprocessor; a plain record of lists and arrays so
     * that it serialises as JSON (e.g. with Jackson). {@code means[j]} and {@code stds[j]} belong
     * to {@code numeric.get(j)}; {@code vocabularies.get(j)} lists the known values of {@code
     * categorical.get(j)} in id order (the value at position i has id i + 1). For a text column
     * with the bpe tokenizer the vocabulary lists the pieces and {@code merges} holds its byte-pair
     * merges in learned order ({@link BytePairEncoding}); a state saved before subwords existed has
     * none (null reads as empty).
     */
    public record State(
            List<String> numeric,
            double[] means,
            double[] stds,
            List<String> categorical,
            List<List<String>> vocabularies,
            Map<String, Integer> hashBuckets,
            Map<String, String> multiValued,
            Map<String, Integer> maxValues,
            Map<String, TextSpec> text,
            Map<String, List<String>> merges) {

        /** Most values a multi-valued cell keeps (the first ones). */
        public static final int MAX_VALUES = 64;

        /** No subword column. */
        public State(
                List<String> numeric,
                double[] means,
                double[] stds,
                List<String> categorical,
                List<List<String>> vocabularies,
                Map<String, Integer> hashBuckets,
                Map<String, String> multiValued,
                Map<String, Integer> maxValues,
                Map<String, TextSpec> text) {
            this(
                    numeric,
                    means,
                    stds,
                    categorical,
                    vocabularies,
                    hashBuckets,
                    multiValued,
                    maxValues,
                    text,
                    Map.of());
        }

        /** No multi-valued column. */
        public State(
                List<String> numeric,
                double[] means,
                double[] stds,
                List<String> categorical,
                List<List<String>> vocabularies,
                Map<String, Integer> hashBuckets) {
            this(
                    numeric,
                    means,
                    stds,
                    categorical,
                    vocabularies,
                    hashBuckets,
                    Map.of(),
                    Map.of(),
                    Map.of());
        }

        /** No text column. */
        public State(
                List<String> numeric,
                double[] means,
                double[] stds,
                List<String> categorical,
                List<List<String>> vocabularies,
                Map<String, Integer> hashBuckets,
                Map<String, String> multiValued,
                Map<String, Integer> maxValues) {
            this(
                    numeric,
                    means,
                    stds,
                    categorical,
                    vocabularies,
                    hashBuckets,
                    multiValued,
                    maxValues,
                    Map.of());
        }

        /** No hashed column. */
        public State(
                List<String> numeric,
                double[] means,
                double[] stds,
                List<String> categorical,
                List<List<String>> vocabularies) {
            this(
                    numeric,
                    means,
                    stds,
                    categorical,
                    vocabularies,
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    Map.of());
        }

        public State {
            hashBuckets =
                    java.util.Collections.unmodifiableSortedMap(
                            new java.util.TreeMap<>(hashBuckets == null ? Map.of() : hashBuckets));
            multiValued =
                    java.util.Collections.unmodifiableSortedMap(
                            new java.util.TreeMap<>(multiValued == null ? Map.of() : multiValued));
            maxValues =
                    java.util.Collections.unmodifiableSortedMap(
                            new java.util.TreeMap<>(maxValues == null ? Map.of() : maxValues));
            text =
                    java.util.Collections.unmodifiableSortedMap(
                            new java.util.TreeMap<>(text == null ? Map.of() : text));
            java.util.TreeMap<String, List<String>> m = new java.util.TreeMap<>();
            (merges == null ? Map.<String, List<String>>of() : merges)
                    .forEach((col, list) -> m.put(col, List.copyOf(list)));
            merges = java.util.Collections.unmodifiableSortedMap(m);
            for (Map.Entry<String, TextSpec> e : text.entrySet()) {
                boolean bpe = e.getValue().tokenizer() == TextSpec.Tokenizer.BPE;
                if (bpe != merges.containsKey(e.getKey())) {
                    throw new IllegalArgumentException(
                            "text column \""
                                    + e.getKey()
                                    + "\": "
                                    + (bpe
                                            ? "bpe tokenizer without merges"
                                            : "merges without bpe"));
                }
            }
            if (!text.keySet().containsAll(merges.keySet())) {
                throw new IllegalArgumentException(
                        "merges for columns that are not text columns: " + merges.keySet());
            }
            for (String col : multiValued.keySet()) {
                Integer l = maxValues.get(col);
                int cap = text.containsKey(col) ? TextSpec.MAX_TOKENS : MAX_VALUES;
                if (l == null || l < 1 || l > cap) {
                    throw new IllegalArgumentException(
                            "multi-valued column \"" + col + "\": bad value count " + l);
                }
            }
            numeric = List.copyOf(numeric);
            categorical = List.copyOf(categorical);
            means = means.clone();
            stds = stds.clone();
            vocabularies = vocabularies.stream().map(List::copyOf).toList();
            if (means.length != numeric.size() || stds.length != numeric.size()) {
                throw new IllegalArgumentException(
                        numeric.size()
                                + " numeric columns but "
                                + means.length
                                + " means, "
                                + stds.length
                                + " stds");
            }
            for (int j = 0; j < means.length; j++) {
                if (!Double.isFinite(means[j]) || !(stds[j] > 0) || !Double.isFinite(stds[j])) {
                    throw new IllegalArgumentException(
                            "column \""
                                    + numeric.get(j)
                                    + "\": bad mean "
                                    + means[j]
                                    + " or std "
                                    + stds[j]);
                }
            }
            if (vocabularies.size() != categorical.size()) {
                throw new IllegalArgumentException(
                        categorical.size()
                                + " categorical columns but "
                                + vocabularies.size()
                                + " vocabularies");
            }
            // names: non-empty, distinct, at least one; hashed columns valid
            new TabularSchema(numeric, categorical, hashBuckets, multiValued, text);
        }
    }

    private final State state;
    private final List<Map<String, Integer>> ids;
    private final Map<String, Function<String, List<String>>> tokenizers = new HashMap<>();

    private Preprocessor(State state) {
        this.state = state;
        this.ids = new ArrayList<>();
        state.text()
                .forEach(
                        (col, spec) ->
                                tokenizers.put(
                                        col,
                                        TextColumns.tokenizer(
                                                spec,
                                                state.vocabularies()
                                                        .get(state.categorical().indexOf(col)),
                                                state.merges().get(col))));
        for (int j = 0; j < state.categorical().size(); j++) {
            Map<String, Integer> m = new HashMap<>();
            List<String> vocab = state.vocabularies().get(j);
            for (int i = 0; i < vocab.size(); i++) {
                if (vocab.get(i).isBlank() || m.put(vocab.get(i), i + 1) != null) {
                    throw new IllegalArgumentException(
                            "vocabulary of \""
                                    + state.categorical().get(j)
                                    + "\": blank or repeated value \""
                                    + vocab.get(i)
                                    + "\"");
                }
            }
            ids.add(m);
        }
    }

    /** Fits means, standard deviations and vocabularies on {@code train}. */
    public static Preprocessor fit(TabularSchema schema, CsvTable train) {
        return fit(schema, List.of(train));
    }

    /**
     * Fits on the union of the rows of several training tables (e.g. one file per task), exactly as
     * if they were one table; errors name the table, line and column of the offending cell.
     */
    public static Preprocessor fit(TabularSchema schema, List<CsvTable> trains) {
        Objects.requireNonNull(schema, "schema");
        int n = schema.numeric().size();
        double[] means = new double[n];
        double[] stds = new double[n];
        for (int j = 0; j < n; j++) {
            fitNumeric(trains, schema.numeric().get(j), means, stds, j);
        }
        List<List<String>> vocabularies = new ArrayList<>();
        Map<String, Integer> maxValues = new HashMap<>();
        Map<String, List<String>> merges = new HashMap<>();
        for (String column : schema.categorical()) {
            String sep = schema.multiValued().get(column);
            TextSpec text = schema.text().get(column);
            if (text != null) {
                TextColumns.Fitted f = TextColumns.fit(trains, column, text);
                vocabularies.add(f.vocabulary());
                maxValues.put(column, f.slots());
                if (f.merges() != null) {
                    merges.put(column, f.merges());
                }
                continue;
            }
            vocabularies.add(
                    schema.hashBuckets().containsKey(column)
                            ? List.of()
                            : fitVocabulary(trains, column, sep, schema.vocabulary()));
            if (sep != null) {
                maxValues.put(column, maxValueCount(trains, column, sep));
            }
        }
        return new Preprocessor(
                new State(
                        schema.numeric(),
                        means,
                        stds,
                        schema.categorical(),
                        vocabularies,
                        schema.hashBuckets(),
                        schema.multiValued(),
                        maxValues,
                        schema.text(),
                        merges));
    }

    /** Rebuilds a fitted preprocessor from {@link #state()}. */
    public static Preprocessor fromState(State s) {
        return new Preprocessor(Objects.requireNonNull(s, "state"));
    }

    /** The fitted statistics and vocabularies. */
    public State state() {
        return state;
    }

    /**
     * Vocabulary size + 1 (for the out-of-vocabulary id 0) per categorical column, in order; for a
     * hashed column its number of buckets + 1 (id 0 is the empty cell).
     */
    public int[] vocabularySizes() {
        int[] out = new int[state.categorical().size()];
        for (int j = 0; j < out.length; j++) {
            String col = state.categorical().get(j);
            Integer buckets = state.hashBuckets().get(col);
            int v = buckets != null ? buckets + 1 : state.vocabularies().get(j).size() + 1;
            // a multi-valued column also has a padding id, the last one
            out[j] = state.multiValued().containsKey(col) ? v + 1 : v;
        }
        return out;
    }

    /**
     * Id slots per categorical column in a {@link FeatureMatrix}: 1, or for a multi-valued column
     * the most values a training cell had (padded with the padding id, vocabulary size − 1).
     */
    public int[] slots() {
        int[] out = new int[state.categorical().size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = state.maxValues().getOrDefault(state.categorical().get(j), 1);
        }
        return out;
    }

    /**
     * The id of a value of a hashed column: 1 + (FNV-1a 64-bit hash of its UTF-8 bytes, Fowler,
     * Noll and Vo) mod buckets; 0 for an empty cell. The same value gets the same id on every
     * machine and in every run, and values never seen in training still get a (shared) bucket.
     */
    public static int hashedId(String value, int buckets) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        long h = 0xcbf29ce484222325L;
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return 1 + (int) Long.remainderUnsigned(h, buckets);
    }

    /**
     * Features of every row of {@code table}: numeric rows × numeric().size() (standardised),
     * categorical rows × categorical().size() (ids in 0..V).
     */
    public FeatureMatrix transform(CsvTable table) {
        int rows = table.rows();
        int nw = state.numeric().size();
        int[] slots = slots();
        int[] sizes = vocabularySizes();
        int cw = java.util.Arrays.stream(slots).sum();
        float[] numeric = new float[rows * nw];
        int[] categorical = new int[rows * cw];
        for (int j = 0; j < nw; j++) {
            int c = table.requireColumn(state.numeric().get(j), "numeric feature");
            double mean = state.means()[j];
            double std = state.stds()[j];
            for (int r = 0; r < rows; r++) {
                double v = number(table, r, c);
                numeric[r * nw + j] = Double.isNaN(v) ? 0f : (float) ((v - mean) / std);
            }
        }
        int offset = 0;
        for (int j = 0; j < slots.length; j++) {
            String col = state.categorical().get(j);
            int c = table.requireColumn(col, "categorical feature");
            Integer buckets = state.hashBuckets().get(col);
            String sep = state.multiValued().get(col);
            Map<String, Integer> m = ids.get(j);
            for (int r = 0; r < rows; r++) {
                if (sep == null) {
                    categorical[r * cw + offset] =
                            buckets != null
                                    ? hashedId(table.cell(r, c), buckets)
                                    : m.getOrDefault(table.cell(r, c), 0);
                    continue;
                }
                Function<String, List<String>> text = tokenizers.get(col);
                List<String> tokens =
                        text != null ? text.apply(table.cell(r, c)) : tokens(table.cell(r, c), sep);
                int pad = sizes[j] - 1;
                for (int k = 0; k < slots[j]; k++) {
                    categorical[r * cw + offset + k] =
                            k < tokens.size() ? m.getOrDefault(tokens.get(k), 0) : pad;
                }
            }
            offset += slots[j];
        }
        return new FeatureMatrix(rows, nw, numeric, cw, categorical);
    }

    private static void fitNumeric(
            List<CsvTable> ts, String column, double[] means, double[] stds, int j) {
        double sum = 0;
        int count = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (CsvTable t : ts) {
            int c = t.requireColumn(column, "numeric feature");
            for (int r = 0; r < t.rows(); r++) {
                double v = number(t, r, c);
                if (!Double.isNaN(v)) {
                    sum += v;
                    count++;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        double mean = count == 0 ? 0 : sum / count;
        double squares = 0;
        for (CsvTable t : ts) {
            int c = t.columnIndex(column);
            for (int r = 0; r < t.rows(); r++) {
                double v = number(t, r, c);
                squares += Double.isNaN(v) ? 0 : (v - mean) * (v - mean);
            }
        }
        double std = count == 0 || min == max ? 1 : Math.sqrt(squares / count);
        if (!Double.isFinite(mean) || !Double.isFinite(std) || std == 0) {
            throw new Mtl4jException(
                    "numeric feature \""
                            + column
                            + "\": values are too large to standardise (rescale the"
                            + " column)");
        }
        means[j] = mean;
        stds[j] = std;
    }

    /** The non-empty values of a multi-valued cell, trimmed, in order. */
    static List<String> tokens(String cell, String separator) {
        List<String> out = new ArrayList<>();
        if (cell == null || cell.isBlank()) {
            return out;
        }
        for (String t : cell.split(java.util.regex.Pattern.quote(separator), -1)) {
            String v = t.strip();
            if (!v.isEmpty()) {
                out.add(v);
            }
        }
        return out;
    }

    private static int maxValueCount(List<CsvTable> ts, String column, String sep) {
        int max = 1;
        for (CsvTable t : ts) {
            int c = t.requireColumn(column, "categorical feature");
            for (int r = 0; r < t.rows(); r++) {
                max = Math.max(max, tokens(t.cell(r, c), sep).size());
            }
        }
        return Math.min(max, State.MAX_VALUES);
    }

    private static List<String> fitVocabulary(
            List<CsvTable> ts, String column, String sep, VocabularyLimits limits) {
        Map<String, Integer> counts = new HashMap<>();
        for (CsvTable t : ts) {
            int c = t.requireColumn(column, "categorical feature");
            for (int r = 0; r < t.rows(); r++) {
                String v = t.cell(r, c);
                if (sep != null) {
                    for (String token : tokens(v, sep)) {
                        counts.merge(token, 1, Integer::sum);
                    }
                } else if (!v.isBlank()) {
                    counts.merge(v, 1, Integer::sum);
                }
            }
        }
        List<String> vocab = new ArrayList<>(counts.keySet());
        vocab.sort(
                (a, b) -> {
                    int byCount = Integer.compare(counts.get(b), counts.get(a));
                    return byCount != 0 ? byCount : a.compareTo(b);
                });
        int keep = 0;
        while (keep < vocab.size() && counts.get(vocab.get(keep)) >= limits.minCount()) {
            keep++; // sorted by count: the rare values are at the end
        }
        if (limits.maxSize() > 0) {
            keep = Math.min(keep, limits.maxSize());
        }
        return keep == vocab.size() ? vocab : new ArrayList<>(vocab.subList(0, keep));
    }

    /** The cell as a number, NaN if empty; throws for anything that is not a number. */
    private static double number(CsvTable t, int r, int c) {
        String cell = t.cell(r, c);
        if (cell.isBlank()) {
            return Double.NaN;
        }
        double v = CsvTable.parseNumber(cell);
        if (Double.isNaN(v)) {
            throw new Mtl4jException(
                    t.where(r, c)
                            + ": \""
                            + Mtl4jException.clip(cell)
                            + "\" is not a number (numeric features must be numbers;"
                            + " leave the cell empty for a missing value)");
        }
        FeatureValues.checkRange(v, t.where(r, c), cell);
        return v;
    }
}
