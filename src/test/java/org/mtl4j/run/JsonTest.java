package org.mtl4j.run;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;

/** A broken run file is reported in one line, in the project's words, with line and column. */
class JsonTest {
    @TempDir Path tmp;

    @Test
    void brokenFilesAreReportedWithoutTheParsersInternals() throws Exception {
        String[] texts = {
            "{\"a\": ", "{\"a\": NaN}", "[" + "[".repeat(1500), "[1, 2", "{\"a\": 01}"
        };
        java.util.List<String> bad = new java.util.ArrayList<>();
        for (String text : texts) {
            Path f = tmp.resolve("model.json");
            Files.writeString(f, text);
            String m = assertThrows(Mtl4jException.class, () -> Json.read(f)).getMessage();
            System.out.println(m);
            boolean ok =
                    m.startsWith(f + ": not valid JSON (")
                            && (m.contains("line 1") || m.contains("nesting depth"))
                            && !m.contains("\n");
            for (String internal : new String[] {"Source:", "REDACTED", "`", "Feature"}) {
                ok &= !m.contains(internal);
            }
            if (!ok) {
                bad.add(m);
            }
        }
        assertTrue(bad.isEmpty(), String.join("\n", bad));
    }
}
