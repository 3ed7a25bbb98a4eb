package org.mtl4j.data.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.data.TaskLabels;

/**
 * A columnar cache written by {@link CacheWriter}, memory-mapped: rows are read from the page cache
 * on demand, so the Java heap holds only the batch being gathered, whatever the number of rows.
 * Files are mapped in segments of whole rows (at most 1 GiB each), so a cache may exceed the 2 GiB
 * a single mapping can hold.
 */
public final class ColumnarCache {
    static final long SEGMENT_BYTES = 1L << 30;

    private final Path dir;
    private final CacheLayout layout;
    private final long rows;
    private final List<Column> columns = new ArrayList<>();
    private final List<JsonNode> files;

    /** One mapped column file: segments of {@code segmentRows} rows of {@code rowBytes} each. */
    private record Column(Path file, int rowBytes, long segmentRows, MappedByteBuffer[] segments) {
        /** The bytes of row {@code r}, as a little-endian view positioned at the row. */
        ByteBuffer row(long r) {
            MappedByteBuffer seg = segments[(int) (r / segmentRows)];
            int at = (int) ((r % segmentRows) * rowBytes);
            return seg.slice(at, rowBytes).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private ColumnarCache(
            Path dir, CacheLayout layout, long rows, List<JsonNode> files, long segmentBytes)
            throws IOException {
        this.dir = dir;
        this.layout = layout;
        this.rows = rows;
        this.files = files;
        List<CacheFiles.Column> cols = CacheFiles.columns(layout);
        for (int i = 0; i < cols.size(); i++) {
            CacheFiles.Column c = cols.get(i);
            Path f = dir.resolve(c.name());
            long expected = rows * c.rowBytes();
            long size = Files.size(f);
            if (size != expected || files.get(i).path("bytes").asLong(-1) != expected) {
                throw new Mtl4jException(
                        f
                                + ": "
                                + size
                                + " bytes where the cache's "
                                + CacheFiles.META
                                + " says "
                                + rows
                                + " rows of "
                                + c.rowBytes()
                                + " bytes; the cache is damaged: delete "
                                + dir
                                + " and it is rebuilt");
            }
            long segRows =
                    c.rowBytes() == 0
                            ? Math.max(1, rows)
                            : Math.max(1, segmentBytes / c.rowBytes());
            int n = rows == 0 ? 0 : (int) ((rows + segRows - 1) / segRows);
            MappedByteBuffer[] segs = new MappedByteBuffer[n];
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                for (int s = 0; s < n; s++) {
                    long from = s * segRows * c.rowBytes();
                    long len = Math.min(segRows, rows - s * segRows) * c.rowBytes();
                    segs[s] = ch.map(FileChannel.MapMode.READ_ONLY, from, len);
                }
            }
            columns.add(new Column(f, c.rowBytes(), segRows, segs));
        }
    }

    /** Opens the complete cache in {@code dir}; refuses a missing, partial or damaged one. */
    public static ColumnarCache open(Path dir) {
        return open(dir, SEGMENT_BYTES);
    }

    static ColumnarCache open(Path dir, long segmentBytes) {
        Path metaFile = dir.resolve(CacheFiles.META);
        if (!Files.isRegularFile(metaFile)) {
            throw new Mtl4jException(
                    dir + ": no complete data cache here (no " + CacheFiles.META + ")");
        }
        try {
            JsonNode meta = new ObjectMapper().readTree(metaFile.toFile());
            if (!CacheFiles.FORMAT.equals(meta.path("format").asText())
                    || meta.path("version").asInt() != CacheFiles.VERSION) {
                throw new Mtl4jException(
                        metaFile
                                + ": not a data cache of this mtl4j version (format "
                                + meta.path("format").asText()
                                + " "
                                + meta.path("version").asText()
                                + "); delete "
                                + dir
                                + " and it is rebuilt");
            }
            List<Integer> widths = new ArrayList<>();
            meta.path("label_widths").forEach(w -> widths.add(w.asInt()));
            CacheLayout layout =
                    new CacheLayout(
                            meta.path("numeric_width").asInt(),
                            meta.path("categorical_width").asInt(),
                            widths);
            List<JsonNode> files = new ArrayList<>();
            meta.path("files").forEach(files::add);
            if (files.size() != CacheFiles.columns(layout).size()) {
                throw new Mtl4jException(
                        metaFile
                                + ": lists "
                                + files.size()
                                + " files, the layout needs "
                                + CacheFiles.columns(layout).size()
                                + "; delete "
                                + dir
                                + " and it is rebuilt");
            }
            return new ColumnarCache(dir, layout, meta.path("rows").asLong(), files, segmentBytes);
        } catch (IOException | IllegalArgumentException e) {
            throw new Mtl4jException(
                    dir
                            + ": unreadable data cache ("
                            + e.getMessage()
                            + "); delete it and it is rebuilt",
                    e);
        }
    }

    public Path dir() {
        return dir;
    }

    public CacheLayout layout() {
        return layout;
    }

    public long rows() {
        return rows;
    }

    /** Reads every file once and compares its CRC-32 with the one recorded when it was written. */
    public void verify() {
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            CRC32 crc = new CRC32();
            for (MappedByteBuffer s : c.segments()) {
                crc.update(s.duplicate());
            }
            if (crc.getValue() != files.get(i).path("crc32").asLong()) {
                throw new Mtl4jException(
                        c.file()
                                + ": content differs from what was written (CRC-32 mismatch); delete "
                                + dir
                                + " and it is rebuilt");
            }
        }
    }

    /** Rows {@code from} to {@code from + count − 1}, in order. */
    public Dataset range(long from, int count) {
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = Math.toIntExact(from + i);
        }
        return rows(idx);
    }

    /** The rows at {@code idx}, in that order, copied into a batch on the heap. */
    public Dataset rows(int[] idx) {
        int n = idx.length;
        int nw = layout.numericWidth();
        int cw = layout.categoricalWidth();
        float[] numeric = new float[n * nw];
        int[] categorical = new int[n * cw];
        List<float[]> labels = new ArrayList<>();
        List<boolean[]> observed = new ArrayList<>();
        for (int t = 0; t < layout.tasks(); t++) {
            labels.add(new float[n * layout.labelWidths().get(t)]);
            observed.add(new boolean[n]);
        }
        for (int i = 0; i < n; i++) {
            long r = idx[i];
            if (r < 0 || r >= rows) {
                throw new IndexOutOfBoundsException(
                        "row " + r + " of a cache of " + rows + " rows");
            }
            if (nw > 0) {
                columns.get(0).row(r).asFloatBuffer().get(numeric, i * nw, nw);
            }
            if (cw > 0) {
                columns.get(1).row(r).asIntBuffer().get(categorical, i * cw, cw);
            }
            for (int t = 0; t < layout.tasks(); t++) {
                int w = layout.labelWidths().get(t);
                columns.get(2 + 2 * t).row(r).asFloatBuffer().get(labels.get(t), i * w, w);
                observed.get(t)[i] = columns.get(3 + 2 * t).row(r).get(0) != 0;
            }
        }
        List<TaskLabels> out = new ArrayList<>();
        for (int t = 0; t < layout.tasks(); t++) {
            out.add(new TaskLabels(n, layout.labelWidths().get(t), labels.get(t), observed.get(t)));
        }
        return new Dataset(new FeatureMatrix(n, nw, numeric, cw, categorical), out);
    }
}
