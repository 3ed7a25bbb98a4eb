package org.mtl4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.run.Engines;

/**
 * The gru and transformer text encoders as blocks: padding is ignored, the GRU follows Cho et al.'s
 * equations, a row without words gives zeros.
 */
class TextEncodersTest {
    private static final int DIM = 8;

    @Test
    void gruOutputsDoNotChangeWhenPaddingIsAppended() {
        for (boolean bidirectional : List.of(false, true)) {
            for (TextPooling.Pool pool :
                    List.of(TextPooling.Pool.MAX, TextPooling.Pool.MEAN, TextPooling.Pool.LAST)) {
                assertPaddingIgnored(
                        new GruTextEncoder(new TextPooling.Gru(5, bidirectional, pool)),
                        "gru bidirectional=" + bidirectional + " pool=" + pool);
            }
        }
    }

    @Test
    void transformerOutputsDoNotChangeWhenPaddingIsAppended() {
        for (TextPooling.Pool pool : List.of(TextPooling.Pool.MEAN, TextPooling.Pool.FIRST)) {
            assertPaddingIgnored(
                    new TransformerTextEncoder(
                            new TextPooling.Transformer(2, 2, 16, 0.1, pool), DIM),
                    "transformer pool=" + pool);
        }
    }

    /**
     * Rows of 5, 3, 1 and 0 words in k = 5 positions, then the same rows in k = 9 positions; the
     * padding positions hold random values (they must not matter).
     */
    private static void assertPaddingIgnored(AbstractBlock encoder, String what) {
        Engines.start(1, 11);
        int[] lengths = {5, 3, 1, 0};
        int b = lengths.length;
        try (NDManager m = NDManager.newBaseManager()) {
            encoder.initialize(m, DataType.FLOAT32, new Shape(b, 5, DIM), new Shape(b, 5));
            Random r = new Random(4);
            float[] shortX = new float[b * 5 * DIM];
            float[] longX = new float[b * 9 * DIM];
            float[] shortMask = new float[b * 5];
            float[] longMask = new float[b * 9];
            for (int i = 0; i < b; i++) {
                for (int t = 0; t < 9; t++) {
                    for (int d = 0; d < DIM; d++) {
                        float v = (float) r.nextGaussian();
                        longX[(i * 9 + t) * DIM + d] = v;
                        if (t < 5) {
                            shortX[(i * 5 + t) * DIM + d] = t < lengths[i] ? v : -v;
                        }
                    }
                    longMask[i * 9 + t] = t < lengths[i] ? 1 : 0;
                    if (t < 5) {
                        shortMask[i * 5 + t] = t < lengths[i] ? 1 : 0;
                    }
                }
            }
            float[] a = run(encoder, m, shortX, shortMask, 5);
            float[] c = run(encoder, m, longX, longMask, 9);
            assertEquals(
                    encoder.getOutputShapes(new Shape[] {new Shape(b, 5, DIM)})[0].size(),
                    a.length);
            assertArrayEquals(a, c, 1e-5f, what);
            int w = a.length / b;
            for (int j = 0; j < w; j++) {
                assertEquals(0f, a[3 * w + j], 1e-6f, what + ": a row without words gives zeros");
            }
        }
    }

    private static float[] run(AbstractBlock encoder, NDManager m, float[] x, float[] mask, int k) {
        int b = mask.length / k;
        NDList in = new NDList(m.create(x, new Shape(b, k, DIM)), m.create(mask, new Shape(b, k)));
        return encoder.forward(new ParameterStore(m, false), in, false)
                .singletonOrThrow()
                .toFloatArray();
    }

    /**
     * Cho et al. 2014, section 2.3, recomputed in plain Java from the block's weights: the last
     * state of the forward GRU after a 3-word text, and of the backward GRU after reading it from
     * the third word to the first.
     */
    @Test
    void gruFollowsTheEquationsOfChoEtAl() {
        Engines.start(1, 12);
        int h = 3;
        GruTextEncoder gru =
                new GruTextEncoder(new TextPooling.Gru(h, true, TextPooling.Pool.LAST));
        try (NDManager m = NDManager.newBaseManager()) {
            gru.initialize(m, DataType.FLOAT32, new Shape(1, 4, DIM), new Shape(1, 4));
            Random r = new Random(5);
            float[] x = new float[4 * DIM];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[] out = run(gru, m, x, new float[] {1, 1, 1, 0}, 4);
            Map<String, float[]> p = new java.util.HashMap<>();
            for (var e : gru.getParameters()) {
                p.put(e.getKey(), e.getValue().getArray().toFloatArray());
            }
            double[] fw = referenceGru(p, 0, x, new int[] {0, 1, 2}, h);
            double[] bw = referenceGru(p, 1, x, new int[] {2, 1, 0}, h);
            for (int j = 0; j < h; j++) {
                assertEquals(fw[j], out[j], 1e-5, "forward state " + j);
                assertEquals(bw[j], out[h + j], 1e-5, "backward state " + j);
            }
        }
    }

    /**
     * r, z = σ(W x + b + U h); h~ = tanh(W x + b + U (r ⊙ h)); h' = z ⊙ h + (1 − z) ⊙ h~, for
     * direction d: rows d·3h.. of the input weights (out × in), U_r and U_z of {@code gates} and U
     * of {@code candidate} (in × out).
     */
    private static double[] referenceGru(
            Map<String, float[]> p, int d, float[] x, int[] order, int h) {
        float[] w = p.get("01input_weight"); // (D·3h, DIM)
        float[] bias = p.get("01input_bias"); // (D·3h)
        float[] u = p.get("gates"); // (D, h, 2h)
        float[] uc = p.get("candidate"); // (D, h, h)
        double[] state = new double[h];
        for (int t : order) {
            double[] wx = new double[3 * h];
            for (int i = 0; i < 3 * h; i++) {
                int row = d * 3 * h + i;
                wx[i] = bias[row];
                for (int c = 0; c < DIM; c++) {
                    wx[i] += w[row * DIM + c] * x[t * DIM + c];
                }
            }
            double[] rz = new double[2 * h];
            for (int i = 0; i < 2 * h; i++) {
                double s = wx[i];
                for (int j = 0; j < h; j++) {
                    s += state[j] * u[(d * h + j) * 2 * h + i];
                }
                rz[i] = 1 / (1 + Math.exp(-s));
            }
            double[] next = new double[h];
            for (int i = 0; i < h; i++) {
                double s = wx[2 * h + i];
                for (int j = 0; j < h; j++) {
                    s += rz[j] * state[j] * uc[(d * h + j) * h + i];
                }
                double z = rz[h + i];
                next[i] = z * state[i] + (1 - z) * Math.tanh(s);
            }
            state = next;
        }
        return state;
    }

    @Test
    void settingsAreCheckedWithTheFieldAndValue() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TextPooling.gru(0, true, TextPooling.Pool.MAX));
        assertTrue(e.getMessage().contains("hidden must be 1 to 4096, got 0"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TextPooling.gru(8, true, TextPooling.Pool.FIRST));
        assertTrue(e.getMessage().contains("pool must be max, mean or last"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new TransformerTextEncoder(
                                        new TextPooling.Transformer(
                                                1, 3, 8, 0, TextPooling.Pool.MEAN),
                                        DIM));
        assertTrue(e.getMessage().contains("3 heads do not divide the width 8"), e.getMessage());
        assertEquals(10, TextPooling.gru(5, true, TextPooling.Pool.LAST).outputWidth(DIM));
        assertEquals(5, TextPooling.gru(5, false, TextPooling.Pool.LAST).outputWidth(DIM));
        assertEquals(
                DIM,
                TextPooling.transformer(2, 4, 16, 0.1, TextPooling.Pool.MEAN).outputWidth(DIM));
    }

    @Test
    void gradientsReachEveryParameterOfTheEncoders() {
        Engines.start(1, 13);
        for (AbstractBlock b :
                List.of(
                        new GruTextEncoder(new TextPooling.Gru(4, true, TextPooling.Pool.MAX)),
                        new TransformerTextEncoder(
                                new TextPooling.Transformer(2, 2, 8, 0, TextPooling.Pool.FIRST),
                                DIM))) {
            try (NDManager m = NDManager.newBaseManager()) {
                b.initialize(m, DataType.FLOAT32, new Shape(2, 3, DIM), new Shape(2, 3));
                NDArray x = m.randomNormal(new Shape(2, 3, DIM));
                NDArray mask = m.create(new float[] {1, 1, 0, 1, 1, 1}, new Shape(2, 3));
                try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                    NDArray y =
                            b.forward(new ParameterStore(m, false), new NDList(x, mask), true)
                                    .singletonOrThrow();
                    g.backward(y.square().sum());
                }
                for (var p : b.getParameters()) {
                    float norm = p.getValue().getArray().getGradient().square().sum().getFloat();
                    assertTrue(norm > 0 && Float.isFinite(norm), p.getKey() + ": " + norm);
                }
            }
        }
    }
}
