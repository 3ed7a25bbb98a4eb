package org.mtl4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

class TaskHealthTest {
    private final List<String> names = List.of("price", "cut", "color");

    @Test
    void warnsOnceWhenAnotherTaskDominatesMostDiagnosedSteps() {
        TaskHealth h = new TaskHealth(names, null);
        int[] all = {0, 1, 2};
        // cut is dominated by price (ratio 1e4) on 3 of 5 steps; color never (ratio 50)
        double[][] norms = {
            {1e4, 1, 200}, {1e4, 1, 200}, {10, 1, 1}, {1e4, 1, 200}, {10, 1, 1},
        };
        List<TaskHealth.Warning> got = new java.util.ArrayList<>();
        for (int s = 0; s < norms.length; s++) {
            List<TaskHealth.Warning> w = h.onDiagnostics(all, norms[s]);
            if (s < 3) {
                assertTrue(w.isEmpty(), "too few diagnosed steps to judge at step " + s + ": " + w);
            }
            got.addAll(w);
        }
        assertEquals(1, got.size(), got.toString());
        assertEquals("cut", got.get(0).task());
        assertEquals("dominated", got.get(0).kind());
        assertTrue(got.get(0).message().contains("task \"price\"'s gradient"), got.toString());
        assertTrue(h.onDiagnostics(all, norms[0]).isEmpty(), "given once");
    }

    @Test
    void warnsOfADeadHeadAfterThreeZeroGradientsInARow() {
        TaskHealth h = new TaskHealth(names, null);
        int[] two = {1, 2};
        assertTrue(h.onDiagnostics(two, new double[] {0, 1}).isEmpty());
        assertTrue(h.onDiagnostics(two, new double[] {0, 1}).isEmpty());
        assertTrue(h.onDiagnostics(two, new double[] {1e-9, 1}).isEmpty(), "run broken");
        assertTrue(h.onDiagnostics(two, new double[] {0, 1}).isEmpty());
        assertTrue(h.onDiagnostics(two, new double[] {0, 1}).isEmpty());
        List<TaskHealth.Warning> w = h.onDiagnostics(two, new double[] {0, 1});
        assertEquals(1, w.size(), w.toString());
        assertEquals("cut", w.get(0).task());
        assertEquals("dead", w.get(0).kind());
    }

    @Test
    void baselinesAreTheBestConstantPredictions() {
        boolean[] all = {true, true, true, true, true};
        Task cut = Task.of("cut", new TaskType.Multiclass(3));
        TaskHealth.Baseline b = TaskHealth.Baseline.of(cut, new float[] {2, 2, 0, 2, 1}, all);
        assertEquals("accuracy", b.metric());
        assertEquals(0.6, b.value(), 1e-12);
        Task click = Task.of("click", new TaskType.Binary());
        assertEquals(
                0.8,
                TaskHealth.Baseline.of(click, new float[] {0, 0, 1, 0, 0}, all).value(),
                1e-12);
        Task genres = Task.of("genres", new TaskType.Multilabel(2));
        // label 0 on in 2 of 4 rows (F1 of always-on 2/3), label 1 in 1 of 4 (F1 0.4)
        TaskHealth.Baseline ml =
                TaskHealth.Baseline.of(
                        genres,
                        new float[] {1, 0, 1, 1, 0, 0, 0, 0},
                        new boolean[] {true, true, true, true});
        assertEquals("macro_f1", ml.metric());
        assertEquals((2.0 / 3 + 0.4) / 2, ml.value(), 1e-12);
        Task price = Task.of("price", new TaskType.Regression(1));
        assertEquals(
                "r2",
                TaskHealth.Baseline.of(price, new float[] {3}, new boolean[] {true}).metric());
    }

    @Test
    void warnsWhenAValidationMetricStaysAtItsBaselineForThreeEpochs() {
        Task cut = Task.of("cut", new TaskType.Multiclass(3));
        TaskHealth.Baseline b = new TaskHealth.Baseline("accuracy", 0.4, "always class 2");
        TaskHealth h = new TaskHealth(List.of("cut", "price"), java.util.Arrays.asList(b, null));
        Map<String, Double> stuck = Map.of("accuracy", 0.402);
        Map<String, Double> learning = Map.of("accuracy", 0.55);
        assertTrue(h.onValidation(List.of(stuck, Map.of())).isEmpty());
        assertTrue(h.onValidation(List.of(stuck, Map.of())).isEmpty());
        assertTrue(h.onValidation(List.of(learning, Map.of())).isEmpty(), "run broken");
        assertTrue(h.onValidation(List.of(stuck, Map.of())).isEmpty());
        assertTrue(h.onValidation(List.of(stuck, Map.of())).isEmpty());
        List<TaskHealth.Warning> w = h.onValidation(List.of(stuck, Map.of()));
        assertEquals(1, w.size(), w.toString());
        assertEquals("trivial", w.get(0).kind());
        assertTrue(w.get(0).message().contains("always class 2 (0.4000)"), w.get(0).message());
        assertEquals(cut.name(), w.get(0).task());
    }
}
