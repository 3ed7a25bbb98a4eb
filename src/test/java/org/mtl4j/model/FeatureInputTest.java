package org.mtl4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.run.Engines;

/** A multi-valued column is the mean of the embeddings of its non-padding ids. */
class FeatureInputTest {
    @Test
    void multiValuedColumnsAverageTheirEmbeddingsIgnoringPadding() {
        Engines.start(1, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            // one numeric feature; a single-valued column (3 ids) and a multi-valued one with 2
            // slots (ids 0..3, 4 = padding)
            FeatureInput in = new FeatureInput(1, List.of(3, 5), List.of(1, 2), 2);
            in.initialize(m, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 3));
            float[] table = {0, 0, 1, 1, 2, 4, 3, 9, 7, 7}; // rows: ids 0..4, width 2
            for (var p : in.getParameters()) {
                if (p.getKey().contains("embedding_1")) {
                    p.getValue().getArray().set(new NDIndex(":"), m.create(table, new Shape(5, 2)));
                }
            }
            ParameterStore ps = new ParameterStore(m, false);
            long[] ids = {
                0, 1, 2, // row 0: tokens 1 and 2
                0, 3, 4, // row 1: token 3 and padding
                0, 4, 4 // row 2: no token
            };
            float[] out =
                    in.forward(
                                    ps,
                                    new NDList(
                                            m.create(new float[] {5, 6, 7}, new Shape(3, 1)),
                                            m.create(ids, new Shape(3, 3))),
                                    false)
                            .singletonOrThrow()
                            .get(":, 3:")
                            .toFloatArray();
            assertArrayEquals(new float[] {1.5f, 2.5f, 3f, 9f, 0f, 0f}, out, 1e-6f);
        }
    }
}
