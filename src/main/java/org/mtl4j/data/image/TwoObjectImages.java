package org.mtl4j.data.image;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.data.TaskLabels;

/**
 * Two-object image datasets: MultiMNIST of Sener &amp; Koltun, "Multi-Task Learning as
 * Multi-Objective Optimization" (NeurIPS 2018), and its Multi-Fashion and Multi-(Fashion+MNIST)
 * variants from Lin et al., "Pareto Multi-Task Learning" (NeurIPS 2019).
 *
 * <p>Construction, one pair per source image i of set a, in order: a partner j is drawn uniformly
 * from set b ({@code SplittableRandom(seed).nextInt(b.count())}, one draw per i; j may equal i). On
 * a 36×36 canvas of zeros image i covers rows/cols 0–27 and image j rows/cols 6–33; where they
 * overlap the pixel is the maximum of the two. The canvas is rescaled linearly so its maximum is
 * 255 (v ↦ round(v·255/max), halves rounded up; an all-zero canvas stays zero), then resized to
 * 28×28 by nearest neighbour: destination (r, c) takes canvas (⌊r·36/28⌋, ⌊c·36/28⌋). Because the
 * resize skips some canvas pixels, the result's maximum can be below 255.
 *
 * <p>The dataset: features.numeric is count × 784 floats (row-major 28×28 pixels / 255f, in [0,
 * 1]), no categorical columns; task 0 is the class of the top-left item (image i), task 1 the class
 * of the bottom-right item (image j), each a width-1 TaskLabels holding the class index 0..9 as a
 * float, all observed.
 *
 * <p>MultiMNIST: a = b = MNIST. Multi-Fashion: a = b = Fashion-MNIST. Multi-(Fashion+MNIST): a =
 * MNIST, b = Fashion-MNIST.
 */
public final class TwoObjectImages {
    private TwoObjectImages() {}

    /** Side of the source images and of the result. */
    public static final int SIDE = 28;

    /** Side of the intermediate canvas. */
    static final int CANVAS = 36;

    /** Offset of the bottom-right item on the canvas. */
    static final int OFFSET = 6;

    /** Number of classes per task. */
    public static final int CLASSES = 10;

    /** Built pairs: pixels is count × 28 × 28 unsigned bytes; top/bottom are the class bytes. */
    record Pairs(int count, byte[] pixels, byte[] top, byte[] bottom) {
        Pairs {
            if (pixels.length != (long) count * SIDE * SIDE
                    || top.length != count
                    || bottom.length != count) {
                throw new IllegalArgumentException("pair arrays do not match count " + count);
            }
        }
    }

    /**
     * Builds one pair per image of {@code a}, partners drawn from {@code b} (pass the same set
     * twice for MultiMNIST or Multi-Fashion).
     *
     * @throws Mtl4jException if an image set is not 28×28, a label count differs from its image
     *     count, or a label is outside 0..9
     */
    public static Dataset build(
            IdxReader.Images a,
            IdxReader.Labels la,
            IdxReader.Images b,
            IdxReader.Labels lb,
            long seed) {
        return toDataset(pairs(a, la, b, lb, seed));
    }

    /**
     * Like {@link #build}, but caches the pairs in {@code cacheDir/<name>-<seed>-<count>.bin}
     * (count = {@code a.count()}; format in {@link TwoObjectCache}). When a valid cache file exists
     * it is returned as is: the source images and labels are then not read at all (only {@code
     * a.count()} is used, to name the file), so a cache built from other data with the same name,
     * seed and count is trusted — use a name that identifies the sources. A truncated or malformed
     * cache file is rebuilt from the sources and overwritten.
     *
     * @param name a file-name part of letters, digits, '.', '_' or '-', e.g. "multi-mnist-train"
     */
    public static Dataset buildCached(
            Path cacheDir,
            String name,
            IdxReader.Images a,
            IdxReader.Labels la,
            IdxReader.Images b,
            IdxReader.Labels lb,
            long seed) {
        Objects.requireNonNull(a, "a");
        Path file = TwoObjectCache.file(cacheDir, name, seed, a.count());
        Pairs cached = TwoObjectCache.read(file, seed, a.count());
        if (cached != null) {
            return toDataset(cached);
        }
        Pairs built = pairs(a, la, b, lb, seed);
        TwoObjectCache.write(file, seed, built);
        return toDataset(built);
    }

    /** Validates the sources and composes all pairs. */
    static Pairs pairs(
            IdxReader.Images a,
            IdxReader.Labels la,
            IdxReader.Images b,
            IdxReader.Labels lb,
            long seed) {
        validate(a, la, "first");
        validate(b, lb, "second (partner)");
        int n = a.count();
        byte[] pixels = new byte[n * SIDE * SIDE];
        byte[] top = new byte[n];
        byte[] bottom = new byte[n];
        SplittableRandom rng = new SplittableRandom(seed);
        int[] canvas = new int[CANVAS * CANVAS];
        for (int i = 0; i < n; i++) {
            int j = rng.nextInt(b.count());
            compose(a.pixels(), i, b.pixels(), j, canvas);
            rescaleAndResize(canvas, pixels, i * SIDE * SIDE);
            top[i] = la.values()[i];
            bottom[i] = lb.values()[j];
        }
        return new Pairs(n, pixels, top, bottom);
    }

    /** Fills {@code canvas} with image i at (0, 0) and image j at (6, 6), overlap by maximum. */
    static void compose(byte[] a, int i, byte[] b, int j, int[] canvas) {
        Arrays.fill(canvas, 0);
        int baseA = i * SIDE * SIDE;
        int baseB = j * SIDE * SIDE;
        for (int r = 0; r < SIDE; r++) {
            for (int c = 0; c < SIDE; c++) {
                canvas[r * CANVAS + c] = a[baseA + r * SIDE + c] & 0xFF;
            }
        }
        for (int r = 0; r < SIDE; r++) {
            for (int c = 0; c < SIDE; c++) {
                int k = (r + OFFSET) * CANVAS + c + OFFSET;
                canvas[k] = Math.max(canvas[k], b[baseB + r * SIDE + c] & 0xFF);
            }
        }
    }

    /** Rescales the canvas to maximum 255 and writes its 28×28 nearest-neighbour resize. */
    static void rescaleAndResize(int[] canvas, byte[] out, int offset) {
        int max = 0;
        for (int v : canvas) {
            max = Math.max(max, v);
        }
        for (int r = 0; r < SIDE; r++) {
            int sr = r * CANVAS / SIDE;
            for (int c = 0; c < SIDE; c++) {
                int v = canvas[sr * CANVAS + c * CANVAS / SIDE];
                int scaled = max == 0 ? 0 : (v * 255 + max / 2) / max;
                out[offset + r * SIDE + c] = (byte) scaled;
            }
        }
    }

    private static void validate(IdxReader.Images img, IdxReader.Labels lab, String which) {
        Objects.requireNonNull(img, which + " images");
        Objects.requireNonNull(lab, which + " labels");
        if (img.rows() != SIDE || img.cols() != SIDE) {
            throw new Mtl4jException(
                    which
                            + " image set is "
                            + img.rows()
                            + "x"
                            + img.cols()
                            + ", expected 28x28 (give MNIST or Fashion-MNIST images)");
        }
        if (lab.count() != img.count()) {
            throw new Mtl4jException(
                    which
                            + " set has "
                            + img.count()
                            + " images but "
                            + lab.count()
                            + " labels; give the labels file that belongs to the images file");
        }
        byte[] v = lab.values();
        for (int k = 0; k < v.length; k++) {
            if ((v[k] & 0xFF) >= CLASSES) {
                throw new Mtl4jException(
                        which
                                + " label set: label at index "
                                + k
                                + " is "
                                + (v[k] & 0xFF)
                                + ", expected a class 0..9 (is this a 10-class labels file?)");
            }
        }
    }

    /** The Dataset of some pairs (features pixel / 255f, two width-1 class tasks). */
    static Dataset toDataset(Pairs p) {
        float[] features = new float[p.pixels().length];
        for (int k = 0; k < features.length; k++) {
            features[k] = (p.pixels()[k] & 0xFF) / 255f;
        }
        FeatureMatrix fm = new FeatureMatrix(p.count(), SIDE * SIDE, features, 0, new int[0]);
        return new Dataset(fm, List.of(task(p.top()), task(p.bottom())));
    }

    private static TaskLabels task(byte[] classes) {
        float[] values = new float[classes.length];
        boolean[] observed = new boolean[classes.length];
        for (int k = 0; k < classes.length; k++) {
            values[k] = classes[k] & 0xFF;
            observed[k] = true;
        }
        return new TaskLabels(classes.length, 1, values, observed);
    }
}
