package org.mtl4j.data;

import java.util.List;
import java.util.Objects;

/**
 * The rows of an experiment, ready for the model.
 *
 * @param train one dataset labelling every task (single-input), or one per task in task order
 *     (multi-input; dataset t labels task t only)
 * @param validation rows for validation and best-epoch selection, or null
 * @param test held-out rows for the final metrics, or null
 * @param preprocessor the fitted feature transform, to be saved with the model; null for data that
 *     is already numeric (synthetic)
 * @param numericNames names of the numeric features, in model input order
 * @param audio for rows read from WAV files, how their features were computed (saved with the model
 *     so that predictions read WAV files the same way); null otherwise
 */
public record TrainingData(
        List<Dataset> train,
        Dataset validation,
        Dataset test,
        Preprocessor preprocessor,
        List<String> numericNames,
        List<Integer> vocabularySizes,
        org.mtl4j.data.audio.AudioSpec audio) {

    /** Rows not read from audio files. */
    public TrainingData(
            List<Dataset> train,
            Dataset validation,
            Dataset test,
            Preprocessor preprocessor,
            List<String> numericNames,
            List<Integer> vocabularySizes) {
        this(train, validation, test, preprocessor, numericNames, vocabularySizes, null);
    }

    public TrainingData {
        train = List.copyOf(train);
        numericNames = List.copyOf(numericNames);
        vocabularySizes = List.copyOf(vocabularySizes);
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training data");
        }
        Objects.requireNonNull(train.get(0));
    }

    public boolean multiInput() {
        return train.size() > 1;
    }

    public int numericWidth() {
        return train.get(0).features().numericWidth();
    }

    /** Total training rows over all sources. */
    public int trainRows() {
        return train.stream().mapToInt(Dataset::rows).sum();
    }
}
