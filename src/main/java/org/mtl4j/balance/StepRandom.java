package org.mtl4j.balance;

import java.util.SplittableRandom;

/**
 * The random generator of a balancer that draws random numbers: re-created at every step from (run
 * seed, method salt, step) by {@link #begin}, so that the draws of a step depend only on the run
 * seed and the step index, and a run resumed from a checkpoint draws exactly the numbers the
 * uninterrupted run would have. Nothing is carried across steps, so there is no state to save.
 *
 * <p>When {@link #begin} is never called (direct use, without a trainer), the generator of step 0
 * is created at the first draw and then keeps running across calls.
 */
final class StepRandom {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private final long salt;
    private long seed;
    private SplittableRandom random;

    /**
     * @param salt a constant of the method, so that two methods of one run draw different numbers
     */
    StepRandom(long salt) {
        this.salt = salt;
    }

    /** Keeps the run seed; the generator of step 0 is created at the first draw. */
    void init(long runSeed) {
        seed = runSeed;
        random = null;
    }

    /** The generator for step {@code globalStep}, re-created from (seed, salt, step). */
    void begin(long globalStep) {
        random = new SplittableRandom(seedFor(seed, salt, globalStep));
    }

    /** The current step's generator. */
    SplittableRandom get() {
        if (random == null) {
            begin(0);
        }
        return random;
    }

    /**
     * A well-mixed seed for one step: SplitMix64's finaliser of (finalised run seed ⊕ salt) + step
     * × golden gamma. Distinct steps give distinct seeds (the map is a bijection of the step for a
     * fixed run seed).
     */
    static long seedFor(long runSeed, long salt, long globalStep) {
        return mix64(mix64(runSeed ^ salt) + globalStep * GOLDEN);
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A random permutation of 0..n-1 (Fisher–Yates with {@code r}). */
    static int[] permutation(SplittableRandom r, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }
}
