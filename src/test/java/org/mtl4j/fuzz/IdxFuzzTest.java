package org.mtl4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.image.IdxReader;

/**
 * Any bytes as an IDX image or label file (gzipped or not): read, or refused with the project's own
 * error; in particular a header declaring huge sizes must not make the reader allocate them.
 */
class IdxFuzzTest {
    private static final Path FILE = FuzzSupport.scratch("fuzzed-idx3-ubyte");

    @FuzzTest(maxDuration = "60s")
    void anyIdxReadsOrIsRefusedClearly(byte[] input) {
        FuzzSupport.write(FILE, input);
        try {
            IdxReader.readImages(FILE);
        } catch (Mtl4jException e) {
            FuzzSupport.clear(e);
        }
        try {
            IdxReader.readLabels(FILE);
        } catch (Mtl4jException e) {
            FuzzSupport.clear(e);
        }
    }
}
