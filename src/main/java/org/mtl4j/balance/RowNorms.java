package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import org.mtl4j.train.Scalars;

/** Euclidean norms of the rows of a matrix, safe from single-precision overflow and underflow. */
final class RowNorms {
    private RowNorms() {}

    /**
     * ‖row_k‖ for each row of the (n, d) matrix, computed on rows scaled by their largest entry.
     */
    static double[] of(NDArray matrix) {
        NDArray rowMax = matrix.abs().max(new int[] {1}, true);
        float[] scale = rowMax.toFloatArray();
        NDArray unit = matrix.div(rowMax.add(Scalars.of(rowMax, 1e-38)));
        float[] sq = unit.square().sum(new int[] {1}).toFloatArray();
        double[] out = new double[scale.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = scale[k] > 0 ? scale[k] * Math.sqrt(sq[k]) : 0;
        }
        return out;
    }
}
