package org.mtl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mtl4j.Mtl4jException;

class SplitsTest {

    @Test
    void partsHaveRoundedSizesAreSortedAndPartitionTheRows() {
        int[][] s = Splits.random(1001, 0.1, 0.25, 7);
        assertEquals(3, s.length);
        assertEquals(100, s[1].length); // round(100.1)
        assertEquals(250, s[2].length); // round(250.25)
        assertEquals(651, s[0].length);
        boolean[] seen = new boolean[1001];
        for (int[] part : s) {
            int[] copy = part.clone();
            Arrays.sort(copy);
            assertArrayEquals(copy, part, "sorted");
            for (int i : part) {
                assertFalse(seen[i], "row " + i + " appears twice");
                seen[i] = true;
            }
        }
        for (int i = 0; i < seen.length; i++) {
            assertTrue(seen[i], "row " + i + " missing");
        }
    }

    @Test
    void sameSeedSameSplitDifferentSeedDifferentSplit() {
        int[][] a = Splits.random(500, 0.2, 0.2, 42);
        int[][] b = Splits.random(500, 0.2, 0.2, 42);
        int[][] c = Splits.random(500, 0.2, 0.2, 43);
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(a[k], b[k]);
        }
        assertFalse(Arrays.equals(a[1], c[1]));
    }

    @Test
    void splitIsShuffledNotContiguous() {
        int[][] s = Splits.random(1000, 0.3, 0.0, 1);
        assertEquals(0, s[2].length);
        int[] val = s[1];
        assertTrue(val[val.length - 1] - val[0] > 900, "validation rows spread over the range");
        assertTrue(val[0] < 50);
    }

    @Test
    void zeroFractionsKeepEveryRowForTraining() {
        int[][] s = Splits.random(5, 0, 0, 3);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, s[0]);
        assertEquals(0, s[1].length);
        assertEquals(0, s[2].length);
    }

    @Test
    void invalidFractionsAreRejected() {
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> Splits.random(10, 1.0, 0, 1));
        assertTrue(e.getMessage().contains("validation fraction 1.0"), e.getMessage());
        e = assertThrows(Mtl4jException.class, () -> Splits.random(10, 0.1, -0.1, 1));
        assertTrue(e.getMessage().contains("test fraction -0.1"), e.getMessage());
        assertThrows(Mtl4jException.class, () -> Splits.random(10, Double.NaN, 0, 1));
        e = assertThrows(Mtl4jException.class, () -> Splits.random(10, 0.5, 0.5, 1));
        assertTrue(e.getMessage().contains("below 1"), e.getMessage());
    }

    @Test
    void emptyTrainingPartIsAnError() {
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> Splits.random(3, 0.5, 0.49, 1));
        assertTrue(e.getMessage().contains("no training rows"), e.getMessage());
        assertThrows(Mtl4jException.class, () -> Splits.random(0, 0.1, 0.1, 1));
        assertEquals(1, Splits.random(3, 0.4, 0.4, 1)[0].length);
    }
}
