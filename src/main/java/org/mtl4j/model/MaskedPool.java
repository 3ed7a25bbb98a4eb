package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import org.mtl4j.train.Scalars;

/**
 * Mean and maximum over the real positions of padded sequences. Inputs: values (B, k, w) and a mask
 * (B, k) of the values' type, 1 at real positions and 0 at padding. Outputs (B, w); a row without
 * any real position gives zeros.
 */
final class MaskedPool {
    private MaskedPool() {}

    static NDArray mean(NDArray x, NDArray mask) {
        NDArray count = mask.sum(new int[] {1}, true).maximum(Scalars.of(x, 1)); // (B, 1)
        return x.mul(mask.expandDims(2)).sum(new int[] {1}).div(count);
    }

    static NDArray max(NDArray x, NDArray mask) {
        // padding pushed far below any value
        NDArray shifted =
                x.mul(mask.expandDims(2))
                        .add(
                                mask.sub(Scalars.of(mask, 1))
                                        .mul(Scalars.of(mask, 1e4))
                                        .expandDims(2));
        NDArray any = mask.max(new int[] {1}, true); // (B, 1): 1 if any real position
        return shifted.max(new int[] {1}).mul(any);
    }
}
