package org.mtl4j.data.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.data.TaskLabels;

class ColumnarCacheTest {
    @TempDir Path tmp;

    private static final CacheLayout LAYOUT = new CacheLayout(3, 2, List.of(1, 4));

    private static Dataset random(Random r, int rows) {
        float[] num = new float[rows * 3];
        int[] cat = new int[rows * 2];
        for (int i = 0; i < num.length; i++) {
            num[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < cat.length; i++) {
            cat[i] = r.nextInt(1_000_000);
        }
        List<TaskLabels> labels = new ArrayList<>();
        for (int w : LAYOUT.labelWidths()) {
            float[] v = new float[rows * w];
            boolean[] o = new boolean[rows];
            for (int i = 0; i < rows; i++) {
                o[i] = r.nextDouble() < 0.7;
                for (int d = 0; d < w; d++) {
                    v[i * w + d] = o[i] ? r.nextInt(2) : 0;
                }
            }
            labels.add(new TaskLabels(rows, w, v, o));
        }
        return new Dataset(new FeatureMatrix(rows, 3, num, 2, cat), labels);
    }

    private static void assertSame(Dataset want, Dataset got) {
        assertEquals(want.rows(), got.rows());
        assertArrayEquals(want.features().numeric(), got.features().numeric());
        assertArrayEquals(want.features().categorical(), got.features().categorical());
        for (int t = 0; t < want.labels().size(); t++) {
            assertArrayEquals(want.labels().get(t).values(), got.labels().get(t).values());
            assertArrayEquals(want.labels().get(t).observed(), got.labels().get(t).observed());
        }
    }

    @Test
    void rowsWrittenInChunksReadBackInAnyOrderAcrossSegments() {
        Random r = new Random(1);
        Dataset all = null;
        Path dir = tmp.resolve("c1");
        try (CacheWriter w = CacheWriter.create(dir, LAYOUT)) {
            for (int chunk = 0; chunk < 7; chunk++) {
                Dataset d = random(r, 100 + chunk * 13);
                w.append(d);
                all = all == null ? d : all.concat(d);
            }
            w.finish();
        }
        // segments of 40 bytes: 3 rows of numerics (12 bytes each), 40 observed flags
        ColumnarCache c = ColumnarCache.open(dir, 40);
        assertEquals(all.rows(), c.rows());
        c.verify();
        int[] idx = new int[500];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = r.nextInt(all.rows());
        }
        assertSame(all.select(idx), c.rows(idx));
        assertSame(all.select(new int[] {5, 6, 7}), c.range(5, 3));
        assertSame(all, ColumnarCache.open(dir).range(0, all.rows()));
    }

    @Test
    void anUnfinishedCacheLeavesNothingAndIsNotOpened() throws Exception {
        Path dir = tmp.resolve("c2");
        try (CacheWriter w = CacheWriter.create(dir, LAYOUT)) {
            w.append(random(new Random(2), 10));
        } // closed without finish: abandoned
        assertFalse(Files.exists(dir));
        try (var s = Files.list(tmp)) {
            assertEquals(0, s.count(), "no staging directory left");
        }
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> ColumnarCache.open(dir));
        assertTrue(e.getMessage().contains("no complete data cache"), e.getMessage());
    }

    @Test
    void damagedFilesAreRefusedNamingTheFileAndTheWayOut() throws Exception {
        Path dir = tmp.resolve("c3");
        try (CacheWriter w = CacheWriter.create(dir, LAYOUT)) {
            w.append(random(new Random(3), 50));
            w.finish();
        }
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("numeric.f32").toFile(), "rw")) {
            f.seek(8);
            f.writeInt(0x7fc00000);
        }
        Mtl4jException crc =
                assertThrows(Mtl4jException.class, () -> ColumnarCache.open(dir).verify());
        assertTrue(
                crc.getMessage().contains("numeric.f32") && crc.getMessage().contains("delete"),
                crc.getMessage());
        try (RandomAccessFile f =
                new RandomAccessFile(dir.resolve("labels-1.f32").toFile(), "rw")) {
            f.setLength(f.length() - 4);
        }
        Mtl4jException size = assertThrows(Mtl4jException.class, () -> ColumnarCache.open(dir));
        assertTrue(size.getMessage().contains("labels-1.f32"), size.getMessage());
    }

    @Test
    void theKeyChangesWithTheSourcesAndTheSettings() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.csv"), "x,y\n1,2\n");
        String k = CacheKey.of(List.of(a), "numeric: [x]");
        assertEquals(k, CacheKey.of(List.of(a), "numeric: [x]"));
        assertNotEquals(k, CacheKey.of(List.of(a), "numeric: [x, y]"));
        Files.setLastModifiedTime(
                a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() + 1));
        String touched = CacheKey.of(List.of(a), "numeric: [x]");
        assertNotEquals(k, touched);
        Files.writeString(a, "x,y\n1,2\n3,4\n");
        assertNotEquals(touched, CacheKey.of(List.of(a), "numeric: [x]"));
        assertEquals(32, k.length());
    }
}
