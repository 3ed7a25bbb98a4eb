package org.mtl4j.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mtl4j.Mtl4jException;
import org.mtl4j.config.Options;
import org.mtl4j.run.Engines;

/**
 * Every method of the registry, saved after 6 of 12 steps through {@link Balancer#state()} and JSON
 * text, restored into a fresh instance, continues exactly as the uninterrupted run.
 */
class BalancerStateTest {
    private static final int T = 3;
    private static final long SEED = 20240611L;
    private static final int STEPS = 12;
    private static final int SAVED_AFTER = 6; // steps 0..5 run before the checkpoint
    private static final ObjectMapper JSON = new ObjectMapper();
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

    /** One configuration of one method. */
    private record Case(String method, Map<String, Object> options) {
        String label() {
            return method + options;
        }

        Balancer create(int tasks) {
            Map<String, Object> o = new LinkedHashMap<>(options);
            if (method.equals("fixed")) {
                o.put("weights", Arrays.asList(0.5, 1.0, 2.0, 4.0).subList(0, tasks));
            }
            return BalancerRegistry.create(method, Options.of("test", o));
        }
    }

    /**
     * Every registered method in each gradient mode it supports (default hyper-parameters), plus
     * settings under which more of the state matters within 12 steps.
     */
    private static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (BalancerRegistry.Entry e : BalancerRegistry.entries()) {
            if (e.modes().equals("loss")) {
                out.add(new Case(e.name(), Map.of()));
                continue;
            }
            for (String mode : e.modes().split(",\\s*")) {
                out.add(new Case(e.name(), Map.of("mode", mode)));
            }
        }
        out.add(new Case("nash_mtl", Map.of("update_every", 4L)));
        out.add(new Case("stch", Map.of("warmup_epochs", 2L))); // warm-up ends after the restore
        out.add(new Case("moco", Map.of("beta_sigma", 0.0, "rho", 0.1)));
        return out;
    }

    /** What a step returned: weights and the loss or direction values. */
    private record Output(double[] weights, float[] values) {}

    /** A balancer with its learnables, driven step by step on deterministic inputs. */
    private final class Run {
        final Case c;
        final Balancer b;
        final List<NDArray> learnables;
        final boolean representation;

        Run(Case c, int tasks) {
            this.c = c;
            b = c.create(tasks);
            b.init(tasks, SEED);
            learnables = b.createLearnables(m);
            representation =
                    b instanceof GradientAggregator g && g.mode() == GradientMode.REPRESENTATION;
        }

        List<Output> steps(int from, int to) {
            List<Output> out = new ArrayList<>();
            for (int step = from; step < to; step++) {
                out.add(step(step));
            }
            return out;
        }

        Output step(int step) {
            Random r = new Random(1000L * step + 17);
            b.beginStep(step);
            boolean[] present = new boolean[T];
            Arrays.fill(present, true);
            int absent = step == 4 ? 1 : step == 7 ? 0 : step == 9 ? 2 : -1;
            if (absent >= 0) {
                present[absent] = false;
            }
            double[] losses = new double[T];
            for (int t = 0; t < T; t++) {
                losses[t] = present[t] ? 0.2 + 2 * r.nextDouble() : Double.NaN;
            }
            Output o;
            try (NDManager s = m.newSubManager()) {
                o =
                        b instanceof LossWeighting lw
                                ? lossStep(lw, s, losses, present)
                                : gradStep(s, r, losses, present);
            }
            // an optimiser step on the learnables (deterministic stand-in)
            for (NDArray l : learnables) {
                float[] v = l.toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (0.1 * r.nextGaussian());
                }
                l.set(v);
            }
            if (b.needsLossAfterUpdate()) {
                double[] after = new double[T];
                for (int t = 0; t < T; t++) {
                    after[t] = present[t] ? losses[t] * (0.6 + 0.5 * r.nextDouble()) : Double.NaN;
                }
                b.afterUpdate(losses, after);
            }
            if (step % 4 == 3) {
                double[] mean = new double[T];
                for (int t = 0; t < T; t++) {
                    mean[t] = step == 3 && t == 2 ? Double.NaN : 0.1 + 3 * r.nextDouble();
                }
                b.onEpochEnd(step / 4 + 1, mean);
            }
            return o;
        }

        private Output lossStep(LossWeighting lw, NDManager s, double[] losses, boolean[] present) {
            NDArray[] arrays = new NDArray[T];
            for (int t = 0; t < T; t++) {
                arrays[t] = present[t] ? s.create((float) losses[t]) : null;
            }
            LossWeighting.Combined c = lw.combine(arrays, losses, present);
            float[] value = c.loss() == null ? new float[0] : c.loss().toFloatArray();
            return new Output(c.weights().clone(), value);
        }

        private Output gradStep(NDManager s, Random r, double[] losses, boolean[] present) {
            int[] tasks = java.util.stream.IntStream.range(0, T).filter(t -> present[t]).toArray();
            int n = tasks.length;
            long[] shape = representation ? new long[] {2, 3} : new long[] {5};
            int d = (int) Arrays.stream(shape).reduce(1, (x, y) -> x * y);
            float[] flat = new float[n * d];
            for (int i = 0; i < flat.length; i++) {
                flat[i] = (float) r.nextGaussian();
            }
            double[][] gram = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    for (int k = 0; k < d; k++) {
                        gram[i][j] += (double) flat[i * d + k] * flat[j * d + k];
                    }
                }
            }
            double[] sub = new double[n];
            for (int k = 0; k < n; k++) {
                sub[k] = losses[tasks[k]];
            }
            NDArray rep = null;
            if (representation) {
                float[] a = new float[d];
                for (int i = 0; i < d; i++) {
                    a[i] = (float) r.nextGaussian();
                }
                rep = s.create(a, new Shape(shape));
            }
            GradientAggregator.Direction dir =
                    ((GradientAggregator) b)
                            .combine(
                                    new GradientAggregator.Gradients(
                                            s.create(flat, new Shape(n, d)),
                                            gram,
                                            sub,
                                            tasks,
                                            shape,
                                            rep));
            return new Output(dir.weights().clone(), dir.direction().toFloatArray());
        }

        float[][] learnableValues() {
            float[][] v = new float[learnables.size()][];
            for (int i = 0; i < v.length; i++) {
                v[i] = learnables.get(i).toFloatArray();
            }
            return v;
        }

        void setLearnables(float[][] values) {
            assertEquals(values.length, learnables.size(), c.label());
            for (int i = 0; i < values.length; i++) {
                learnables.get(i).set(values[i]);
            }
        }
    }

    /** The saved state as a checkpoint holds it: written to JSON text and read back. */
    private static BalancerState throughJson(Balancer b) throws Exception {
        Map<String, Object> state = b.state();
        assertNotNull(state, b.name());
        assertJsonReady(state, b.name());
        String text = JSON.writeValueAsString(state);
        return new BalancerState(b.name(), JSON.readTree(text));
    }

    private static void assertJsonReady(Object v, String where) {
        if (v == null
                || v instanceof Number
                || v instanceof Boolean
                || v instanceof String
                || v instanceof double[]
                || v instanceof float[]
                || v instanceof long[]
                || v instanceof int[]
                || v instanceof boolean[]) {
            return;
        }
        if (v instanceof Map<?, ?> map) {
            map.forEach(
                    (k, x) -> {
                        assertTrue(k instanceof String, where + ": key " + k);
                        assertJsonReady(x, where + "." + k);
                    });
            return;
        }
        if (v instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                assertJsonReady(list.get(i), where + "[" + i + "]");
            }
            return;
        }
        fail(where + ": not a JSON-ready value: " + v.getClass());
    }

    private static void assertSameOutputs(List<Output> expected, List<Output> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            String at = what + " at step " + (SAVED_AFTER + i);
            assertArrayEquals(expected.get(i).weights(), actual.get(i).weights(), at + ": weights");
            assertArrayEquals(expected.get(i).values(), actual.get(i).values(), at + ": values");
        }
    }

    private static boolean sameOutputs(List<Output> a, List<Output> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i).weights(), b.get(i).weights())
                    || !Arrays.equals(a.get(i).values(), b.get(i).values())) {
                return false;
            }
        }
        return true;
    }

    @Test
    void everyMethodResumedFromItsSavedStateContinuesExactly() throws Exception {
        List<String> stateful = new ArrayList<>();
        for (Case c : cases()) {
            Run a = new Run(c, T);
            a.steps(0, SAVED_AFTER);
            BalancerState saved = throughJson(a.b);
            float[][] learnables = a.learnableValues();
            List<Output> expected = a.steps(SAVED_AFTER, STEPS);

            Run b = new Run(c, T);
            b.setLearnables(learnables);
            b.b.restoreState(saved);
            List<Output> resumed = b.steps(SAVED_AFTER, STEPS);
            assertSameOutputs(expected, resumed, c.label() + " resumed");
            // the state of the resumed run equals the uninterrupted one's at the end
            assertEquals(
                    JSON.writeValueAsString(a.b.state()),
                    JSON.writeValueAsString(b.b.state()),
                    c.label() + ": final state");

            // the check has teeth: without the restore, a stateful method continues differently
            if (!a.b.state().isEmpty()) {
                Run fresh = new Run(c, T);
                fresh.setLearnables(learnables);
                List<Output> unrestored = fresh.steps(SAVED_AFTER, STEPS);
                // with their defaults, Nash-MTL recomputes its weights at every step and STCH
                // stays in its 4-epoch warm-up, where its state is not used
                boolean ignorable =
                        c.method().equals("nash_mtl") && !c.options().containsKey("update_every")
                                || c.method().equals("stch") && c.options().isEmpty();
                if (!ignorable) {
                    assertFalse(
                            sameOutputs(expected, unrestored),
                            c.label() + ": the saved state makes no difference over 6 steps");
                }
                stateful.add(c.label());
            }
        }
        assertTrue(stateful.size() >= 12, "stateful cases: " + stateful);
    }

    /**
     * The draws of a random method depend only on (seed, step): a balancer that begins at step 10
     * draws what the one that ran steps 0..9 draws there.
     */
    @Test
    void randomMethodsDrawByStepNotByHistory() {
        for (String method : List.of("rlw", "pcgrad", "graddrop")) {
            Case c = new Case(method, Map.of());
            Run a = new Run(c, T);
            a.steps(0, 10);
            Output at10 = a.step(10);
            Output fresh10 = new Run(c, T).step(10);
            assertArrayEquals(at10.weights(), fresh10.weights(), method);
            assertArrayEquals(at10.values(), fresh10.values(), method);
        }
    }

    @Test
    void aStateSavedWithThreeTasksIsRejectedByATwoTaskRun() throws Exception {
        int checked = 0;
        for (Case c : cases()) {
            Run a = new Run(c, T);
            a.steps(0, SAVED_AFTER);
            if (a.b.state().isEmpty()) {
                continue;
            }
            BalancerState saved = throughJson(a.b);
            Balancer two = c.create(2);
            two.init(2, SEED);
            two.createLearnables(m);
            Mtl4jException e =
                    assertThrows(Mtl4jException.class, () -> two.restoreState(saved), c.label());
            assertTrue(
                    e.getMessage().startsWith("checkpoint: the " + c.method() + " balancer state")
                            && e.getMessage().contains("3"),
                    c.label() + ": " + e.getMessage());
            checked++;
        }
        assertTrue(checked >= 12, "cases checked: " + checked);
    }

    @Test
    void nonFiniteValuesSurviveTheJsonText() throws Exception {
        Balancer a = new Case("gradnorm", Map.of()).create(T);
        a.init(T, SEED); // initial losses: NaN until seen
        String text = JSON.writeValueAsString(a.state());
        assertTrue(text.contains("\"NaN\""), text);
        Balancer b = new Case("gradnorm", Map.of()).create(T);
        b.init(T, SEED);
        b.restoreState(throughJson(a));
        assertEquals(text, JSON.writeValueAsString(b.state()));
    }

    @Test
    void aStateMissingAnEntryNamesIt() {
        Balancer famo = new Case("famo", Map.of()).create(T);
        famo.init(T, SEED);
        Map<String, Object> state = new LinkedHashMap<>(famo.state());
        state.remove("adam_v");
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () -> famo.restoreState(BalancerState.of("famo", state)));
        assertTrue(e.getMessage().contains("\"adam_v\""), e.getMessage());
    }
}
