package org.mtl4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.CsvTable;

class RecordInputTest {
    private static List<com.fasterxml.jackson.databind.JsonNode> json(String s) throws Exception {
        return List.of(Json.mapper().readTree(s));
    }

    @Test
    void multiValuedAcceptsArraysAndStringsAndNullsWhereAllowed() throws Exception {
        RecordInput in = new RecordInput(List.of("x"), List.of("tags"), Map.of("tags", "|"));
        CsvTable t = in.table(json("{\"x\": 2, \"tags\": [\"a\", \"b\"]}"));
        assertEquals("a|b", t.cell(0, 1));
        assertEquals("", in.table(json("{\"x\": null, \"tags\": null}")).cell(0, 0));
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () -> in.table(json("{\"x\": 1, \"tags\": [\"a|b\"]}")));
        assertTrue(e.getMessage().contains("contains the separator"), e.getMessage());
    }

    @Test
    void modelsWithoutPreprocessingRefuseNull() throws Exception {
        RecordInput in = new RecordInput(List.of("x0"), List.of(), Map.of()).withoutNulls();
        Mtl4jException e =
                assertThrows(Mtl4jException.class, () -> in.table(json("{\"x0\": null}")));
        assertTrue(
                e.getMessage().startsWith("record, feature \"x0\": null is not accepted"),
                e.getMessage());
    }
}
