package org.mtl4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.TaskLabels;

class TwoObjectImagesTest {

    private static final int P = 28 * 28;

    @TempDir Path dir;

    /** n 28×28 images, image k filled by fill(k, r, c). */
    interface Fill {
        int at(int k, int r, int c);
    }

    static IdxReader.Images images(int n, Fill fill) {
        byte[] px = new byte[n * P];
        for (int k = 0; k < n; k++) {
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    px[k * P + r * 28 + c] = (byte) fill.at(k, r, c);
                }
            }
        }
        return new IdxReader.Images(n, 28, 28, px);
    }

    static IdxReader.Labels labels(int... v) {
        byte[] b = new byte[v.length];
        for (int k = 0; k < v.length; k++) {
            b[k] = (byte) v[k];
        }
        return new IdxReader.Labels(v.length, b);
    }

    /** Pixel (r, c) of result row i as 0..255. */
    static int pixel(Dataset d, int i, int r, int c) {
        return Math.round(d.features().numeric()[i * P + r * 28 + c] * 255f);
    }

    static float feature(Dataset d, int i, int r, int c) {
        return d.features().numeric()[i * P + r * 28 + c];
    }

    static void assertSameData(Dataset x, Dataset y) {
        assertEquals(x.rows(), y.rows());
        assertArrayEquals(x.features().numeric(), y.features().numeric());
        assertEquals(x.labels().size(), y.labels().size());
        for (int t = 0; t < x.labels().size(); t++) {
            assertArrayEquals(x.labels().get(t).values(), y.labels().get(t).values());
            assertArrayEquals(x.labels().get(t).observed(), y.labels().get(t).observed());
        }
    }

    // A: 100 in rows/cols 2..13. B: 50 everywhere except 200 in rows/cols 0..3.
    // Canvas: A at 0..27, B at 6..33; max 200, so v -> round(v * 255 / 200).
    static final IdxReader.Images SQUARE =
            images(1, (k, r, c) -> r >= 2 && r <= 13 && c >= 2 && c <= 13 ? 100 : 0);
    static final IdxReader.Images PATTERN = images(1, (k, r, c) -> r <= 3 && c <= 3 ? 200 : 50);

    @Test
    void overlapTakesMaximumAndCanvasIsRescaledTo255() {
        Dataset d = TwoObjectImages.build(SQUARE, labels(1), PATTERN, labels(2), 7);
        assertEquals(1, d.rows());
        assertEquals(784, d.features().numericWidth());
        assertEquals(0, d.features().categoricalWidth());
        int a = (100 * 255 + 100) / 200; // 128: 127.5 rounded half up
        int b = (50 * 255 + 100) / 200; // 64
        assertEquals(128, a);
        assertEquals(64, b);
        assertEquals(a / 255f, feature(d, 0, 3, 3)); // canvas (3, 3): top-left only
        assertEquals(a / 255f, feature(d, 0, 2, 8)); // canvas (2, 10): top-left only
        assertEquals(1.0f, feature(d, 0, 5, 5)); // canvas (6, 6): overlap, B=200 wins
        assertEquals(1.0f, feature(d, 0, 6, 7)); // canvas (7, 9): overlap, B=200 wins
        assertEquals(a / 255f, feature(d, 0, 8, 8)); // canvas (10, 10): overlap, A=100 > B=50
        assertEquals(b / 255f, feature(d, 0, 16, 16)); // canvas (20, 20): overlap, A=0 < B=50
        assertEquals(b / 255f, feature(d, 0, 24, 24)); // canvas (30, 30): bottom-right only
        assertEquals(b / 255f, feature(d, 0, 25, 20)); // canvas (32, 25): bottom-right only
        assertEquals(0f, feature(d, 0, 25, 3)); // canvas (32, 3): left of B, below A
        assertEquals(0f, feature(d, 0, 2, 24)); // canvas (2, 30): neither item
        assertEquals(0f, feature(d, 0, 0, 0)); // canvas (0, 0): A=0 there
        assertEquals(0f, feature(d, 0, 27, 27)); // canvas (34, 34): past B
        for (float f : d.features().numeric()) {
            assertTrue(f >= 0f && f <= 1f);
        }
    }

    @Test
    void nearestNeighbourTakesFloorOfScaledCoordinates() {
        // A has distinct-ish values and a 255 at (0, 0), so the rescale is the identity; B is zero.
        Fill pattern = (k, r, c) -> r == 0 && c == 0 ? 255 : (r * 31 + c * 17) % 251;
        IdxReader.Images a = images(1, pattern);
        IdxReader.Images zero = images(1, (k, r, c) -> 0);
        Dataset d = TwoObjectImages.build(a, labels(0), zero, labels(0), 1);
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                int sr = r * 36 / 28;
                int sc = c * 36 / 28;
                int expected = sr < 28 && sc < 28 ? pattern.at(0, sr, sc) : 0;
                assertEquals(expected, pixel(d, 0, r, c), "pixel " + r + "," + c);
            }
        }
        assertEquals(pattern.at(0, 5, 5), pixel(d, 0, 4, 4)); // 4 * 36 / 28 = 5.14
        assertEquals(pattern.at(0, 9, 14), pixel(d, 0, 7, 11)); // 7 -> 9, 11 -> 14.14
        assertEquals(pattern.at(0, 27, 27), pixel(d, 0, 21, 21)); // 21 -> 27
    }

    @Test
    void allZeroCanvasStaysZero() {
        IdxReader.Images zero = images(2, (k, r, c) -> 0);
        Dataset d = TwoObjectImages.build(zero, labels(3, 4), zero, labels(3, 4), 5);
        for (float f : d.features().numeric()) {
            assertEquals(0f, f);
        }
    }

    /** 50 top-left images (255 at (0, 0)) and 7 partners, partner k uniformly 10k + 5. */
    static final IdxReader.Images TOPS = images(50, (k, r, c) -> r == 0 && c == 0 ? 255 : 0);

    static final IdxReader.Labels TOP_LABELS = labels(cycle(50, 10, 0));
    static final IdxReader.Images PARTNERS = images(7, (k, r, c) -> 10 * k + 5);
    static final IdxReader.Labels PARTNER_LABELS = labels(9, 8, 7, 6, 5, 4, 3);

    static int[] cycle(int n, int mod, int shift) {
        int[] v = new int[n];
        for (int k = 0; k < n; k++) {
            v[k] = (k + shift) % mod;
        }
        return v;
    }

    @Test
    void task0IsOwnLabelAndTask1IsPartnersLabel() {
        long seed = 42;
        Dataset d = TwoObjectImages.build(TOPS, TOP_LABELS, PARTNERS, PARTNER_LABELS, seed);
        assertEquals(50, d.rows());
        assertEquals(2, d.labels().size());
        TaskLabels own = d.labels().get(0);
        TaskLabels partner = d.labels().get(1);
        assertEquals(1, own.width());
        assertEquals(50, own.observedCount());
        assertEquals(50, partner.observedCount());
        SplittableRandom rng = new SplittableRandom(seed); // the documented draw
        for (int i = 0; i < 50; i++) {
            int j = pixel(d, i, 24, 24) / 10; // bottom-right-only pixel identifies the partner
            assertEquals(10 * j + 5, pixel(d, i, 24, 24));
            assertEquals(rng.nextInt(7), j);
            assertEquals(i % 10, own.values()[i]);
            assertEquals(9 - j, partner.values()[i]);
        }
    }

    @Test
    void sameSeedSameDataOtherSeedOtherPartners() {
        Dataset x = TwoObjectImages.build(TOPS, TOP_LABELS, PARTNERS, PARTNER_LABELS, 3);
        Dataset y = TwoObjectImages.build(TOPS, TOP_LABELS, PARTNERS, PARTNER_LABELS, 3);
        Dataset z = TwoObjectImages.build(TOPS, TOP_LABELS, PARTNERS, PARTNER_LABELS, 4);
        assertSameData(x, y);
        assertFalse(Arrays.equals(x.labels().get(1).values(), z.labels().get(1).values()));
        assertFalse(Arrays.equals(x.features().numeric(), z.features().numeric()));
        assertArrayEquals(x.labels().get(0).values(), z.labels().get(0).values());
    }

    @Test
    void rejectsWrongShapesCountsAndLabels() {
        IdxReader.Images small = new IdxReader.Images(1, 27, 28, new byte[27 * 28]);
        Mtl4jException shape =
                assertThrows(
                        Mtl4jException.class,
                        () -> TwoObjectImages.build(small, labels(1), SQUARE, labels(1), 1));
        assertTrue(shape.getMessage().contains("27x28"), shape.getMessage());
        assertTrue(shape.getMessage().contains("expected 28x28"), shape.getMessage());
        Mtl4jException count =
                assertThrows(
                        Mtl4jException.class,
                        () -> TwoObjectImages.build(SQUARE, labels(1, 2), SQUARE, labels(1), 1));
        assertTrue(count.getMessage().contains("1 images but 2 labels"), count.getMessage());
        Mtl4jException label =
                assertThrows(
                        Mtl4jException.class,
                        () ->
                                TwoObjectImages.build(
                                        TOPS,
                                        TOP_LABELS,
                                        PARTNERS,
                                        labels(1, 2, 3, 200, 5, 6, 7),
                                        1));
        assertTrue(label.getMessage().contains("index 3"), label.getMessage());
        assertTrue(label.getMessage().contains("is 200"), label.getMessage());
        assertTrue(label.getMessage().contains("0..9"), label.getMessage());
        assertTrue(label.getMessage().contains("second"), label.getMessage());
    }

    private Dataset cached(IdxReader.Images a, IdxReader.Labels la, long seed) {
        return TwoObjectImages.buildCached(
                dir, "multi-test", a, la, PARTNERS, PARTNER_LABELS, seed);
    }

    private Path cacheFile(long seed) {
        return dir.resolve("multi-test-" + seed + "-50.bin");
    }

    /** TOPS with other pixels and labels: a build from these differs from a build from TOPS. */
    static final IdxReader.Images OTHER_TOPS = images(50, (k, r, c) -> r == 1 && c == 1 ? 255 : 0);

    static final IdxReader.Labels OTHER_LABELS = labels(cycle(50, 10, 3));

    @Test
    void cacheReturnsIdenticalDataAndIsUsedOnLaterCalls() throws IOException {
        Dataset fresh = TwoObjectImages.build(TOPS, TOP_LABELS, PARTNERS, PARTNER_LABELS, 9);
        Dataset first = cached(TOPS, TOP_LABELS, 9);
        assertSameData(fresh, first);
        assertEquals(32 + 50 * 786 + 4, Files.size(cacheFile(9)));
        // Documented behaviour: a valid cache file is returned without looking at the sources.
        Dataset second = cached(OTHER_TOPS, OTHER_LABELS, 9);
        assertSameData(fresh, second);
        Dataset other =
                TwoObjectImages.build(OTHER_TOPS, OTHER_LABELS, PARTNERS, PARTNER_LABELS, 9);
        assertFalse(Arrays.equals(other.features().numeric(), second.features().numeric()));
        // another seed is another file
        assertSameData(
                TwoObjectImages.build(TOPS, TOP_LABELS, PARTNERS, PARTNER_LABELS, 10),
                cached(TOPS, TOP_LABELS, 10));
        assertTrue(Files.exists(cacheFile(10)));
    }

    @Test
    void truncatedCacheIsRebuilt() throws IOException {
        cached(TOPS, TOP_LABELS, 9);
        byte[] full = Files.readAllBytes(cacheFile(9));
        Files.write(cacheFile(9), Arrays.copyOf(full, full.length - 10));
        Dataset rebuilt = cached(OTHER_TOPS, OTHER_LABELS, 9);
        assertSameData(
                TwoObjectImages.build(OTHER_TOPS, OTHER_LABELS, PARTNERS, PARTNER_LABELS, 9),
                rebuilt);
        assertEquals(full.length, Files.size(cacheFile(9))); // overwritten with a full file
        assertSameData(rebuilt, cached(TOPS, TOP_LABELS, 9)); // and trusted again
    }

    @Test
    void cacheWithWrongHeaderOrCorruptBodyIsRebuilt() throws IOException {
        Dataset expected =
                TwoObjectImages.build(OTHER_TOPS, OTHER_LABELS, PARTNERS, PARTNER_LABELS, 9);
        for (long offset : new long[] {0, 8, 12, 20, 24, 32 + 100, 32 + 50 * 786}) {
            cached(TOPS, TOP_LABELS, 9);
            try (RandomAccessFile f = new RandomAccessFile(cacheFile(9).toFile(), "rw")) {
                f.seek(offset);
                int b = f.read();
                f.seek(offset);
                f.write(b ^ 0x01);
            }
            assertSameData(expected, cached(OTHER_TOPS, OTHER_LABELS, 9));
            Files.delete(cacheFile(9));
        }
    }

    @Test
    void cacheNameMustBeAFileNamePart() {
        for (String bad : new String[] {"", "../x", "a/b", ".hidden", "sp ace"}) {
            Mtl4jException e =
                    assertThrows(
                            Mtl4jException.class,
                            () ->
                                    TwoObjectImages.buildCached(
                                            dir,
                                            bad,
                                            TOPS,
                                            TOP_LABELS,
                                            PARTNERS,
                                            PARTNER_LABELS,
                                            1));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
