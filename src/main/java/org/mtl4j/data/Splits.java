package org.mtl4j.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.mtl4j.Mtl4jException;

/** Seeded random train/validation/test splits of row indices. */
public final class Splits {

    private Splits() {}

    /**
     * Splits rows 0..rows−1 at random into {train, validation, test}. The rows are permuted by a
     * Fisher–Yates shuffle driven by {@code new SplittableRandom(seed)}; the validation part gets
     * {@code round(rows · validationFraction)} rows, the test part {@code round(rows ·
     * testFraction)} and the training part the rest. Each part is sorted ascending. The same
     * arguments always give the same split.
     *
     * @param validationFraction in [0, 1)
     * @param testFraction in [0, 1), with validationFraction + testFraction &lt; 1
     * @throws Mtl4jException if a fraction is out of range or no training rows would be left
     */
    public static int[][] random(
            int rows, double validationFraction, double testFraction, long seed) {
        checkFraction("validation", validationFraction);
        checkFraction("test", testFraction);
        if (!(validationFraction + testFraction < 1)) {
            throw new Mtl4jException(
                    "validation fraction "
                            + validationFraction
                            + " plus test fraction "
                            + testFraction
                            + " must be below 1 (leave some rows for training)");
        }
        if (rows < 0) {
            throw new IllegalArgumentException("rows = " + rows);
        }
        int validation = (int) Math.round(rows * validationFraction);
        int test = (int) Math.round(rows * testFraction);
        int train = rows - validation - test;
        if (train <= 0) {
            throw new Mtl4jException(
                    "splitting "
                            + rows
                            + " rows with validation fraction "
                            + validationFraction
                            + " and test fraction "
                            + testFraction
                            + " leaves no training rows"
                            + " (lower the fractions or add data)");
        }
        int[] perm = permutation(rows, seed);
        return new int[][] {
            sorted(perm, 0, train),
            sorted(perm, train, train + validation),
            sorted(perm, train + validation, rows)
        };
    }

    /** 0..n−1 shuffled by Fisher–Yates (Durstenfeld) with {@code new SplittableRandom(seed)}. */
    private static int[] permutation(int n, long seed) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        return perm;
    }

    private static void checkFraction(String which, double f) {
        if (!(f >= 0 && f < 1)) {
            throw new Mtl4jException(
                    which
                            + " fraction "
                            + f
                            + " must be at least 0 and below 1 (e.g. 0.1 for 10% of rows)");
        }
    }

    private static int[] sorted(int[] a, int from, int to) {
        int[] part = Arrays.copyOfRange(a, from, to);
        Arrays.sort(part);
        return part;
    }
}
