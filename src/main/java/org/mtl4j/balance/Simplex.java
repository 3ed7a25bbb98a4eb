package org.mtl4j.balance;

import java.util.Arrays;

/** Euclidean projection onto the probability simplex. */
final class Simplex {
    private Simplex() {}

    /**
     * The point of {w ≥ 0, Σ w = 1} nearest to {@code v}: w_i = max(v_i − θ, 0) with θ found by
     * sorting (Held, Wolfe and Crowder 1974; Duchi et al., ICML 2008, Fig. 1). Non-finite entries
     * are treated as 0.
     */
    static double[] project(double[] v) {
        int n = v.length;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Double.isFinite(v[i]) ? v[i] : 0;
        }
        double[] u = x.clone();
        Arrays.sort(u);
        double cum = 0;
        double theta = 0;
        for (int i = n - 1, k = 1; i >= 0; i--, k++) {
            cum += u[i];
            double t = (cum - 1) / k;
            if (u[i] - t > 0) {
                theta = t;
            }
        }
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = Math.max(x[i] - theta, 0);
        }
        return w;
    }
}
