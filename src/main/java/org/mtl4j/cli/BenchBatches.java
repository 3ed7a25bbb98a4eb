package org.mtl4j.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.data.TaskLabels;

/**
 * The batches a benchmark times, in a file that every timed process reads, so that mtl4j and the
 * PyTorch reference train on the same rows.
 *
 * <p>Format (big-endian): magic {@code "MTLB"}, int version 1, int batch count K, int rows per
 * batch B, int numeric width F, int task count T, T ints (label width of each task); then K·B·F
 * floats (the features, batch by batch, row-major); then for each batch and each task B·width
 * floats (its labels). Every label is observed; there are no categorical features.
 */
final class BenchBatches {
    private static final int MAGIC = 0x4D544C42; // "MTLB"
    private static final int VERSION = 1;

    private BenchBatches() {}

    static void write(Path file, List<Dataset> batches) {
        Dataset first = batches.get(0);
        int rows = first.rows();
        int width = first.features().numericWidth();
        int tasks = first.labels().size();
        try (DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(batches.size());
            out.writeInt(rows);
            out.writeInt(width);
            out.writeInt(tasks);
            for (TaskLabels l : first.labels()) {
                out.writeInt(l.width());
            }
            for (Dataset b : batches) {
                if (b.rows() != rows || b.features().categoricalWidth() != 0) {
                    throw new IllegalArgumentException(
                            "benchmark batches must have equal row counts and no categorical"
                                    + " features");
                }
                for (float v : b.features().numeric()) {
                    out.writeFloat(v);
                }
            }
            for (Dataset b : batches) {
                for (TaskLabels l : b.labels()) {
                    for (float v : l.values()) {
                        out.writeFloat(v);
                    }
                }
            }
        } catch (IOException e) {
            throw new Mtl4jException("cannot write benchmark batches " + file + ": " + e, e);
        }
    }

    static List<Dataset> read(Path file) {
        try (DataInputStream in =
                new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new Mtl4jException(file + ": not an mtl4j benchmark batch file (version 1)");
            }
            int count = in.readInt();
            int rows = in.readInt();
            int width = in.readInt();
            int tasks = in.readInt();
            if (count < 1 || rows < 1 || width < 1 || tasks < 1 || tasks > 1024) {
                throw new Mtl4jException(file + ": corrupt header");
            }
            int[] widths = new int[tasks];
            for (int t = 0; t < tasks; t++) {
                widths[t] = in.readInt();
            }
            float[][] features = new float[count][rows * width];
            for (float[] f : features) {
                for (int i = 0; i < f.length; i++) {
                    f[i] = in.readFloat();
                }
            }
            List<Dataset> out = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                List<TaskLabels> labels = new ArrayList<>(tasks);
                for (int t = 0; t < tasks; t++) {
                    float[] v = new float[rows * widths[t]];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = in.readFloat();
                    }
                    boolean[] observed = new boolean[rows];
                    Arrays.fill(observed, true);
                    labels.add(new TaskLabels(rows, widths[t], v, observed));
                }
                out.add(
                        new Dataset(
                                new FeatureMatrix(rows, width, features[k], 0, new int[0]),
                                labels));
            }
            return out;
        } catch (EOFException e) {
            throw new Mtl4jException(file + ": truncated benchmark batch file", e);
        } catch (IOException e) {
            throw new Mtl4jException("cannot read benchmark batches " + file + ": " + e, e);
        }
    }
}
