package org.mtl4j.balance.solver;

import java.util.Arrays;
import java.util.Objects;

/**
 * Eigen-decomposition {@code A = Σ_k λ_k v_k v_kᵀ} of a small real symmetric matrix by the cyclic
 * Jacobi method, in double precision.
 *
 * <p>Each sweep visits every off-diagonal pair (p, q) in row order and annihilates {@code A_pq}
 * with a plane rotation, using the numerically stable choice of the smaller rotation angle ({@code
 * t = tan φ = sign(θ) / (|θ| + √(θ² + 1))}, {@code θ = (A_qq − A_pp) / (2 A_pq)}; Rutishauser, "The
 * Jacobi method for real symmetric matrices", Numer. Math. 9, 1966; Golub &amp; Van Loan, "Matrix
 * Computations", §8.5). A rotation is skipped when {@code |A_pq| ≤ 2^-53 · √|A_pp A_qq|} (the
 * relative criterion of Demmel &amp; Veselić, "Jacobi's method is more accurate than QR", 1992,
 * which keeps small eigenvalues of graded matrices accurate) or {@code |A_pq| ≤ 2^-100 ‖A‖_F}
 * (negligible in any case; the entry is then set to 0); the method has converged when a whole sweep
 * skips every pair. Convergence is quadratic, so a handful of sweeps suffice for the T ≤ 50
 * matrices of multi-task learning; the sweep count is capped and the result reports whether the cap
 * was hit.
 *
 * <p>The matrix is symmetrised, {@code (A + Aᵀ)/2}, and scaled by an exact power of two so that its
 * largest entry lies in [1, 2) before iterating, so no intermediate quantity overflows or
 * underflows prematurely; eigenvalues are scaled back at the end. Eigenvalues are returned in
 * descending order with orthonormal eigenvectors.
 */
public final class SymmetricEigen {

    /** Default cap on Jacobi sweeps. */
    public static final int DEFAULT_MAX_SWEEPS = 60;

    /** Allowed |A_ij − A_ji|, relative to the largest |A_ij|. */
    static final double SYMMETRY_TOLERANCE = 1e-9;

    /** Relative size below which an off-diagonal entry is treated as zero (2^-53). */
    private static final double RELATIVE_NEGLIGIBLE = 0x1p-53;

    /** Size, relative to the Frobenius norm, below which an off-diagonal entry is zero (2^-100). */
    private static final double ABSOLUTE_NEGLIGIBLE = 0x1p-100;

    /**
     * Result of {@link #decompose}.
     *
     * @param values eigenvalues, in descending order
     * @param vectors {@code vectors[k]} is a unit eigenvector for {@code values[k]}; the vectors
     *     are mutually orthogonal
     * @param sweeps Jacobi sweeps performed
     * @param converged whether the last sweep found every off-diagonal entry negligible (false only
     *     if the sweep cap was reached)
     */
    public record Decomposition(
            double[] values, double[][] vectors, int sweeps, boolean converged) {

        /** Number of eigenvalues strictly greater than {@code tolerance · max(values[0], 0)}. */
        public int rank(double relativeTolerance) {
            double cutoff = relativeTolerance * Math.max(values[0], 0.0);
            int rank = 0;
            for (double value : values) {
                if (value > cutoff && value > 0.0) {
                    rank++;
                }
            }
            return rank;
        }
    }

    private SymmetricEigen() {}

    /**
     * Decomposes {@code a} with {@link #DEFAULT_MAX_SWEEPS}.
     *
     * @param a symmetric n×n matrix, n ≥ 1, finite entries
     * @throws IllegalArgumentException if {@code a} is empty, not square, not finite or not
     *     symmetric within {@link #SYMMETRY_TOLERANCE} of its largest entry
     */
    public static Decomposition decompose(double[][] a) {
        return decompose(a, DEFAULT_MAX_SWEEPS);
    }

    /**
     * Decomposes {@code a}.
     *
     * @param a symmetric n×n matrix, n ≥ 1, finite entries
     * @param maxSweeps cap on Jacobi sweeps, at least 0
     * @throws IllegalArgumentException on an invalid matrix (see {@link #decompose(double[][])}) or
     *     a negative {@code maxSweeps}
     */
    public static Decomposition decompose(double[][] a, int maxSweeps) {
        validateSymmetric(a);
        if (maxSweeps < 0) {
            throw new IllegalArgumentException("maxSweeps = " + maxSweeps + " is negative");
        }
        int n = a.length;
        int exponent = MinNormSolver.scaleExponent(a);
        double[][] m = MinNormSolver.scaledSymmetricCopy(a, exponent);
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1.0;
        }
        int sweeps = 0;
        boolean converged;
        while (true) {
            if (sweeps == maxSweeps) {
                converged = isDiagonal(m);
                break;
            }
            double floor = ABSOLUTE_NEGLIGIBLE * frobenius(m);
            boolean rotated = false;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotated |= rotate(m, v, p, q, floor);
                }
            }
            if (!rotated) {
                converged = true;
                break;
            }
            sweeps++;
        }
        return sorted(m, v, exponent, sweeps, converged);
    }

    /**
     * Applies {@code A⁺ b} for the pseudo-inverse restricted to the eigenvalues greater than {@code
     * relativeTolerance · λ_max}: {@code Σ_{λ_k > cutoff} v_k (v_k · b) / λ_k}.
     */
    static double[] pseudoInverseTimes(Decomposition d, double[] b, double relativeTolerance) {
        int n = b.length;
        double[] out = new double[n];
        double cutoff = relativeTolerance * Math.max(d.values()[0], 0.0);
        for (int k = 0; k < n; k++) {
            double lambda = d.values()[k];
            if (!(lambda > cutoff && lambda > 0.0)) {
                continue;
            }
            double[] vk = d.vectors()[k];
            double coefficient = dot(vk, b) / lambda;
            for (int i = 0; i < n; i++) {
                out[i] += coefficient * vk[i];
            }
        }
        return out;
    }

    /**
     * One Jacobi rotation annihilating {@code m[p][q]}, accumulated into the eigenvector matrix
     * {@code v} (columns are eigenvectors); returns false if the entry was negligible.
     */
    private static boolean rotate(double[][] m, double[][] v, int p, int q, double floor) {
        double apq = m[p][q];
        double app = m[p][p];
        double aqq = m[q][q];
        if (Math.abs(apq) <= floor
                || Math.abs(apq) <= RELATIVE_NEGLIGIBLE * Math.sqrt(Math.abs(app * aqq))) {
            if (apq != 0.0 && Math.abs(apq) <= floor) {
                m[p][q] = 0.0;
                m[q][p] = 0.0;
            }
            return false;
        }
        double theta = (aqq - app) / (2.0 * apq);
        double t = Math.copySign(1.0, theta) / (Math.abs(theta) + Math.hypot(theta, 1.0));
        double c = 1.0 / Math.sqrt(t * t + 1.0);
        double s = t * c;
        int n = m.length;
        for (int r = 0; r < n; r++) {
            if (r == p || r == q) {
                continue;
            }
            double arp = m[r][p];
            double arq = m[r][q];
            double newRp = c * arp - s * arq;
            double newRq = s * arp + c * arq;
            m[r][p] = newRp;
            m[p][r] = newRp;
            m[r][q] = newRq;
            m[q][r] = newRq;
        }
        m[p][p] = app - t * apq;
        m[q][q] = aqq + t * apq;
        m[p][q] = 0.0;
        m[q][p] = 0.0;
        for (int r = 0; r < n; r++) {
            double vrp = v[r][p];
            double vrq = v[r][q];
            v[r][p] = c * vrp - s * vrq;
            v[r][q] = s * vrp + c * vrq;
        }
        return true;
    }

    private static boolean isDiagonal(double[][] m) {
        double floor = ABSOLUTE_NEGLIGIBLE * frobenius(m);
        for (int p = 0; p < m.length; p++) {
            for (int q = p + 1; q < m.length; q++) {
                double apq = Math.abs(m[p][q]);
                if (apq > floor
                        && apq > RELATIVE_NEGLIGIBLE * Math.sqrt(Math.abs(m[p][p] * m[q][q]))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Decomposition sorted(
            double[][] m, double[][] v, int exponent, int sweeps, boolean converged) {
        int n = m.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(m[y][y], m[x][x]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            int column = order[k];
            values[k] = Math.scalb(m[column][column], exponent);
            for (int i = 0; i < n; i++) {
                vectors[k][i] = v[i][column];
            }
        }
        return new Decomposition(values, vectors, sweeps, converged);
    }

    private static double frobenius(double[][] m) {
        double sum = 0.0;
        for (double[] row : m) {
            for (double x : row) {
                sum += x * x;
            }
        }
        return Math.sqrt(sum);
    }

    static double dot(double[] a, double[] b) {
        double sum = 0.0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void validateSymmetric(double[][] a) {
        Objects.requireNonNull(a, "matrix");
        int n = a.length;
        if (n == 0) {
            throw new IllegalArgumentException("matrix is empty");
        }
        for (int i = 0; i < n; i++) {
            if (a[i] == null) {
                throw new IllegalArgumentException("matrix row " + i + " is null");
            }
            if (a[i].length != n) {
                throw new IllegalArgumentException(
                        "matrix is not square: row "
                                + i
                                + " has "
                                + a[i].length
                                + " entries, expected "
                                + n);
            }
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(a[i][j])) {
                    throw new IllegalArgumentException(
                            "matrix[" + i + "][" + j + "] = " + a[i][j] + " is not finite");
                }
            }
        }
        double allowed = SYMMETRY_TOLERANCE * MinNormSolver.maxAbsEntry(a);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (Math.abs(a[i][j] - a[j][i]) > allowed) {
                    throw new IllegalArgumentException(
                            "matrix is not symmetric: matrix["
                                    + i
                                    + "]["
                                    + j
                                    + "] = "
                                    + a[i][j]
                                    + " but matrix["
                                    + j
                                    + "]["
                                    + i
                                    + "] = "
                                    + a[j][i]);
                }
            }
        }
    }
}
