package org.mtl4j.data.cache;

import java.util.ArrayList;
import java.util.List;

/** The files of a cache directory and the bytes each row takes in them. */
final class CacheFiles {
    static final String META = "meta.json";
    static final String FORMAT = "mtl4j-columnar-cache";
    static final int VERSION = 1;

    private CacheFiles() {}

    /** One column file: its name and bytes per row. */
    record Column(String name, int rowBytes) {}

    /** The column files of {@code layout}, in a fixed order. */
    static List<Column> columns(CacheLayout layout) {
        List<Column> out = new ArrayList<>();
        out.add(new Column("numeric.f32", 4 * layout.numericWidth()));
        out.add(new Column("categorical.i32", 4 * layout.categoricalWidth()));
        for (int t = 0; t < layout.tasks(); t++) {
            out.add(new Column("labels-" + t + ".f32", 4 * layout.labelWidths().get(t)));
            out.add(new Column("observed-" + t + ".u8", 1));
        }
        return out;
    }
}
