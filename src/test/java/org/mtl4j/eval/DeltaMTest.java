package org.mtl4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

class DeltaMTest {

    private static final double EPS = 1e-9;

    private static Task regression(String name, String... deltaMetrics) {
        return new Task(name, new TaskType.Regression(1), null, null, List.of(deltaMetrics), null);
    }

    private static Task binary(String name, String... deltaMetrics) {
        return new Task(name, new TaskType.Binary(), null, null, List.of(deltaMetrics), null);
    }

    @Test
    void lowerIsBetterMetricSign() {
        // mse: −(0.8 − 1.0)/1.0 × 100 = +20 (better); −(1.25 − 1.0)/1.0 × 100 = −25 (worse)
        List<Task> tasks = List.of(regression("depth", "mse"));
        Map<String, Map<String, Double>> base = Map.of("depth", Map.of("mse", 1.0));
        DeltaM.Result better = DeltaM.compute(tasks, Map.of("depth", Map.of("mse", 0.8)), base);
        assertEquals(20.0, better.overall(), EPS);
        assertEquals(20.0, better.perTask().get("depth"), EPS);
        DeltaM.Result worse = DeltaM.compute(tasks, Map.of("depth", Map.of("mse", 1.25)), base);
        assertEquals(-25.0, worse.overall(), EPS);
        assertTrue(worse.skipped().isEmpty());
    }

    @Test
    void higherIsBetterMetricSign() {
        // accuracy: (0.9 − 0.8)/0.8 × 100 = +12.5 (better); (0.6 − 0.8)/0.8 × 100 = −25 (worse)
        List<Task> tasks = List.of(binary("click", "accuracy"));
        Map<String, Map<String, Double>> base = Map.of("click", Map.of("accuracy", 0.8));
        assertEquals(
                12.5,
                DeltaM.compute(tasks, Map.of("click", Map.of("accuracy", 0.9)), base).overall(),
                EPS);
        assertEquals(
                -25.0,
                DeltaM.compute(tasks, Map.of("click", Map.of("accuracy", 0.6)), base).overall(),
                EPS);
    }

    @Test
    void averagesMetricsWithinTaskThenTasks() {
        // A: mse −(0.8 − 1)/1 × 100 = +20, mae −(0.5 − 0.4)/0.4 × 100 = −25 → A = (20 − 25)/2 =
        // −2.5
        // B: accuracy (0.9 − 0.8)/0.8 × 100 = +12.5 (B's auc is not a Δm metric and is ignored)
        // Δm = (−2.5 + 12.5)/2 = 5 (a flat mean over the 3 metrics would give 7.5/3 = 2.5)
        DeltaM.Result r = DeltaM.compute(twoTasks(), multi(), baselines(1.0));
        assertEquals(List.of("A", "B"), List.copyOf(r.perTask().keySet()));
        assertEquals(-2.5, r.perTask().get("A"), EPS);
        assertEquals(12.5, r.perTask().get("B"), EPS);
        assertEquals(5.0, r.overall(), EPS);
    }

    @Test
    void zeroBaselineIsSkippedAndRecorded() {
        // A's mse baseline is 0 → skipped; A = mae only = −25; Δm = (−25 + 12.5)/2 = −6.25
        DeltaM.Result r = DeltaM.compute(twoTasks(), multi(), baselines(0.0));
        assertEquals(List.of("A/mse: baseline is 0"), r.skipped());
        assertEquals(-25.0, r.perTask().get("A"), EPS);
        assertEquals(-6.25, r.overall(), EPS);
    }

    @Test
    void taskWithAllMetricsSkippedLeavesTheMean() {
        // A's only metric has baseline 0 → A left out; Δm = B alone = (0.9 − 0.8)/0.8 × 100 = 12.5
        List<Task> tasks = List.of(regression("A", "mse"), binary("B", "accuracy"));
        Map<String, Map<String, Double>> n =
                Map.of("A", Map.of("mse", 0.5), "B", Map.of("accuracy", 0.9));
        Map<String, Map<String, Double>> b =
                Map.of("A", Map.of("mse", 0.0), "B", Map.of("accuracy", 0.8));
        DeltaM.Result r = DeltaM.compute(tasks, n, b);
        assertEquals(12.5, r.overall(), EPS);
        assertEquals(List.of("B"), List.copyOf(r.perTask().keySet()));
        assertEquals(List.of("A/mse: baseline is 0"), r.skipped());
    }

    @Test
    void nothingLeftGivesNaN() {
        List<Task> tasks = List.of(regression("A", "mse", "mae"));
        Map<String, Map<String, Double>> n = Map.of("A", Map.of("mse", 0.5, "mae", Double.NaN));
        Map<String, Map<String, Double>> b = Map.of("A", Map.of("mse", Double.NaN, "mae", 0.3));
        DeltaM.Result r = DeltaM.compute(tasks, n, b);
        assertTrue(Double.isNaN(r.overall()));
        assertTrue(r.perTask().isEmpty());
        assertEquals(
                List.of("A/mse: baseline is NaN", "A/mae: multi-task value is NaN"), r.skipped());
        assertTrue(Double.isNaN(DeltaM.compute(List.of(), Map.of(), Map.of()).overall()));
    }

    @Test
    void negativeBaselineKeepsPositiveMeaningBetter() {
        // r2 (higher is better) from −0.5 to −0.25 is an improvement: (−0.25 + 0.5)/|−0.5| × 100 =
        // +50
        List<Task> tasks = List.of(regression("A", "r2"));
        DeltaM.Result r =
                DeltaM.compute(
                        tasks, Map.of("A", Map.of("r2", -0.25)), Map.of("A", Map.of("r2", -0.5)));
        assertEquals(50.0, r.overall(), EPS);
    }

    @Test
    void perDimMetricUsesBaseDirection() {
        // "mse:a" is lower-is-better: −(0.5 − 1)/1 × 100 = +50
        List<Task> tasks = List.of(regression("A", "mse:a"));
        DeltaM.Result r =
                DeltaM.compute(
                        tasks,
                        Map.of("A", Map.of("mse:a", 0.5)),
                        Map.of("A", Map.of("mse:a", 1.0)));
        assertEquals(50.0, r.overall(), EPS);
    }

    @Test
    void missingTaskOrMetricIsNamed() {
        Map<String, Map<String, Double>> onlyB = Map.of("B", multi().get("B"));
        IllegalArgumentException noTask =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> DeltaM.compute(twoTasks(), onlyB, baselines(1.0)));
        assertTrue(noTask.getMessage().contains("\"A\""), noTask.getMessage());
        Map<String, Map<String, Double>> noMae =
                Map.of("A", Map.of("mse", 1.0), "B", baselines(1.0).get("B"));
        IllegalArgumentException noMetric =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> DeltaM.compute(twoTasks(), multi(), noMae));
        assertTrue(noMetric.getMessage().contains("\"mae\""), noMetric.getMessage());
        assertTrue(noMetric.getMessage().contains("baselines"), noMetric.getMessage());
    }

    @Test
    void unknownMetricDirectionIsRejected() {
        List<Task> tasks = List.of(regression("A", "rmse"));
        Map<String, Map<String, Double>> v = Map.of("A", Map.of("rmse", 1.0));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> DeltaM.compute(tasks, v, v));
        assertTrue(e.getMessage().contains("rmse"), e.getMessage());
    }

    private static List<Task> twoTasks() {
        return List.of(regression("A", "mse", "mae"), binary("B", "accuracy"));
    }

    private static Map<String, Map<String, Double>> multi() {
        return Map.of(
                "A", Map.of("mse", 0.8, "mae", 0.5), "B", Map.of("accuracy", 0.9, "auc", 0.7));
    }

    private static Map<String, Map<String, Double>> baselines(double mseOfA) {
        return Map.of(
                "A", Map.of("mse", mseOfA, "mae", 0.4), "B", Map.of("accuracy", 0.8, "auc", 0.7));
    }
}
