package org.mtl4j.data.image;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.mtl4j.Mtl4jException;

/**
 * Reads unsigned-byte files in the IDX format of LeCun et al.'s MNIST database (also used by
 * Fashion-MNIST, Xiao et al. 2017).
 *
 * <p>Format: bytes 0–1 are zero; byte 2 is the data type (only {@code 0x08}, unsigned byte, is
 * accepted); byte 3 is the number of dimensions d; then d big-endian int32 sizes; then the product
 * of the sizes data bytes, last dimension fastest, and nothing after them. Image files have d = 3
 * (count, rows, cols), label files d = 1 (count). A file whose first two bytes are {@code 1f 8b} is
 * gunzipped first, whatever its name.
 */
public final class IdxReader {
    private IdxReader() {}

    /** Where the usual data sets come from, appended to "file not found" messages. */
    static final String SOURCE_HINT =
            "Fashion-MNIST comes from `apt-get install dataset-fashion-mnist` (files in"
                    + " /usr/share/datasets/fashion-mnist/); for MNIST give any MNIST-format IDX"
                    + " file (e.g. train-images-idx3-ubyte.gz)";

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Images: {@code pixels} is count × rows × cols bytes, row-major, each byte an unsigned value
     * 0..255 (read it with {@code pixels[k] & 0xFF}).
     */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        public Images {
            Objects.requireNonNull(pixels, "pixels");
            if (count <= 0 || rows <= 0 || cols <= 0) {
                throw new IllegalArgumentException(
                        "non-positive size " + count + "x" + rows + "x" + cols);
            }
            if (pixels.length != (long) count * rows * cols) {
                throw new IllegalArgumentException(
                        pixels.length + " pixels for " + count + "x" + rows + "x" + cols);
            }
        }
    }

    /** Labels: {@code values[i]} is the unsigned label of item i. */
    public record Labels(int count, byte[] values) {
        public Labels {
            Objects.requireNonNull(values, "values");
            if (count <= 0 || values.length != count) {
                throw new IllegalArgumentException(values.length + " values for count " + count);
            }
        }
    }

    /** Reads an IDX image file (type 0x08, 3 dimensions: count, rows, cols). */
    public static Images readImages(Path file) {
        Parsed p = read(file, 3, "images (count, rows, cols)");
        return new Images(p.sizes[0], p.sizes[1], p.sizes[2], p.data);
    }

    /** Reads an IDX label file (type 0x08, 1 dimension: count). */
    public static Labels readLabels(Path file) {
        Parsed p = read(file, 1, "labels (count)");
        return new Labels(p.sizes[0], p.data);
    }

    /**
     * The first of {@code candidates} (file names) that is a regular file in {@code dir}, e.g.
     * {@code find(dir, "train-images-idx3-ubyte.gz", "train-images-idx3-ubyte")}.
     *
     * @throws Mtl4jException listing the names looked for if none exists
     */
    public static Path find(Path dir, String... candidates) {
        for (String c : candidates) {
            Path p = dir.resolve(c);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new Mtl4jException(
                "none of " + Arrays.toString(candidates) + " found in " + dir + "; " + SOURCE_HINT);
    }

    private record Parsed(int[] sizes, byte[] data) {}

    private static Parsed read(Path file, int dims, String what) {
        try (InputStream in = open(file)) {
            int[] sizes = readHeader(in, file, dims, what);
            return new Parsed(sizes, readData(in, file, sizes));
        } catch (NoSuchFileException e) {
            throw new Mtl4jException("IDX file not found: " + file + "; " + SOURCE_HINT, e);
        } catch (EOFException e) {
            throw new Mtl4jException(
                    file + " is a truncated gzip file (compressed data ends early); re-download it",
                    e);
        } catch (ZipException e) {
            throw new Mtl4jException(
                    file + " starts like gzip but is not valid gzip (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new Mtl4jException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads exactly the data bytes the header announces; rejects short or long files. */
    private static byte[] readData(InputStream in, Path file, int[] sizes) throws IOException {
        int expected = dataLength(file, sizes);
        int header = 4 + 4 * sizes.length;
        byte[] data = in.readNBytes(expected);
        if (data.length < expected) {
            throw new Mtl4jException(
                    file
                            + " is truncated: expected "
                            + expected
                            + " data bytes after the "
                            + header
                            + "-byte header, found "
                            + data.length
                            + " (re-download or re-extract the file)");
        }
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0) {
            throw new Mtl4jException(
                    file
                            + " has "
                            + extra
                            + " trailing bytes after offset "
                            + ((long) header + expected)
                            + " (header sizes "
                            + sizeText(sizes)
                            + " give "
                            + expected
                            + " data bytes); the file is corrupt or not this IDX file");
        }
        return data;
    }

    /** Opens {@code file}, gunzipping when its first two bytes are the gzip magic 1f 8b. */
    private static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            }
            return in;
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    private static int[] readHeader(InputStream in, Path file, int dims, String what)
            throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw truncatedHeader(file, 4, magic.length);
        }
        checkMagic(magic, file, dims, what);
        byte[] raw = in.readNBytes(4 * dims);
        if (raw.length < 4 * dims) {
            throw truncatedHeader(file, 4 + 4 * dims, 4 + raw.length);
        }
        int[] sizes = new int[dims];
        for (int d = 0; d < dims; d++) {
            int k = 4 * d;
            sizes[d] =
                    ((raw[k] & 0xFF) << 24)
                            | ((raw[k + 1] & 0xFF) << 16)
                            | ((raw[k + 2] & 0xFF) << 8)
                            | (raw[k + 3] & 0xFF);
            if (sizes[d] <= 0) {
                throw new Mtl4jException(
                        file
                                + ": size of dimension "
                                + d
                                + " (at byte offset "
                                + (4 + k)
                                + ") is "
                                + sizes[d]
                                + ", must be positive; the header is corrupt");
            }
        }
        return sizes;
    }

    /** Checks bytes 0–3: two zeros, type 0x08, then {@code dims}. */
    private static void checkMagic(byte[] magic, Path file, int dims, String what) {
        if (magic[0] != 0 || magic[1] != 0) {
            throw new Mtl4jException(
                    "not an IDX file: "
                            + file
                            + " starts with bytes "
                            + hex(magic[0])
                            + " "
                            + hex(magic[1])
                            + ", expected 0x00 0x00 (give an MNIST-format IDX file, plain or"
                            + " gzipped)");
        }
        if (magic[2] != 0x08) {
            throw new Mtl4jException(
                    file
                            + ": byte 2 (data type) is "
                            + hex(magic[2])
                            + " ("
                            + typeName(magic[2])
                            + "); only 0x08 (unsigned byte) is supported");
        }
        if (magic[3] != dims) {
            throw new Mtl4jException(
                    file
                            + ": byte 3 (dimension count) is "
                            + (magic[3] & 0xFF)
                            + ", expected "
                            + dims
                            + " for "
                            + what
                            + " (is this the right file?)");
        }
    }

    /** The product of the sizes, or an error when it does not fit in a Java array. */
    private static int dataLength(Path file, int[] sizes) {
        long product = 1;
        for (int s : sizes) {
            product *= s;
            if (product > MAX_ARRAY) {
                throw new Mtl4jException(
                        file
                                + ": header sizes "
                                + sizeText(sizes)
                                + " overflow: their product exceeds "
                                + MAX_ARRAY
                                + " bytes; the header is corrupt or this is not an image file");
            }
        }
        return (int) product;
    }

    private static Mtl4jException truncatedHeader(Path file, int expected, int found) {
        return new Mtl4jException(
                file
                        + " is truncated: the IDX header needs "
                        + expected
                        + " bytes, found "
                        + found
                        + " (re-download or re-extract the file)");
    }

    private static String sizeText(int[] sizes) {
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < sizes.length; d++) {
            sb.append(d == 0 ? "" : "x").append(sizes[d]);
        }
        return sb.toString();
    }

    private static String hex(byte b) {
        return String.format("0x%02X", b & 0xFF);
    }

    private static String typeName(byte type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "int16";
            case 0x0C -> "int32";
            case 0x0D -> "float32";
            case 0x0E -> "float64";
            default -> "unknown type";
        };
    }
}
