package org.mtl4j.balance;

import java.util.Locale;
import org.mtl4j.balance.solver.MinNormSolver;

/**
 * MGDA-UB: Sener and Koltun, "Multi-Task Learning as Multi-Objective Optimization", NeurIPS 2018.
 * The update is the minimum-norm element of the convex hull of the task gradients (their Eq. 3,
 * solved by Algorithm 2: exact for two tasks, Frank–Wolfe beyond). In {@link
 * GradientMode#REPRESENTATION} mode the gradients are taken with respect to the shared
 * representation, the upper bound of their §3.3 ("UB").
 *
 * <p>Optional gradient normalisation before solving, as in the authors' code: {@code none}, {@code
 * l2} (divide g_t by ‖g_t‖), {@code loss} (by L_t), {@code loss+} (by L_t·‖g_t‖). As there, the
 * normalised gradients only choose the weights: the update is Σ_t w_t·g_t with the raw gradients
 * (LibMTL instead uses Σ_t w_t·g_t / scale_t).
 */
public final class Mgda implements GradientAggregator {
    /** Gradient normalisation applied before the min-norm solve. */
    public enum Normalization {
        NONE,
        L2,
        LOSS,
        LOSS_PLUS;

        /** Parses none, l2, loss, loss+; null when unknown. */
        public static Normalization parse(String s) {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "none":
                    return NONE;
                case "l2":
                    return L2;
                case "loss":
                    return LOSS;
                case "loss+":
                    return LOSS_PLUS;
                default:
                    return null;
            }
        }
    }

    private final GradientMode mode;
    private final Normalization normalization;

    public Mgda(GradientMode mode, Normalization normalization) {
        this.mode = mode;
        this.normalization = normalization;
    }

    @Override
    public String name() {
        return "mgda";
    }

    @Override
    public GradientMode mode() {
        return mode;
    }

    @Override
    public void init(int taskCount, long seed) {}

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        int n = gram.length;
        double[] scale = new double[n];
        for (int t = 0; t < n; t++) {
            scale[t] = scaleOf(gram[t][t], losses[t]);
        }
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                k[i][j] = gram[i][j] / (scale[i] * scale[j]);
            }
        }
        double[] w = MinNormSolver.solve(k).weights();
        return w;
    }

    private double scaleOf(double squaredNorm, double loss) {
        double norm = Math.sqrt(Math.max(squaredNorm, 0));
        double s;
        switch (normalization) {
            case L2:
                s = norm;
                break;
            case LOSS:
                s = loss;
                break;
            case LOSS_PLUS:
                s = loss * norm;
                break;
            default:
                s = 1;
        }
        return s > 1e-12 && Double.isFinite(s) ? s : 1;
    }
}
