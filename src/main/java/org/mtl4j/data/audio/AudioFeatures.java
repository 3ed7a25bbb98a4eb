package org.mtl4j.data.audio;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.CsvTable;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.run.AtomicFiles;

/**
 * Computes the log-mel features ({@link AudioSpec}) of the WAV files a CSV lists, one row per clip,
 * and caches them: the first pass writes {@code audio-<key>.f32} to the cache directory, where the
 * key covers the settings and every file's path, size and modification time, so a changed, replaced
 * or added file (or other settings) gives a new key and the features are computed again.
 */
public final class AudioFeatures {
    private static final int CACHE_VERSION = 1;
    private static final String MAGIC = "MTL4J-AUDIO";

    private AudioFeatures() {}

    /** What a computation did, for the caller's output. */
    public record Outcome(FeatureMatrix features, boolean fromCache, int cut, Path cacheFile) {}

    /** Features of every row of {@code table}, from the cache when it holds them. */
    public static FeatureMatrix compute(AudioSpec spec, CsvTable table, Path cacheDir) {
        return computeWithOutcome(spec, table, cacheDir).features();
    }

    /** As {@link #compute}, telling whether the cache was used. */
    public static Outcome computeWithOutcome(AudioSpec spec, CsvTable table, Path cacheDir) {
        int col = table.requireColumn(spec.pathColumn(), "WAV path (data.audio.path_column)");
        Path[] files = new Path[table.rows()];
        long[][] stamps = new long[table.rows()][];
        for (int r = 0; r < files.length; r++) {
            String cell = table.cell(r, col).trim();
            if (cell.isEmpty()) {
                throw new Mtl4jException(where(table, r) + ": empty WAV path");
            }
            Path f = resolve(table, cell);
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                Object id = a.fileKey(); // device and inode where the file system has them
                stamps[r] =
                        new long[] {
                            a.size(),
                            a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                            id == null ? 0 : id.hashCode()
                        };
            } catch (IOException e) {
                throw new Mtl4jException(
                        where(table, r)
                                + ": WAV file "
                                + f
                                + " not found"
                                + (Path.of(cell).isAbsolute()
                                        ? ""
                                        : " (relative paths are read from the CSV file's"
                                                + " directory)"));
            }
            files[r] = f;
        }
        Path cache =
                cacheDir == null
                        ? null
                        : cacheDir.resolve("audio-" + key(spec, files, stamps) + ".f32");
        if (cache != null && Files.isRegularFile(cache)) {
            FeatureMatrix m = readCache(cache, files.length, spec.width());
            if (m != null) {
                return new Outcome(m, true, 0, cache);
            }
        }
        int width = spec.width();
        requireFits(files.length, width, table.source());
        float[] x = new float[files.length * width];
        Map<Integer, LogMel> byRate = new HashMap<>();
        int cut = 0;
        long lastReport = System.nanoTime();
        for (int r = 0; r < files.length; r++) {
            WavReader.Audio a;
            try {
                a = WavReader.read(files[r]);
            } catch (Mtl4jException e) {
                throw new Mtl4jException(where(table, r) + ": " + e.getMessage(), e);
            }
            if (spec.maxHz() > a.sampleRate() / 2.0) {
                throw new Mtl4jException(
                        where(table, r)
                                + ": "
                                + files[r]
                                + " is sampled at "
                                + a.sampleRate()
                                + " Hz, too low for max_hz "
                                + spec.maxHz()
                                + " (which needs at least "
                                + (int) Math.ceil(2 * spec.maxHz())
                                + " Hz); resample the file, or train with data.audio.max_hz at"
                                + " most "
                                + a.sampleRate() / 2);
            }
            LogMel lm = logMel(byRate, spec, a.sampleRate());
            if (clip(spec, a, x, r * width, lm)) {
                cut++;
            }
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                System.err.printf("audio features: %d of %d clips%n", r + 1, files.length);
                lastReport = System.nanoTime();
            }
        }
        FeatureMatrix m = new FeatureMatrix(files.length, width, x, 0, new int[0]);
        if (cut > 0) {
            System.err.printf(
                    "audio features: %d of %d clips in %s are longer than %.3g s and were cut;"
                            + " raise data.audio.seconds to keep their ends%n",
                    cut, files.length, table.source(), spec.seconds());
        }
        if (cache != null) {
            writeCache(cache, m);
        }
        return new Outcome(m, false, cut, cache);
    }

    /**
     * Features of clips already in memory (no cache), e.g. WAV files sent to a server; {@code
     * names} name each clip in errors.
     */
    public static FeatureMatrix ofClips(
            AudioSpec spec, List<WavReader.Audio> clips, List<String> names) {
        int width = spec.width();
        requireFits(clips.size(), width, null);
        float[] x = new float[clips.size() * width];
        Map<Integer, LogMel> byRate = new HashMap<>();
        for (int r = 0; r < clips.size(); r++) {
            WavReader.Audio a = clips.get(r);
            if (spec.maxHz() > a.sampleRate() / 2.0) {
                throw new Mtl4jException(
                        names.get(r)
                                + ": sampled at "
                                + a.sampleRate()
                                + " Hz; this model reads frequencies up to "
                                + spec.maxHz()
                                + " Hz, so it needs at least "
                                + (int) Math.ceil(2 * spec.maxHz())
                                + " Hz");
            }
            LogMel lm = logMel(byRate, spec, a.sampleRate());
            clip(spec, a, x, r * width, lm);
        }
        return new FeatureMatrix(clips.size(), width, x, 0, new int[0]);
    }

    /** The spec's log-mel transform for one sample rate, made once per rate. */
    private static LogMel logMel(Map<Integer, LogMel> byRate, AudioSpec spec, int sampleRate) {
        return byRate.computeIfAbsent(
                sampleRate,
                rate ->
                        new LogMel(
                                rate, spec.windowMs(), spec.hopMs(), spec.bands(), spec.maxHz()));
    }

    /** Refuses more values than one Java array (and the 4-byte cache layout) can hold. */
    private static void requireFits(long clips, int width, Path source) {
        long values = clips * width;
        long limit = Integer.MAX_VALUE / 4;
        if (values > limit) {
            throw new Mtl4jException(
                    (source == null ? "audio" : source.toString())
                            + ": "
                            + clips
                            + " clips x "
                            + width
                            + " features = "
                            + values
                            + " values, more than one array holds ("
                            + limit
                            + "); shorten data.audio.seconds, raise hop_ms, lower bands, or list"
                            + " fewer clips");
        }
    }

    /**
     * Writes the standardised spectrogram of one clip at {@code out[offset…]}; true if the clip was
     * longer than the spec's length.
     */
    static boolean clip(AudioSpec spec, WavReader.Audio a, float[] out, int offset, LogMel lm) {
        int frames = spec.frames();
        int bands = spec.bands();
        int keep = (int) Math.min(a.samples().length, Math.round(spec.seconds() * a.sampleRate()));
        boolean cut = keep < a.samples().length;
        float[] samples =
                keep == a.samples().length
                        ? a.samples()
                        : java.util.Arrays.copyOf(a.samples(), keep);
        float[] s = lm.compute(samples);
        int real = Math.min(frames, s.length / bands);
        double sum = 0;
        for (int i = 0; i < real * bands; i++) {
            sum += s[i];
        }
        double mean = sum / (real * bands);
        double sq = 0;
        for (int i = 0; i < real * bands; i++) {
            sq += (s[i] - mean) * (s[i] - mean);
        }
        double sd = Math.max(Math.sqrt(sq / (real * bands)), 1e-3);
        float min = Float.POSITIVE_INFINITY;
        for (int i = 0; i < real * bands; i++) {
            float v = (float) ((s[i] - mean) / sd);
            out[offset + i] = v;
            min = Math.min(min, v);
        }
        java.util.Arrays.fill(out, offset + real * bands, offset + frames * bands, min);
        return cut;
    }

    private static Path resolve(CsvTable table, String cell) {
        Path p = Path.of(cell);
        if (p.isAbsolute() || table.source() == null) {
            return p;
        }
        Path dir = table.source().toAbsolutePath().getParent();
        return dir == null ? p : dir.resolve(p).normalize();
    }

    private static String where(CsvTable table, int row) {
        return (table.source() == null ? "audio list" : table.source().toString())
                + " line "
                + table.line(row);
    }

    private static String key(AudioSpec spec, Path[] files, long[][] stamps) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(
                    (CACHE_VERSION + "|" + spec.describe() + "|" + files.length + "\n")
                            .getBytes(StandardCharsets.UTF_8));
            for (int r = 0; r < files.length; r++) {
                md.update(
                        (files[r].toAbsolutePath()
                                        + "|"
                                        + stamps[r][0]
                                        + "|"
                                        + stamps[r][1]
                                        + "|"
                                        + stamps[r][2]
                                        + "\n")
                                .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cached matrix, or null (with a warning) when the file is damaged. */
    private static FeatureMatrix readCache(Path file, int rows, int width) {
        try (InputStream in = Files.newInputStream(file);
                DataInputStream d = new DataInputStream(new java.io.BufferedInputStream(in))) {
            if (!d.readUTF().equals(MAGIC)
                    || d.readInt() != CACHE_VERSION
                    || d.readInt() != rows
                    || d.readInt() != width) {
                throw new IOException("header does not match");
            }
            byte[] bytes = d.readNBytes(rows * width * 4);
            if (bytes.length != rows * width * 4 || d.read() != -1) {
                throw new IOException("wrong length");
            }
            float[] x = new float[rows * width];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(x);
            return new FeatureMatrix(rows, width, x, 0, new int[0]);
        } catch (IOException e) {
            System.err.println(
                    "audio features: ignoring damaged cache "
                            + file
                            + " ("
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getMessage())
                            + ")");
            return null;
        }
    }

    private static void writeCache(Path file, FeatureMatrix m) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            System.err.println(
                    "audio features: cannot create cache directory "
                            + file.getParent()
                            + " ("
                            + e.getMessage()
                            + "); features will be computed again next time");
            return;
        }
        try {
            AtomicFiles.write(
                    file,
                    out -> {
                        DataOutputStream d =
                                new DataOutputStream(new java.io.BufferedOutputStream(out));
                        d.writeUTF(MAGIC);
                        d.writeInt(CACHE_VERSION);
                        d.writeInt(m.rows());
                        d.writeInt(m.numericWidth());
                        ByteBuffer b =
                                ByteBuffer.allocate(m.numeric().length * 4)
                                        .order(ByteOrder.LITTLE_ENDIAN);
                        b.asFloatBuffer().put(m.numeric());
                        d.write(b.array());
                        d.flush();
                    });
        } catch (Mtl4jException e) {
            System.err.println(
                    "audio features: cache not written ("
                            + e.getMessage()
                            + "); features will be computed again next time");
        }
    }
}
