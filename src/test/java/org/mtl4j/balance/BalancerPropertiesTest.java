package org.mtl4j.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mtl4j.Mtl4jException;
import org.mtl4j.balance.solver.MinNormSolver;
import org.mtl4j.config.Options;
import org.mtl4j.run.Engines;
import org.mtl4j.train.Autograd;

/** Each method's defining property, on hand-made losses and gradients. */
class BalancerPropertiesTest {
    private NDManager m;

    @BeforeEach
    void start() {
        Engines.start(1, 3);
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void stop() {
        m.close();
    }

    /** d(combined loss)/d(L_t) for scalar leaf losses, which must equal the reported weights. */
    private double[] lossGradients(LossWeighting lw, double[] values) {
        NDArray[] losses = new NDArray[values.length];
        boolean[] present = new boolean[values.length];
        for (int t = 0; t < values.length; t++) {
            losses[t] = m.create((float) values[t]);
            losses[t].setRequiresGradient(true);
            present[t] = true;
        }
        Autograd.setRecording(true);
        LossWeighting.Combined c;
        try {
            c = lw.combine(losses, values, present);
            Autograd.backward(c.loss(), false);
        } finally {
            Autograd.setRecording(false);
        }
        double[] g = new double[values.length];
        for (int t = 0; t < values.length; t++) {
            g[t] = losses[t].getGradient().getFloat();
        }
        assertArrayEquals(g, c.weights(), 1e-5 * max(g), "reported weights = loss gradients");
        return g;
    }

    private static double max(double[] v) {
        double x = 1e-12;
        for (double d : v) {
            x = Math.max(x, Math.abs(d));
        }
        return x;
    }

    @Test
    void glsIsTheGeometricMeanAndScaleInvariant() {
        GeometricLossStrategy gls = new GeometricLossStrategy();
        gls.init(2, 1);
        double[] g = lossGradients(gls, new double[] {2, 8});
        // L = sqrt(2*8) = 4; dL/dL_t = L / (2 L_t)
        assertArrayEquals(new double[] {1.0, 0.25}, g, 1e-6);
        // scale invariance: every task's weight times its loss is the same, L / T, whatever the
        // scale of one loss
        double[] scaled = lossGradients(gls, new double[] {2000, 8});
        assertEquals(scaled[1] * 8, scaled[0] * 2000, 1e-3);
        assertEquals(Math.sqrt(2000 * 8) / 2, scaled[0] * 2000, 1e-3);
    }

    @Test
    void imtlLScalesLossesWithLearnedExponentials() {
        ImpartialLossWeighting imtl = new ImpartialLossWeighting();
        imtl.init(2, 1);
        List<NDArray> s = imtl.createLearnables(m);
        double[] g = lossGradients(imtl, new double[] {3, 0.5});
        assertArrayEquals(new double[] {1, 1}, g, 1e-6, "e^0 = 1 at the start");
        // the gradient of e^s L - s with respect to s is e^s L - 1: positive when L > 1
        float[] gs = s.get(0).getGradient().toFloatArray();
        assertArrayEquals(new float[] {2f, -0.5f}, gs, 1e-5f);
    }

    @Test
    void stchLogLossesDuringWarmupThenFavoursTheWorstTask() {
        SmoothTchebycheff stch = new SmoothTchebycheff(0.1, 1);
        stch.init(2, 1);
        // warm-up: sum of log-losses, weights 1/L_t
        assertArrayEquals(new double[] {1, 0.2}, lossGradients(stch, new double[] {1, 5}), 1e-6);
        stch.onEpochEnd(0, new double[] {1.0, 10.0}); // references r = (1, 10)
        // relative losses 2/1 and 5/10: task 0 is worse off and gets nearly all the weight
        double[] g = lossGradients(stch, new double[] {2, 5});
        double share0 = g[0] * 2 / (g[0] * 2 + g[1] * 5);
        assertTrue(share0 > 0.999, "share of the worst task " + share0);
        // a large mu tends to equal shares of the log-losses: weight_t * L_t -> 1
        SmoothTchebycheff flat = new SmoothTchebycheff(1e4, 0);
        flat.init(2, 1);
        double[] f = lossGradients(flat, new double[] {2, 5});
        assertEquals(1.0, f[0] * 2, 1e-3);
        assertEquals(1.0, f[1] * 5, 1e-3);
    }

    /**
     * STCH's references r_t are the mean loss over all warm-up epochs (the paper) by default, or
     * the last warm-up epoch's (the authors' code) on request: at losses equal to the references
     * every task has f_t = 0, equal shares, and weight T·½/L_t.
     */
    @Test
    void stchReferencesAreTheWarmupMeanByDefault() {
        double[][] epochs = {{1, 10}, {3, 20}, {2, 30}};
        for (String reference : List.of("default", "last_warmup_epoch")) {
            Map<String, Object> o =
                    reference.equals("default")
                            ? Map.of("mu", 0.5, "warmup_epochs", 3L)
                            : Map.of("mu", 0.5, "warmup_epochs", 3L, "reference", reference);
            LossWeighting stch =
                    (LossWeighting) BalancerRegistry.create("stch", Options.of("t", o));
            stch.init(2, 1);
            for (int e = 0; e < epochs.length; e++) {
                stch.onEpochEnd(e, epochs[e]);
            }
            stch.onEpochEnd(3, new double[] {100, 100}); // after the warm-up: ignored
            double[] r = reference.equals("default") ? new double[] {2, 20} : new double[] {2, 30};
            double[] w = lossGradients(stch, r);
            assertArrayEquals(new double[] {1 / r[0], 1 / r[1]}, w, 1e-6, reference);
        }
    }

    @Test
    void famoWeightsSumToOneAndShiftTowardsSlowerTasks() {
        Famo famo = new Famo(0.025, 0.0);
        famo.init(2, 1);
        double[] w = lossGradients(famo, new double[] {1, 4});
        assertEquals(1.0, w[0] + w[1], 1e-6);
        assertEquals(4.0, w[0] / w[1], 1e-5, "equal logits: w proportional to 1/L");
        // task 0's loss halves, task 1's barely moves: task 1 must gain weight
        for (int i = 0; i < 20; i++) {
            famo.afterUpdate(new double[] {1, 4}, new double[] {0.5, 3.96});
        }
        double[] xi = famo.logits();
        assertTrue(xi[1] > xi[0], "logits " + xi[0] + ", " + xi[1]);
        double[] w2 = famo.weights(new double[] {1, 4}, new boolean[] {true, true});
        assertTrue(w2[1] > w[1], w[1] + " -> " + w2[1]);
    }

    private GradientAggregator.Gradients grads(double[][] rows, double[] losses) {
        int n = rows.length;
        int d = rows[0].length;
        float[] flat = new float[n * d];
        double[][] gram = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                flat[i * d + k] = (float) rows[i][k];
            }
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < d; k++) {
                    gram[i][j] += rows[i][k] * rows[j][k];
                }
            }
        }
        int[] tasks = new int[n];
        for (int i = 0; i < n; i++) {
            tasks[i] = i;
        }
        return new GradientAggregator.Gradients(
                m.create(flat, new Shape(n, d)), gram, losses, tasks, new long[] {d}, null);
    }

    @Test
    void gradNormWithAlphaZeroEqualisesWeightedGradientNorms() {
        GradNorm gn = new GradNorm(GradientMode.PARAMETERS, 0.0, 0.01);
        gn.init(2, 1);
        double[][] gram = {{1, 0.5}, {0.5, 16}}; // norms 1 and 4
        for (int i = 0; i < 3000; i++) {
            gn.coefficients(gram, new double[] {1, 1});
        }
        double[] w = gn.weights();
        assertEquals(2.0, w[0] + w[1], 1e-9, "weights sum to T");
        assertEquals(
                1.0, w[0] * 1 / (w[1] * 4), 0.05, "w_0 |g_0| = w_1 |g_1|: " + w[0] + ", " + w[1]);
        // and when the norms differ by a factor 100 (plain gradient steps on w oscillate there)
        GradNorm far = new GradNorm(GradientMode.PARAMETERS, 0.0, 0.01);
        far.init(2, 1);
        for (int i = 0; i < 3000; i++) {
            far.coefficients(new double[][] {{1, 0}, {0, 10000}}, new double[] {1, 1});
        }
        double[] wf = far.weights();
        assertEquals(1.0, wf[0] / (wf[1] * 100), 0.05, "weights " + wf[0] + ", " + wf[1]);
    }

    @Test
    void gradNormWithAlphaFavoursTheSlowerTask() {
        GradNorm gn = new GradNorm(GradientMode.PARAMETERS, 1.5, 0.01);
        gn.init(2, 1);
        double[][] gram = {{1, 0}, {0, 1}};
        gn.coefficients(gram, new double[] {1, 1}); // initial losses
        for (int i = 0; i < 500; i++) {
            gn.coefficients(gram, new double[] {0.2, 0.9}); // task 0 trains faster
        }
        double[] w = gn.weights();
        assertTrue(w[1] > w[0] * 1.5, "the slower task gets more weight: " + w[0] + ", " + w[1]);
    }

    @Test
    void gradDropKeepsOneSignPerElementWithProbabilityItsPurity() {
        GradDrop gd = new GradDrop(GradientMode.PARAMETERS, 0.0);
        gd.init(2, 1);
        int d = 20000;
        double[][] rows = new double[2][d];
        for (int k = 0; k < d; k++) {
            rows[0][k] = 3;
            rows[1][k] = -1;
        }
        double[] out = vec(gd.combine(grads(rows, new double[] {1, 1})).direction());
        int positive = 0;
        for (double v : out) {
            assertTrue(v == 3 || v == -1, "one task's gradient is kept, the other dropped: " + v);
            positive += v > 0 ? 1 : 0;
        }
        // purity P = (1 + 2/4) / 2 = 0.75
        assertEquals(0.75, positive / (double) d, 0.015);
        // agreeing signs are never dropped, and leak 1 is the plain sum
        double[][] agree = {{1, -2, 3}, {2, -1, 1}};
        assertArrayEquals(
                new double[] {3, -3, 4},
                vec(gd.combine(grads(agree, new double[] {1, 1})).direction()),
                1e-6);
        GradDrop leaky = new GradDrop(GradientMode.PARAMETERS, 1.0);
        assertArrayEquals(
                new double[] {2, 2},
                vec(
                        leaky.combine(grads(new double[][] {{3, -1}, {-1, 3}}, new double[] {1, 1}))
                                .direction()),
                1e-6);
    }

    @Test
    void gradDropInRepresentationModeDecidesPerFeatureOverTheBatch() {
        GradDrop gd = new GradDrop(GradientMode.REPRESENTATION, 0.0);
        // 2 rows x 3 features; feature 0: task a +1, +1 / task b -5, +1 -> summed a=+2, b=-4
        double[][] rows = {{1, 1, 1, 1, 1, 1}, {-5, -1, 1, 1, 1, 1}};
        var g = grads(rows, new double[] {1, 1});
        NDArray activations = m.ones(new Shape(2, 3)); // all positive: sign(A) = 1
        g =
                new GradientAggregator.Gradients(
                        g.matrix(),
                        g.gram(),
                        g.losses(),
                        g.tasks(),
                        new long[] {2, 3},
                        activations);
        int keptPositive = 0;
        for (int i = 0; i < 400; i++) {
            double[] out = vec(gd.combine(g).direction());
            // rows (r0, r1) x features (f0, f1, f2), flattened row-major. Feature 0: summed
            // gradients a = +2, b = -4, one decision for both rows and whole tasks. Positive
            // wins: a is kept in both rows (1, 1) and b dropped in both, even its +1 in r1.
            // Negative wins: b is kept (-5, 1), a dropped.
            boolean pos = out[0] == 1;
            assertEquals(pos ? 1.0 : -5.0, out[0], 1e-6);
            assertEquals(1.0, out[3], 1e-6);
            // feature 1 sums to a = +2, b = 0: purity 1, a is always kept and b (no sign) never
            assertEquals(1.0, out[1], 1e-6);
            assertEquals(1.0, out[4], 1e-6);
            keptPositive += pos ? 1 : 0;
        }
        // purity of feature 0 = (1 + (2 - 4) / (2 + 4)) / 2 = 1/3
        assertEquals(1.0 / 3, keptPositive / 400.0, 0.08);
    }

    @Test
    void gradDropWeighsRowsByTheSignOfTheActivation() {
        GradDrop gd = new GradDrop(GradientMode.REPRESENTATION, 0.0);
        // one feature, two rows; task a: +1 in both rows, task b: +3 in r0, -1 in r1. With
        // activations (+, -) the signed sums are a = 1 - 1 = 0 and b = 3 + 1 = 4: purity 1, so
        // b is always kept and a (signed sum 0) always dropped.
        var g = grads(new double[][] {{1, 1}, {3, -1}}, new double[] {1, 1});
        g =
                new GradientAggregator.Gradients(
                        g.matrix(),
                        g.gram(),
                        g.losses(),
                        g.tasks(),
                        new long[] {2, 1},
                        m.create(new float[] {2f, -0.5f}, new Shape(2, 1)));
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(new double[] {3, -1}, vec(gd.combine(g).direction()), 1e-6);
        }
    }

    @Test
    void mocoWithFullTrackingConvergesToTheMinNormWeights() {
        MoCo moco = new MoCo(1.0, 0.0, 0.5, 0.0, 0.0);
        moco.init(3, 1);
        moco.createLearnables(m);
        double[][] rows = {{1, 0, 0.5}, {0, 1, 0.5}, {1.5, 1.5, 0}};
        var g = grads(rows, new double[] {1, 1, 1});
        GradientAggregator.Direction d = null;
        for (int i = 0; i < 3000; i++) {
            d = moco.combine(g);
        }
        double[] expected = MinNormSolver.solve(g.gram()).weights();
        assertArrayEquals(expected, d.weights(), 2e-3);
    }

    @Test
    void mocoTracksAMovingAverageOfTheGradients() {
        MoCo moco = new MoCo(0.5, 0.0, 0.1, 0.0, 0.0);
        moco.init(1, 1);
        moco.createLearnables(m);
        moco.combine(grads(new double[][] {{4, 0}}, new double[] {1}));
        var d = moco.combine(grads(new double[][] {{0, 4}}, new double[] {1}));
        // y = (4, 0) - 0.5 * ((4, 0) - (0, 4)) = (2, 2); one task: lambda = 1
        assertArrayEquals(new double[] {2, 2}, vec(d.direction()), 1e-6);
    }

    @Test
    void dbMtlGivesEveryTaskTheLargestAveragedMagnitude() {
        DualBalancing db = new DualBalancing(0.0, 0.0); // no averaging: the current log-gradients
        db.init(2, 1);
        db.createLearnables(m);
        double[][] rows = {{3, 4}, {0.1, 0}};
        var d = db.combine(grads(rows, new double[] {5, 0.1}));
        // log-gradients (0.6, 0.8) and (1, 0): both norm 1 already -> sum
        assertArrayEquals(new double[] {1.6, 0.8}, vec(d.direction()), 1e-5);
        DualBalancing db2 = new DualBalancing(0.0, 0.0);
        db2.init(2, 1);
        db2.createLearnables(m);
        var d2 = db2.combine(grads(new double[][] {{3, 4}, {0.5, 0}}, new double[] {1, 1}));
        // norms 5 and 0.5: the second is scaled by 10 to norm 5
        assertArrayEquals(new double[] {8, 4}, vec(d2.direction()), 1e-5);
    }

    @Test
    void excessMtlRaisesTheWeightOfTheTaskFarthestFromItsOptimum() {
        ExcessRisk ex = new ExcessRisk(0.1);
        ex.init(2, 1);
        ex.createLearnables(m);
        double[] w = null;
        for (int i = 1; i <= 50; i++) {
            // task 0 keeps a large gradient (far from its optimum), task 1's vanishes
            double[][] rows = {{1, 1}, {1.0 / i, -1.0 / i}};
            w = ex.combine(grads(rows, new double[] {1, 1})).weights();
        }
        assertEquals(2.0, w[0] + w[1], 1e-9);
        assertTrue(w[0] > 1.5, "weights " + w[0] + ", " + w[1]);
    }

    /**
     * Every gradient method of the registry, on degenerate gradient sets, repeatedly (stateful
     * methods see them several times): the direction and the weights stay finite.
     */
    @Test
    void everyGradientMethodStaysFiniteOnDegenerateGradients() {
        double[][][] cases = {
            {{1, 2, 3}}, // one task
            {{0, 0, 0}}, // one task, zero gradient
            {{1, 2, 3}, {1, 2, 3}}, // identical
            {{1, 2, 3}, {-1, -2, -3}}, // exactly opposite
            {{1, 2, 3}, {0, 0, 0}}, // one zero gradient
            {{0, 0, 0}, {0, 0, 0}}, // all zero
            {{1e-20, 0, 0}, {0, 1e20, 0}}, // wildly different scales
            {{1, 0, 0}, {0, 1, 0}, {-1, -1, 0}}, // zero in the convex hull, rank 2 of 3
        };
        int checked = 0;
        for (BalancerRegistry.Entry e : BalancerRegistry.entries()) {
            if (e.modes().equals("loss")) {
                continue;
            }
            for (double[][] rows : cases) {
                GradientAggregator agg =
                        (GradientAggregator)
                                BalancerRegistry.create(
                                        e.name(), Options.of("t", Map.of("mode", "parameters")));
                agg.init(rows.length, 7);
                agg.createLearnables(m);
                for (int rep = 0; rep < 3; rep++) {
                    try (NDManager step = m.newSubManager()) {
                        NDManager saved = m;
                        m = step;
                        try {
                            GradientAggregator.Direction d =
                                    agg.combine(
                                            grads(
                                                    rows,
                                                    java.util.Arrays.copyOf(
                                                            new double[] {0.5, 1, 2},
                                                            rows.length)));
                            String what = e.name() + " on " + java.util.Arrays.deepToString(rows);
                            for (double v : vec(d.direction())) {
                                assertTrue(Double.isFinite(v), what + ": direction " + v);
                            }
                            assertEquals(rows.length, d.weights().length, what);
                            for (double w : d.weights()) {
                                assertTrue(Double.isFinite(w), what + ": weight " + w);
                            }
                        } finally {
                            m = saved;
                        }
                    }
                }
                checked++;
            }
        }
        assertTrue(checked >= 16 * cases.length, "cases checked: " + checked);
    }

    @Test
    void badHyperParametersAreRejectedWithTheirNameAndValue() {
        Object[][] bad = {
            {"cagrad", "c", -1.0, "c must be >= 0"},
            {"cagrad", "rescale", 3L, "rescale"},
            {"fairgrad", "alpha", 0.0, "alpha must be in"},
            {"nash_mtl", "update_every", 0L, "update_every must be >= 1"},
            {"gradnorm", "alpha", -0.5, "alpha must be >= 0"},
            {"graddrop", "leak", 1.5, "leak must be in [0, 1]"},
            {"gradvac", "beta", 0.0, "beta must be in (0, 1]"},
            {"moco", "gamma", -1.0, "gamma must be > 0"},
            {"db_mtl", "beta", 1.0, "beta must be in [0, 1)"},
            {"excess_mtl", "step_size", 0.0, "step_size must be > 0"},
            {"stch", "mu", 0.0, "mu must be > 0"},
            {"famo", "lr", -1.0, "lr must be > 0"},
            {"aligned_mtl", "scale", "max", "use min, median or rmse"},
            {"upgrad", "mode", "both", "parameters or representation"},
        };
        for (Object[] b : bad) {
            Mtl4jException e =
                    assertThrows(
                            Mtl4jException.class,
                            () ->
                                    BalancerRegistry.create(
                                            (String) b[0],
                                            Options.of(
                                                    "run.yaml: balancer",
                                                    Map.of((String) b[1], b[2]))),
                            b[0] + " " + b[1]);
            assertTrue(
                    e.getMessage().startsWith("run.yaml: balancer")
                            && e.getMessage().contains((String) b[3]),
                    e.getMessage());
        }
        // an option the method does not have is named too
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () ->
                                BalancerRegistry.create(
                                        "upgrad",
                                        Options.of("run.yaml: balancer", Map.of("c", 0.4))));
        assertTrue(e.getMessage().contains("c"), e.getMessage());
    }

    @Test
    void methodsThatNeedOneVectorSpaceRejectRepresentationModeWithTheReason() {
        for (String method : List.of("moco", "db_mtl", "excess_mtl")) {
            Mtl4jException e =
                    assertThrows(
                            Mtl4jException.class,
                            () ->
                                    BalancerRegistry.create(
                                            method,
                                            Options.of(
                                                    "cfg.yaml: balancer",
                                                    Map.of("mode", "representation"))));
            assertTrue(
                    e.getMessage().contains("cfg.yaml: balancer.mode")
                            && e.getMessage().contains("vector space"),
                    e.getMessage());
            assertEquals(
                    GradientMode.PARAMETERS,
                    ((GradientAggregator)
                                    BalancerRegistry.create(
                                            method, Options.of("t", Map.of("mode", "parameters"))))
                            .mode());
        }
    }

    private static double[] vec(NDArray a) {
        float[] f = a.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
