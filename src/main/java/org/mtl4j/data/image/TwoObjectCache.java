package org.mtl4j.data.image;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.mtl4j.Mtl4jException;
import org.mtl4j.run.AtomicFiles;

/**
 * Cache file of {@link TwoObjectImages} pairs, {@code <cacheDir>/<name>-<seed>-<count>.bin}.
 *
 * <p>Format (big-endian, version 1):
 *
 * <pre>
 * offset  size         field
 * 0       8            magic, ASCII "MTL4J2OB"
 * 8       4            format version, int32 = 1
 * 12      8            seed, int64
 * 20      4            count n, int32 &gt; 0
 * 24      4            rows, int32 = 28
 * 28      4            cols, int32 = 28
 * 32      n·784        pixels, unsigned bytes 0..255, image-major then row-major
 * 32+n·784     n       task 0 classes (top-left item), bytes 0..9
 * 32+n·785     n       task 1 classes (bottom-right item), bytes 0..9
 * 32+n·786     4       CRC-32 of the bytes from offset 32 up to here, int32
 * </pre>
 *
 * A file whose length, header, labels or checksum do not match is treated as absent (and so rebuilt
 * and overwritten); it is never partly trusted. Files are written with {@link AtomicFiles#write}.
 */
final class TwoObjectCache {
    private TwoObjectCache() {}

    static final byte[] MAGIC = "MTL4J2OB".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER = 32;

    private static final int PIXELS = TwoObjectImages.SIDE * TwoObjectImages.SIDE;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    /** The cache file for these parameters; rejects names that are not a plain file-name part. */
    static Path file(Path cacheDir, String name, long seed, int count) {
        if (cacheDir == null) {
            throw new Mtl4jException("cache directory is missing; give a directory for the cache");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new Mtl4jException(
                    "cache name '"
                            + name
                            + "' is not usable in a file name; use letters, digits, '.', '_' or"
                            + " '-' (not starting with '.'), e.g. multi-mnist-train");
        }
        return cacheDir.resolve(name + "-" + seed + "-" + count + ".bin");
    }

    /** Expected length in bytes of a cache file with {@code count} pairs. */
    static long length(int count) {
        return HEADER + (long) count * (PIXELS + 2) + 4;
    }

    /** The pairs in {@code file}, or null if it is absent, unreadable or not a valid cache. */
    static TwoObjectImages.Pairs read(Path file, long seed, int count) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) != length(count)) {
                return null;
            }
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                if (!headerMatches(new DataInputStream(raw), seed, count)) {
                    return null;
                }
                return body(raw, count);
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean headerMatches(DataInputStream in, long seed, int count)
            throws IOException {
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        return Arrays.equals(magic, MAGIC)
                && in.readInt() == VERSION
                && in.readLong() == seed
                && in.readInt() == count
                && in.readInt() == TwoObjectImages.SIDE
                && in.readInt() == TwoObjectImages.SIDE;
    }

    private static TwoObjectImages.Pairs body(InputStream raw, int count) throws IOException {
        CheckedInputStream checked = new CheckedInputStream(raw, new CRC32());
        DataInputStream in = new DataInputStream(checked);
        byte[] pixels = new byte[count * PIXELS];
        byte[] top = new byte[count];
        byte[] bottom = new byte[count];
        in.readFully(pixels);
        in.readFully(top);
        in.readFully(bottom);
        int crc = (int) checked.getChecksum().getValue();
        if (new DataInputStream(raw).readInt() != crc || !classes(top) || !classes(bottom)) {
            return null;
        }
        return new TwoObjectImages.Pairs(count, pixels, top, bottom);
    }

    private static boolean classes(byte[] values) {
        for (byte v : values) {
            if ((v & 0xFF) >= TwoObjectImages.CLASSES) {
                return false;
            }
        }
        return true;
    }

    /** Writes {@code pairs} to {@code file} atomically. */
    static void write(Path file, long seed, TwoObjectImages.Pairs pairs) {
        AtomicFiles.write(
                file,
                out -> {
                    DataOutputStream header = new DataOutputStream(out);
                    header.write(MAGIC);
                    header.writeInt(VERSION);
                    header.writeLong(seed);
                    header.writeInt(pairs.count());
                    header.writeInt(TwoObjectImages.SIDE);
                    header.writeInt(TwoObjectImages.SIDE);
                    CheckedOutputStream checked = new CheckedOutputStream(out, new CRC32());
                    checked.write(pairs.pixels());
                    checked.write(pairs.top());
                    checked.write(pairs.bottom());
                    header.writeInt((int) checked.getChecksum().getValue());
                    header.flush();
                });
    }
}
