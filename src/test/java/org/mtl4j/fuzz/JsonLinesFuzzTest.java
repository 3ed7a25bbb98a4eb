package org.mtl4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.CsvTable;

/** Any bytes as a JSON Lines file: read, or refused with the project's own error; nothing else. */
class JsonLinesFuzzTest {
    private static final Path FILE = FuzzSupport.scratch("fuzzed.jsonl");

    @FuzzTest(maxDuration = "60s")
    void anyJsonLinesReadOrAreRefusedClearly(byte[] input) {
        FuzzSupport.write(FILE, input);
        try {
            CsvTable t = CsvTable.read(FILE);
            for (int r = 0; r < t.rows(); r++) {
                t.line(r);
                for (int c = 0; c < t.columns().size(); c++) {
                    t.cell(r, c);
                }
            }
        } catch (Mtl4jException e) {
            FuzzSupport.clear(e);
        }
    }
}
