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
            List<String> categorical)
            implements DataConfig {
        public Csv {
            numeric = List.copyOf(numeric);
            categorical = List.copyOf(categorical);
        }
    }
}
