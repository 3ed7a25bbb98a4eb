package org.mtl4j.config;

import java.nio.file.Path;
import java.util.List;
import org.mtl4j.data.SyntheticMmoe;

/** Where the rows come from. */
public sealed interface DataConfig {

    /**
     * Synthetic regression tasks with controlled correlation (Ma et al. 2018, §3.2); {@code binary}
     * tasks label rows whose generated target is above its median.
     *
     * @param validationFraction share of rows held out for validation
     * @param testFraction share held out for testing
     */
    record Synthetic(SyntheticMmoe.Spec spec, double validationFraction, double testFraction)
            implements DataConfig {}

    /**
     * CSV files. A task with its own files (multi-input) takes them from its {@code TaskConfig}.
     * Missing validation/test files are split from the training file by the given fractions.
     *
     * @param train training file (null when every task has its own files)
     */
    record Csv(
            Path train,
            Path validation,
            Path test,
            double validationFraction,
            double testFraction,
            List<String> numeric,
            List<String> categorical,
            java.util.Map<String, Integer> hashBuckets,
            java.util.Map<String, String> multiValued,
            java.util.Map<String, org.mtl4j.data.TextSpec> text,
            org.mtl4j.data.VocabularyLimits vocabulary)
            implements DataConfig {

        /** Every training value of a categorical column gets an id. */
        public Csv(
                Path train,
                Path validation,
                Path test,
                double validationFraction,
                double testFraction,
                List<String> numeric,
                List<String> categorical,
                java.util.Map<String, Integer> hashBuckets,
                java.util.Map<String, String> multiValued,
                java.util.Map<String, org.mtl4j.data.TextSpec> text) {
            this(
                    train,
                    validation,
                    test,
                    validationFraction,
                    testFraction,
                    numeric,
                    categorical,
                    hashBuckets,
                    multiValued,
                    text,
                    null);
        }

        /** No text column. */
        public Csv(
                Path train,
                Path validation,
                Path test,
                double validationFraction,
                double testFraction,
                List<String> numeric,
                List<String> categorical,
                java.util.Map<String, Integer> hashBuckets,
                java.util.Map<String, String> multiValued) {
            this(
                    train,
                    validation,
                    test,
                    validationFraction,
                    testFraction,
                    numeric,
                    categorical,
                    hashBuckets,
                    multiValued,
                    java.util.Map.of());
        }

        /** No multi-valued column. */
        public Csv(
                Path train,
                Path validation,
                Path test,
                double validationFraction,
                double testFraction,
                List<String> numeric,
                List<String> categorical,
                java.util.Map<String, Integer> hashBuckets) {
            this(
                    train,
                    validation,
                    test,
                    validationFraction,
                    testFraction,
                    numeric,
                    categorical,
                    hashBuckets,
                    java.util.Map.of(),
                    java.util.Map.of());
        }

        /** No hashed column. */
        public Csv(
                Path train,
                Path validation,
                Path test,
                double validationFraction,
                double testFraction,
                List<String> numeric,
                List<String> categorical) {
            this(
                    train,
                    validation,
                    test,
                    validationFraction,
                    testFraction,
                    numeric,
                    categorical,
                    java.util.Map.of(),
                    java.util.Map.of(),
                    java.util.Map.of());
        }

        public Csv {
            vocabulary = vocabulary == null ? org.mtl4j.data.VocabularyLimits.none() : vocabulary;
            text = new java.util.LinkedHashMap<>(text == null ? java.util.Map.of() : text);
            numeric = List.copyOf(numeric);
            categorical = List.copyOf(categorical);
            hashBuckets =
                    java.util.Map.copyOf(hashBuckets == null ? java.util.Map.of() : hashBuckets);
            multiValued =
                    java.util.Map.copyOf(multiValued == null ? java.util.Map.of() : multiValued);
            text = java.util.Collections.unmodifiableMap(text);
        }

        /** Categorical columns followed by the text columns (read as words). */
        public List<String> categoricalWithText() {
            List<String> all = new java.util.ArrayList<>(categorical);
            all.addAll(text.keySet());
            return all;
        }

        /** Multi-valued columns, text columns included (their words, space-separated). */
        public java.util.Map<String, String> multiValuedWithText() {
            java.util.Map<String, String> all = new java.util.LinkedHashMap<>(multiValued);
            text.keySet().forEach(c -> all.put(c, " "));
            return all;
        }
    }

    /**
     * Audio clips: a CSV lists one WAV file per row ({@code spec.pathColumn()}) with the task
     * labels in other columns; each clip becomes a log-mel spectrogram ({@link
     * org.mtl4j.data.audio.AudioSpec}). Missing validation/test lists are split from the training
     * list by the given fractions.
     *
     * @param cacheDir where computed features are cached (null: not cached)
     */
    record Audio(
            Path train,
            Path validation,
            Path test,
            double validationFraction,
            double testFraction,
            org.mtl4j.data.audio.AudioSpec spec,
            Path cacheDir)
            implements DataConfig {}

    /**
     * Image tasks: {@code multi_fashion} pairs Fashion-MNIST items (IDX files in {@code dir}) as in
     * Lin et al. 2019, with the construction of Sener and Koltun 2018 (tasks: class of the top-left
     * and of the bottom-right item; test pairs from the t10k files); {@code multi_mnist} pairs the
     * 10,000 MNIST digits of {@code mnistDir}; {@code multi_fashion_mnist} pairs an MNIST digit
     * (top-left) with a Fashion-MNIST item (bottom-right); {@code fashion_tasks} is plain
     * Fashion-MNIST with class, group and footwear tasks.
     *
     * @param trainLimit use only the first N training images (0 = all)
     * @param testLimit use only the first N test images (0 = all)
     * @param cacheDir where built pairs are cached
     * @param mnistDir the MNIST digits as JSON ({@code multi_mnist}, {@code multi_fashion_mnist}),
     *     or null
     * @param testFraction share of the pairs held out for testing when there are no separate test
     *     files (the MNIST kinds)
     */
    record Images(
            String kind,
            Path dir,
            int trainLimit,
            int testLimit,
            Path cacheDir,
            double validationFraction,
            Path mnistDir,
            double testFraction)
            implements DataConfig {}
}
