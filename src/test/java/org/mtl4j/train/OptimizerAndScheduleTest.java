package org.mtl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.mtl4j.run.Engines;

class OptimizerAndScheduleTest {

    /** Adam (Kingma & Ba 2015, Algorithm 1) by hand in double precision. */
    private static double[] adam(
            double[] w,
            double[][] grads,
            double lr,
            double b1,
            double b2,
            double eps,
            double wd,
            boolean decoupled) {
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        double[] x = w.clone();
        for (int t = 1; t <= grads.length; t++) {
            for (int i = 0; i < x.length; i++) {
                double g = grads[t - 1][i] + (decoupled ? 0 : wd * x[i]);
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double step = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
                x[i] -= step * m[i] / (Math.sqrt(v[i]) + eps);
                if (decoupled) {
                    x[i] -= lr * wd * x[i];
                }
            }
        }
        return x;
    }

    private static float[] run(OptimizerSpec spec, float[] w0, double[][] grads) {
        Engines.start(1, 1);
        try (NDManager m = NDManager.newBaseManager();
                ParamOptimizer opt = new ParamOptimizer(spec, m)) {
            NDArray w = m.create(w0);
            w.setRequiresGradient(true);
            for (double[] g : grads) {
                float[] gf = new float[g.length];
                for (int i = 0; i < g.length; i++) {
                    gf[i] = (float) g[i];
                }
                opt.update("w", w, m.create(gf), spec.learningRate());
            }
            return w.toFloatArray();
        }
    }

    private static final double[][] GRADS = {
        {0.5, -2.0, 0.01}, {0.4, -1.0, -0.03}, {-0.2, 0.5, 0.02}
    };

    @Test
    void adamMatchesTheAlgorithm() {
        float[] w0 = {1f, -1f, 0.5f};
        OptimizerSpec spec = OptimizerSpec.adam(0.1);
        double[] expected = adam(new double[] {1, -1, 0.5}, GRADS, 0.1, 0.9, 0.999, 1e-8, 0, false);
        assertArrayEquals(toFloat(expected), run(spec, w0, GRADS), 1e-5f);
    }

    @Test
    void sgdWithMomentumMatchesHeavyBall() {
        OptimizerSpec spec =
                new OptimizerSpec(OptimizerSpec.Kind.SGD, 0.1, 0, 0.9, 0.999, 1e-8, 0.9);
        double[] x = {1, -1, 0.5};
        double[] buf = new double[3];
        for (double[] g : GRADS) {
            for (int i = 0; i < 3; i++) {
                buf[i] = 0.9 * buf[i] + g[i];
                x[i] -= 0.1 * buf[i];
            }
        }
        assertArrayEquals(toFloat(x), run(spec, new float[] {1f, -1f, 0.5f}, GRADS), 1e-5f);
    }

    @Test
    void schedules() {
        ScheduleSpec warm = new ScheduleSpec(ScheduleSpec.Kind.CONSTANT, 4, 1, 1, 0);
        assertEquals(0.25, warm.factor(0, 100), 1e-12);
        assertEquals(1.0, warm.factor(3, 100), 1e-12);
        assertEquals(1.0, warm.factor(50, 100), 1e-12);
        ScheduleSpec step = new ScheduleSpec(ScheduleSpec.Kind.STEP, 0, 10, 0.5, 0);
        assertEquals(1.0, step.factor(9, 100), 1e-12);
        assertEquals(0.25, step.factor(25, 100), 1e-12);
        ScheduleSpec cos = new ScheduleSpec(ScheduleSpec.Kind.COSINE, 0, 1, 1, 0.1);
        assertEquals(1.0, cos.factor(0, 101), 1e-12);
        assertEquals(0.55, cos.factor(50, 101), 1e-12);
        assertEquals(0.1, cos.factor(100, 101), 1e-12);
        assertThrows(
                IllegalArgumentException.class,
                () -> new ScheduleSpec(ScheduleSpec.Kind.STEP, 0, 0, 0.5, 0));
    }

    @Test
    void samplerAllocations() {
        int[] sizes = {1000, 100};
        assertArrayEquals(new int[] {32, 32}, SamplerSpec.roundRobin().allocate(64, sizes));
        int[] prop = new SamplerSpec(SamplerSpec.Kind.PROPORTIONAL, 1).allocate(64, sizes);
        assertEquals(64, prop[0] + prop[1]);
        // one row each, then 62 by share: 56.36 and 5.64 -> 56 + 5, the spare row to the larger
        // remainder (0.64): 57 and 7
        assertEquals(57, prop[0]);
        int[] temp = new SamplerSpec(SamplerSpec.Kind.TEMPERATURE, 2).allocate(64, sizes);
        assertEquals(64, temp[0] + temp[1]);
        // shares by sqrt(size), 31.6 : 10 -> 47.1 and 14.9 -> 1 + 47 and 1 + 14 + the spare row
        assertEquals(48, temp[0]);
        assertThrows(
                IllegalArgumentException.class, () -> SamplerSpec.roundRobin().allocate(1, sizes));
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
