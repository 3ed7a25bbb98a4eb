package org.mtl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.mtl4j.task.LossKind;
import org.mtl4j.task.Task;

/**
 * Per-task losses averaged over the observed rows only.
 *
 * <p>Shapes: {@code output} (B, outputWidth), {@code labels} (B, labelWidth), {@code mask} (B) with
 * 1 for labelled rows and 0 otherwise. Unlabelled rows are multiplied by 0 before the sum, and the
 * sum is divided by the number of labelled rows, so such a row changes neither the loss nor any
 * gradient. Labels of unlabelled rows must be finite (the data layer stores 0).
 */
public final class Losses {
    private Losses() {}

    /**
     * The masked mean loss of one task, a scalar.
     *
     * @param observedRows number of rows with {@code mask == 1}; must be at least 1
     */
    public static NDArray masked(
            Task task, NDArray output, NDArray labels, NDArray mask, int observedRows) {
        if (observedRows < 1) {
            throw new IllegalArgumentException(
                    "task " + task.name() + ": no labelled row in the batch");
        }
        NDArray perRow = perRow(task, output, labels);
        return perRow.mul(mask).sum().div(Scalars.of(perRow, observedRows));
    }

    /** The loss of every row, shape (B). */
    public static NDArray perRow(Task task, NDArray output, NDArray labels) {
        LossKind kind = task.loss();
        switch (kind) {
            case BCE:
                return bceWithLogits(output, labels).mean(new int[] {1});
            case SOFTMAX_CE:
                {
                    int k = task.type().outputWidth();
                    NDArray oneHot = labels.reshape(-1).toType(DataType.INT64, false).oneHot(k);
                    return output.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg();
                }
            case MSE:
                return output.sub(labels).square().mean(new int[] {1});
            case L1:
                return output.sub(labels).abs().mean(new int[] {1});
            default:
                throw new IllegalStateException("unhandled loss " + kind);
        }
    }

    /** Element-wise max(x, 0) − x·y + log(1 + exp(−|x|)): stable for any logit. */
    static NDArray bceWithLogits(NDArray logits, NDArray y) {
        NDArray zero = Scalars.of(logits, 0);
        NDArray one = Scalars.of(logits, 1);
        return logits.maximum(zero).sub(logits.mul(y)).add(logits.abs().neg().exp().add(one).log());
    }
}
