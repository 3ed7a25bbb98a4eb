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

    /**
     * Two-object images built from an MNIST-format (IDX) directory: {@code multi_fashion} pairs
     * Fashion-MNIST items as in Lin et al. 2019 (construction of Sener and Koltun 2018). Tasks: the
     * class of the top-left item and of the bottom-right item. Training pairs come from the train
     * files (validation split off by fraction), test pairs from the t10k files.
     *
     * @param trainLimit use only the first N training images (0 = all)
     * @param testLimit use only the first N test images (0 = all)
     * @param cacheDir where built pairs are cached
     */
    record Images(
            String kind,
            Path dir,
            int trainLimit,
            int testLimit,
            Path cacheDir,
            double validationFraction)
            implements DataConfig {}
}
