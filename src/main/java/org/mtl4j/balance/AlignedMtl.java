package org.mtl4j.balance;

import org.mtl4j.balance.solver.AlignedMtlSolver;

/**
 * Aligned-MTL: Senushkin et al., "Independent Component Alignment for Multi-Task Learning", CVPR
 * 2023. The task gradients are replaced by the closest set of orthogonal gradients with equal norms
 * (a Procrustes problem solved through the eigen-decomposition of the Gram matrix), so the gradient
 * system has condition number 1 and no task dominates; the update is their sum, scaled by the
 * smallest singular value (the paper), the median or the root mean square (the authors' code
 * options). Solved in double precision by {@link AlignedMtlSolver}.
 */
public final class AlignedMtl implements GradientAggregator {
    private final GradientMode mode;
    private final AlignedMtlSolver.Scale scale;

    public AlignedMtl(GradientMode mode, AlignedMtlSolver.Scale scale) {
        this.mode = mode;
        this.scale = scale;
    }

    @Override
    public String name() {
        return "aligned_mtl";
    }

    @Override
    public GradientMode mode() {
        return mode;
    }

    @Override
    public void init(int taskCount, long seed) {}

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        return AlignedMtlSolver.solve(gram, null, scale, AlignedMtlSolver.DEFAULT_RANK_TOLERANCE)
                .weights();
    }
}
