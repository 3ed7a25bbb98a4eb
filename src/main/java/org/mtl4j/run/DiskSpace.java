package org.mtl4j.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.mtl4j.Mtl4jException;

/**
 * The free-space check made before training starts, so that a run that cannot fit on its disk is
 * refused at once instead of failing hours later. What cannot be known in advance (the disk filling
 * up during the run) still never leaves a damaged file: every model, checkpoint and summary is
 * written to a temporary file and renamed into place.
 */
public final class DiskSpace {
    private DiskSpace() {}

    /**
     * Bytes a run writes at most: the model, two checkpoints (each with the model, the optimiser's
     * moments and the best epoch's parameters), metrics.jsonl and the report, plus a margin.
     */
    public static long estimate(long parameters, long steps, int logEvery, int diagnoseEvery) {
        long p = parameters * 4L;
        long model = p + 64 * 1024;
        long checkpoint = model + 2 * p + p + 64 * 1024;
        long lines =
                steps / Math.max(1, logEvery) + (diagnoseEvery > 0 ? steps / diagnoseEvery : 0);
        long logs = lines * 600 + 1024 * 1024;
        long report = 4L * 1024 * 1024;
        return (long) ((model + 2 * checkpoint + logs + report) * 1.2) + 8L * 1024 * 1024;
    }

    /** Throws a clear error when {@code dir}'s file system has less than {@code needed} bytes. */
    public static void require(Path dir, long needed) {
        long free;
        try {
            free = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return; // the file system does not say: the writes will tell
        }
        check(dir, needed, free);
    }

    static void check(Path dir, long needed, long free) {
        if (free < needed) {
            throw new Mtl4jException(
                    String.format(
                            Locale.ROOT,
                            "%s: only %s free on its disk; this run needs about %s (model, two"
                                    + " checkpoints with optimiser state, logs, report); free some"
                                    + " space or choose another --out",
                            dir,
                            human(free),
                            human(needed)));
        }
    }

    static String human(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }
}
