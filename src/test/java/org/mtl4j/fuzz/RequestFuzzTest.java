package org.mtl4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.CsvTable;
import org.mtl4j.data.Preprocessor;
import org.mtl4j.data.TabularSchema;
import org.mtl4j.run.RecordInput;
import org.mtl4j.serve.ModelServer;

/**
 * Any bytes as a {@code POST /predict} body, through everything the server does before the engine:
 * JSON parsing, the request shape, the record checks against a model's features (numeric,
 * categorical, multi-valued) and the saved preprocessing. The only failure allowed is the project's
 * own error, which the server answers with 400.
 */
class RequestFuzzTest {
    private static final RecordInput INPUT =
            new RecordInput(List.of("age", "income"), List.of("city", "tags"), Map.of("tags", "|"));
    private static final Preprocessor PRE =
            Preprocessor.fit(
                    new TabularSchema(
                            List.of("age", "income"),
                            List.of("city", "tags"),
                            Map.of(),
                            Map.of("tags", "|")),
                    CsvTable.of(
                            "fit",
                            List.of("age", "income", "city", "tags"),
                            List.of(
                                    new String[] {"30", "1.5", "paris", "a|b"},
                                    new String[] {"41", "", "rome", "b"},
                                    new String[] {"", "2", "", ""})));

    @FuzzTest(maxDuration = "60s")
    void anyRequestBodyIsAnsweredOrRefusedClearly(byte[] body) {
        try {
            var req = ModelServer.parseRequest(body, List.of(), 10_000);
            PRE.transform(INPUT.table(req.records()));
        } catch (Mtl4jException e) {
            FuzzSupport.clear(e);
        }
    }
}
