package org.mtl4j.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;

class IdxReaderTest {

    @TempDir Path dir;

    /** IDX bytes: 0, 0, type, dims, big-endian sizes, then data. */
    static byte[] idx(int type, int[] sizes, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * sizes.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) sizes.length);
        for (int s : sizes) {
            b.putInt(s);
        }
        return b.put(data).array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(raw);
        }
        return bos.toByteArray();
    }

    static byte[] ramp(int n) {
        byte[] d = new byte[n];
        for (int k = 0; k < n; k++) {
            d[k] = (byte) (k * 7 + 3);
        }
        return d;
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private Mtl4jException imagesError(String name, byte[] content) throws IOException {
        Path p = write(name, content);
        return assertThrows(Mtl4jException.class, () -> IdxReader.readImages(p));
    }

    private static void assertContains(Mtl4jException e, String... parts) {
        for (String part : parts) {
            assertTrue(
                    e.getMessage().contains(part),
                    () -> "'" + e.getMessage() + "' should contain '" + part + "'");
        }
    }

    @Test
    void plainImagesRoundTrip() throws IOException {
        byte[] data = ramp(2 * 3 * 4);
        data[5] = (byte) 250;
        Path p = write("img", idx(8, new int[] {2, 3, 4}, data));
        IdxReader.Images img = IdxReader.readImages(p);
        assertEquals(2, img.count());
        assertEquals(3, img.rows());
        assertEquals(4, img.cols());
        assertArrayEquals(data, img.pixels());
        assertEquals(250, img.pixels()[5] & 0xFF); // values above 127 stay unsigned
    }

    @Test
    void gzippedFilesAreDetectedByContentNotName() throws IOException {
        byte[] data = ramp(5 * 28 * 28);
        Path gz = write("images.idx", gzip(idx(8, new int[] {5, 28, 28}, data)));
        assertArrayEquals(data, IdxReader.readImages(gz).pixels());
        byte[] labels = {0, 9, 3, (byte) 200};
        Path plainNamedGz = write("labels.gz", idx(8, new int[] {4}, labels));
        IdxReader.Labels l = IdxReader.readLabels(plainNamedGz);
        assertEquals(4, l.count());
        assertArrayEquals(labels, l.values());
        Path lgz = write("l2", gzip(idx(8, new int[] {4}, labels)));
        assertArrayEquals(labels, IdxReader.readLabels(lgz).values());
    }

    @Test
    void missingFileGivesTheAptHint() {
        Path p = dir.resolve("t10k-images-idx3-ubyte.gz");
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> IdxReader.readImages(p));
        assertContains(
                e,
                "t10k-images-idx3-ubyte.gz",
                "apt-get install dataset-fashion-mnist",
                "/usr/share/datasets/fashion-mnist/",
                "MNIST-format IDX");
    }

    @Test
    void wrongMagicIsRejected() throws IOException {
        Mtl4jException e = imagesError("png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0});
        assertContains(e, "png", "not an IDX file", "0x89 0x50", "expected 0x00 0x00");
    }

    @Test
    void nonByteTypeIsRejected() throws IOException {
        Mtl4jException e = imagesError("floats", idx(0x0D, new int[] {1, 1, 1}, new byte[4]));
        assertContains(e, "floats", "data type", "0x0D", "float32", "only 0x08");
    }

    @Test
    void wrongDimensionCountIsRejected() throws IOException {
        Mtl4jException e = imagesError("labels-as-images", idx(8, new int[] {3}, new byte[3]));
        assertContains(e, "labels-as-images", "dimension count", "is 1", "expected 3");
        Path p = write("images-as-labels", idx(8, new int[] {1, 2, 2}, new byte[4]));
        Mtl4jException l = assertThrows(Mtl4jException.class, () -> IdxReader.readLabels(p));
        assertContains(l, "images-as-labels", "is 3", "expected 1");
    }

    @Test
    void truncatedDataSaysExpectedAndFound() throws IOException {
        byte[] full = idx(8, new int[] {2, 3, 4}, ramp(24));
        Mtl4jException e = imagesError("short", Arrays.copyOf(full, full.length - 5));
        assertContains(e, "short", "truncated", "expected 24 data bytes", "found 19");
        Mtl4jException gz = imagesError("short.gz", gzip(Arrays.copyOf(full, full.length - 5)));
        assertContains(gz, "short.gz", "expected 24", "found 19");
    }

    @Test
    void truncatedHeaderIsRejected() throws IOException {
        assertContains(imagesError("tiny", new byte[] {0, 0}), "tiny", "needs 4 bytes", "found 2");
        byte[] full = idx(8, new int[] {2, 3, 4}, new byte[0]);
        Mtl4jException e = imagesError("half", Arrays.copyOf(full, 10));
        assertContains(e, "half", "needs 16 bytes", "found 10");
    }

    @Test
    void truncatedGzipStreamIsRejected() throws IOException {
        byte[] gz = gzip(idx(8, new int[] {4, 28, 28}, ramp(4 * 784)));
        Mtl4jException e = imagesError("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        assertContains(e, "cut.gz", "truncated");
    }

    @Test
    void trailingGarbageIsRejected() throws IOException {
        byte[] full = idx(8, new int[] {2, 3, 4}, ramp(24));
        byte[] longer = Arrays.copyOf(full, full.length + 3);
        Mtl4jException e = imagesError("long", longer);
        assertContains(e, "long", "3 trailing bytes", "offset 40", "2x3x4");
    }

    @Test
    void nonPositiveSizesAreRejected() throws IOException {
        Mtl4jException zero = imagesError("zero", idx(8, new int[] {2, 0, 4}, new byte[0]));
        assertContains(zero, "zero", "dimension 1", "offset 8", "is 0", "must be positive");
        Mtl4jException neg = imagesError("neg", idx(8, new int[] {-5, 2, 2}, new byte[0]));
        assertContains(neg, "neg", "dimension 0", "is -5");
    }

    @Test
    void overflowingSizesAreRejected() throws IOException {
        Mtl4jException e = imagesError("huge", idx(8, new int[] {65536, 65536, 65536}, ramp(8)));
        assertContains(e, "huge", "65536x65536x65536", "overflow");
        Mtl4jException big =
                imagesError("big", idx(8, new int[] {Integer.MAX_VALUE, 2, 1}, ramp(8)));
        assertContains(big, "big", "overflow");
    }

    @Test
    void findReturnsFirstExistingCandidate() throws IOException {
        write("train-images-idx3-ubyte", new byte[1]);
        Path found = IdxReader.find(dir, "train-images-idx3-ubyte.gz", "train-images-idx3-ubyte");
        assertEquals(dir.resolve("train-images-idx3-ubyte"), found);
        write("train-images-idx3-ubyte.gz", new byte[1]);
        assertEquals(
                dir.resolve("train-images-idx3-ubyte.gz"),
                IdxReader.find(dir, "train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"));
    }

    @Test
    void findListsWhatWasLookedFor() {
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () -> IdxReader.find(dir, "t10k-labels-idx1-ubyte.gz", "t10k-labels"));
        assertContains(
                e,
                "t10k-labels-idx1-ubyte.gz",
                "t10k-labels]",
                dir.toString(),
                "apt-get install dataset-fashion-mnist");
    }

    @Test
    void readsDebianFashionMnistWhenInstalled() {
        Path debian = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.isDirectory(debian), "dataset-fashion-mnist is not installed");
        IdxReader.Images img =
                IdxReader.readImages(
                        IdxReader.find(
                                debian, "t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"));
        IdxReader.Labels lab =
                IdxReader.readLabels(
                        IdxReader.find(
                                debian, "t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte"));
        assertEquals(10000, img.count());
        assertEquals(28, img.rows());
        assertEquals(28, img.cols());
        assertEquals(10000, lab.count());
        for (byte v : lab.values()) {
            assertTrue(v >= 0 && v <= 9);
        }
    }
}
