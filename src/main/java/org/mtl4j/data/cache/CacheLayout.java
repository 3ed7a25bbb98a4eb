package org.mtl4j.data.cache;

import java.util.List;

/**
 * What one row of a columnar cache holds: {@code numericWidth} float32 features, {@code
 * categoricalWidth} int32 ids, and per task its labels (float32 × the task's label width) and
 * whether the row has them.
 */
public record CacheLayout(int numericWidth, int categoricalWidth, List<Integer> labelWidths) {
    public CacheLayout {
        labelWidths = List.copyOf(labelWidths);
        if (numericWidth < 0 || categoricalWidth < 0 || labelWidths.stream().anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException(
                    "cache layout: widths must be >= 0 (labels >= 1), got numeric "
                            + numericWidth
                            + ", categorical "
                            + categoricalWidth
                            + ", labels "
                            + labelWidths);
        }
    }

    /** Number of tasks. */
    public int tasks() {
        return labelWidths.size();
    }
}
