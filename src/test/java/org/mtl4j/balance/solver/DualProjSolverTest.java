package org.mtl4j.balance.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DualProjSolverTest {

    private static final double TOL = 1e-9;

    @Test
    void updateConflictsWithNoTaskAndIsTheProjectionOfTheMean() {
        Random rng = new Random(31);
        int projected = 0;
        for (int tasks = 1; tasks <= 6; tasks++) {
            for (int dim : Gradients.DIMENSIONS) {
                for (int rep = 0; rep < 30; rep++) {
                    double[][] g = Gradients.random(rng, tasks, dim);
                    DualConeQpSolver.Solution s = DualProjSolver.solve(Gradients.gram(g));
                    String where = "T=" + tasks + " P=" + dim + " rep=" + rep;
                    assertTrue(s.converged(), where + " residual " + s.residual());
                    double[] mean = Gradients.combine(Gradients.uniform(tasks), g);
                    double[] d = Gradients.combine(s.weights(), g);
                    UpGradSolverTest.checkIsProjection(
                            rng, g, mean, d, Gradients.termScale(s.weights(), g));
                    if (Gradients.norm(Gradients.difference(mean, d)) > 1e-6) {
                        projected++;
                    }
                }
            }
        }
        assertTrue(projected > 200, "the mean needed projecting too rarely: " + projected);
    }

    @Test
    void isTheClosestUnconflictedVectorToTheMean() {
        // brute force: no sampled vector that conflicts with no gradient is closer to the mean
        Random rng = new Random(32);
        int sampled = 0;
        for (int c = 0; c < 200; c++) {
            int tasks = 2 + rng.nextInt(4);
            int dim = 1 + rng.nextInt(4);
            double[][] g = Gradients.random(rng, tasks, dim);
            double[] mean = Gradients.combine(Gradients.uniform(tasks), g);
            double[] d = Gradients.combine(DualProjSolver.solve(Gradients.gram(g)).weights(), g);
            double best = Gradients.norm(Gradients.difference(d, mean));
            double scale = Math.max(Gradients.norm(mean), 1e-300);
            for (int trial = 0; trial < 2000; trial++) {
                double radius = trial % 2 == 0 ? 0.05 * scale : 2.0 * scale;
                double[] x = new double[dim];
                for (int q = 0; q < dim; q++) {
                    x[q] = (trial % 2 == 0 ? d[q] : mean[q]) + radius * rng.nextGaussian();
                }
                boolean feasible = true;
                for (double[] gt : g) {
                    feasible &= Gradients.dot(gt, x) >= 0.0;
                }
                if (feasible) {
                    sampled++;
                    double distance = Gradients.norm(Gradients.difference(x, mean));
                    assertTrue(distance >= best - 1e-9 * scale, "case " + c + " trial " + trial);
                }
            }
        }
        assertTrue(sampled > 50_000, "too few feasible samples: " + sampled);
    }

    @Test
    void equalsTheMeanWhenItConflictsWithNoTask() {
        Random rng = new Random(33);
        int checked = 0;
        for (int c = 0; c < 400; c++) {
            int tasks = 1 + rng.nextInt(6);
            double[][] g = Gradients.random(rng, tasks, 1 + rng.nextInt(6));
            double[] mean = Gradients.combine(Gradients.uniform(tasks), g);
            boolean conflict = false;
            for (double[] gt : g) {
                conflict |= Gradients.dot(gt, mean) < 0.0;
            }
            if (!conflict) {
                DualConeQpSolver.Solution s = DualProjSolver.solve(Gradients.gram(g));
                assertArrayEquals(Gradients.uniform(tasks), s.weights(), 0.0);
                assertEquals(0, s.iterations());
                checked++;
            }
        }
        assertTrue(checked > 50, "too few non-conflicting means: " + checked);
    }

    @Test
    void preferenceVectorAndTorchJdExample() {
        // torchjd's DualProj docstring: J = [[-4, 1, 1], [6, 1, 1]] -> [0.5563, 1.1109, 1.1109];
        // exact: the mean (1, 1, 1) projected onto g1·x ≥ 0 is mean + (2/18) g1.
        double[][] g = {{-4, 1, 1}, {6, 1, 1}};
        double[][] k = Gradients.gram(g);
        double[] u = DualProjSolver.solve(k).weights();
        assertArrayEquals(new double[] {0.5 + 1.0 / 9, 0.5}, u, 1e-15);
        assertArrayEquals(new double[] {0.5563, 1.1109, 1.1109}, Gradients.combine(u, g), 1e-3);
        // with preference (0, 1) the weighted "mean" g2 conflicts with nothing
        assertArrayEquals(
                new double[] {22.0 / 18, 1.0},
                DualProjSolver.solve(k, new double[] {0, 1}).weights());
        // linear in the preference
        double[] doubled = DualProjSolver.solve(k, new double[] {1.0, 1.0}).weights();
        assertArrayEquals(new double[] {2 * u[0], 2 * u[1]}, doubled, 1e-15);
    }

    @Test
    void degenerateInputsGiveFiniteUnconflictedUpdates() {
        double[] v = {0.3, -1.2, 2.0};
        double[] minus = {-0.3, 1.2, -2.0};
        assertArrayEquals(new double[] {1.0}, DualProjSolver.solve(new double[][] {{3}}).weights());
        assertArrayEquals(new double[] {1.0}, DualProjSolver.solve(new double[][] {{0}}).weights());
        assertArrayEquals(
                Gradients.uniform(4), DualProjSolver.solve(new double[4][4]).weights(), 0.0);
        assertArrayEquals(
                Gradients.uniform(2),
                DualProjSolver.solve(Gradients.gram(new double[][] {v, v})).weights(),
                0.0);
        double[][] opposite = {v, minus, v};
        double[] u = DualProjSolver.solve(Gradients.gram(opposite)).weights();
        assertTrue(Gradients.allFinite(u));
        assertEquals(0.0, Gradients.norm(Gradients.combine(u, opposite)), 1e-14);
        Random rng = new Random(34);
        for (int r = 0; r < 100; r++) {
            int tasks = 3 + rng.nextInt(4);
            double[][] g = Gradients.random(rng, tasks, 1 + rng.nextInt(2));
            g[rng.nextInt(tasks)] = new double[g[0].length];
            DualConeQpSolverTest.checkFeasibleAndUnconflicted(
                    g, Gradients.gram(g), Gradients.uniform(tasks));
            double[] eigen = new double[tasks];
            for (int t = 0; t < tasks; t++) {
                eigen[t] = t == 0 ? 1.0 : -1e-16 * rng.nextDouble();
            }
            DualConeQpSolver.Solution s =
                    DualProjSolver.solve(Gradients.withEigenvalues(rng, eigen));
            assertTrue(Gradients.allFinite(s.weights()) && s.converged());
        }
    }

    @Test
    void rejectsInvalidInput() {
        double[][] k = {{1, 0}, {0, 1}};
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> DualProjSolver.solve(k, new double[] {-1, 1}));
        assertTrue(e.getMessage().contains("preference[0] = -1.0"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> DualProjSolver.solve(k, new double[] {1, Double.NaN}));
        assertThrows(
                IllegalArgumentException.class,
                () -> DualProjSolver.solve(new double[][] {{1, 0, 0}, {0, 1, 0}}));
        assertThrows(
                IllegalArgumentException.class,
                () -> DualProjSolver.solve(k, new double[] {1, 1}, -5, 1e-10));
    }
}
