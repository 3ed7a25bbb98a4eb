package org.mtl4j.data.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.data.TaskLabels;

/**
 * Writes a columnar cache as rows arrive, in chunks, with memory independent of the number of rows:
 * one little-endian file per column group (see {@link CacheFiles}), in a staging directory that
 * {@link #finish} checks, describes ({@code meta.json}, with each file's length and CRC-32) and
 * renames into place in one step. A crash leaves only a staging directory, which readers ignore; a
 * cache directory is either complete or absent.
 */
public final class CacheWriter implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private final CacheLayout layout;
    private final List<CacheFiles.Column> columns;
    private final List<OutputStream> outs = new ArrayList<>();
    private final List<CRC32> crcs = new ArrayList<>();
    private final long[] bytes;
    private long rows;
    private boolean done;

    private CacheWriter(Path target, CacheLayout layout) throws IOException {
        this.target = target;
        this.layout = layout;
        this.columns = CacheFiles.columns(layout);
        this.bytes = new long[columns.size()];
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        this.staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".partial-");
        for (CacheFiles.Column c : columns) {
            outs.add(
                    new BufferedOutputStream(
                            Files.newOutputStream(staging.resolve(c.name())), 1 << 16));
            crcs.add(new CRC32());
        }
    }

    /** Starts a cache that will be found at {@code dir} once {@link #finish} returns. */
    public static CacheWriter create(Path dir, CacheLayout layout) {
        try {
            return new CacheWriter(dir, layout);
        } catch (IOException e) {
            throw new Mtl4jException(
                    "cannot create a data cache in " + dir.getParent() + ": " + e.getMessage(), e);
        }
    }

    /** Appends the rows of {@code chunk} (its widths must match the layout). */
    public void append(Dataset chunk) {
        FeatureMatrix f = chunk.features();
        if (f.numericWidth() != layout.numericWidth()
                || f.categoricalWidth() != layout.categoricalWidth()
                || chunk.labels().size() != layout.tasks()) {
            throw new IllegalArgumentException(
                    "chunk of widths "
                            + f.numericWidth()
                            + "/"
                            + f.categoricalWidth()
                            + "/"
                            + chunk.labels().size()
                            + " tasks does not match the cache layout "
                            + layout);
        }
        try {
            ByteBuffer b = buffer(f.numeric().length * 4L);
            b.asFloatBuffer().put(f.numeric());
            write(0, b, f.numeric().length * 4);
            b = buffer(f.categorical().length * 4L);
            b.asIntBuffer().put(f.categorical());
            write(1, b, f.categorical().length * 4);
            for (int t = 0; t < layout.tasks(); t++) {
                TaskLabels l = chunk.labels().get(t);
                if (l.width() != layout.labelWidths().get(t)) {
                    throw new IllegalArgumentException(
                            "task "
                                    + t
                                    + ": label width "
                                    + l.width()
                                    + ", cache has "
                                    + layout.labelWidths().get(t));
                }
                b = buffer(l.values().length * 4L);
                b.asFloatBuffer().put(l.values());
                write(2 + 2 * t, b, l.values().length * 4);
                byte[] o = new byte[l.rows()];
                for (int r = 0; r < o.length; r++) {
                    o[r] = (byte) (l.observed()[r] ? 1 : 0);
                }
                write(3 + 2 * t, ByteBuffer.wrap(o), o.length);
            }
        } catch (IOException e) {
            throw new Mtl4jException(
                    "cannot write the data cache in " + staging + ": " + e.getMessage(), e);
        }
        rows += chunk.rows();
    }

    private static ByteBuffer buffer(long n) {
        return ByteBuffer.allocate(Math.toIntExact(n)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void write(int column, ByteBuffer b, int n) throws IOException {
        byte[] a = b.array();
        outs.get(column).write(a, 0, n);
        crcs.get(column).update(a, 0, n);
        bytes[column] += n;
    }

    /** Rows written so far. */
    public long rows() {
        return rows;
    }

    /**
     * Completes the cache and opens it. When another writer completed the same cache first, its
     * copy is kept and opened.
     */
    public ColumnarCache finish() {
        try {
            for (OutputStream o : outs) {
                o.close();
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("format", CacheFiles.FORMAT);
            meta.put("version", CacheFiles.VERSION);
            meta.put("rows", rows);
            meta.put("numeric_width", layout.numericWidth());
            meta.put("categorical_width", layout.categoricalWidth());
            meta.put("label_widths", layout.labelWidths());
            List<Map<String, Object>> files = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("name", columns.get(i).name());
                f.put("bytes", bytes[i]);
                f.put("crc32", crcs.get(i).getValue());
                files.add(f);
            }
            meta.put("files", files);
            new ObjectMapper()
                    .writerWithDefaultPrettyPrinter()
                    .writeValue(staging.resolve(CacheFiles.META).toFile(), meta);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                deleteStaging();
            } catch (AtomicMoveNotSupportedException e) {
                throw new Mtl4jException(
                        "cannot complete the data cache "
                                + target
                                + ": the file system cannot rename a directory atomically",
                        e);
            }
            done = true;
            return ColumnarCache.open(target);
        } catch (IOException e) {
            throw new Mtl4jException(
                    "cannot complete the data cache " + target + ": " + e.getMessage(), e);
        }
    }

    /** Abandons an unfinished cache: nothing of it remains. */
    @Override
    public void close() {
        if (done) {
            return;
        }
        for (OutputStream o : outs) {
            try {
                o.close();
            } catch (IOException e) {
                // being abandoned anyway
            }
        }
        deleteStaging();
    }

    private void deleteStaging() {
        try (var s = Files.list(staging)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(staging);
        } catch (IOException e) {
            // a leftover staging directory is ignored by readers
        }
    }
}
