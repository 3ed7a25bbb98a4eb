package org.mtl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;

class ArffReaderTest {
    @TempDir Path tmp;

    private Path arff(String text) throws Exception {
        Path f = tmp.resolve("data.arff");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void readsDenseAndSparseRowsQuotingEscapesAndMissingValues() throws Exception {
        Path f =
                arff(
                        String.join(
                                "\n",
                                "% a comment",
                                "@RELATION 'test set'",
                                "",
                                "@attribute Text string",
                                "@attribute 'word count' numeric",
                                "@ATTRIBUTE topic {corn, grain,'other topic'}",
                                "@attribute when date \"yyyy-MM-dd\"",
                                "@data",
                                "'It\\'s a\\ntest, with comma',12,corn,2020-01-02",
                                "\"double \\\"quoted\\\"\", ?, 'other topic', ?",
                                "% between rows",
                                "{0 'sparse text', 2 grain}",
                                ""));
        CsvTable t = CsvTable.read(f);
        assertEquals(List.of("Text", "word count", "topic", "when"), t.columns());
        assertEquals(3, t.rows());
        assertEquals("It's a\ntest, with comma", t.cell(0, 0));
        assertEquals("12", t.cell(0, 1));
        assertEquals("corn", t.cell(0, 2));
        assertEquals("2020-01-02", t.cell(0, 3));
        assertEquals("double \"quoted\"", t.cell(1, 0));
        assertEquals("", t.cell(1, 1), "? is a missing value");
        assertEquals("other topic", t.cell(1, 2));
        assertEquals("sparse text", t.cell(2, 0));
        assertEquals("0", t.cell(2, 1), "omitted sparse numeric value is 0");
        assertEquals("grain", t.cell(2, 2));
        assertEquals(12, t.line(2), "line numbers of the file");
    }

    @Test
    void badFilesAreRefusedNamingTheLine() throws Exception {
        String head = "@relation r\n@attribute x numeric\n@attribute c {a,b}\n@data\n";
        assertMessage(
                head + "1,a\nzz,b\n", "data.arff line 6, attribute \"x\": \"zz\" is not a number");
        assertMessage(
                head + "1,a\n2,q\n",
                "line 6, attribute \"c\": \"q\" is not one of its declared values [a, b]");
        assertMessage(head + "1\n", "line 5: 1 values, expected 2");
        assertMessage(head + "1,a,3\n", "line 5: more values than the 2 attributes");
        assertMessage(head + "1,a,{2}\n", "instance weights are not supported");
        assertMessage(head + "'open,a\n", "line 5: a value quoted with ' is not closed");
        assertMessage(head + "{5 1}\n", "sparse index 5 outside 0..1");
        assertMessage(
                "@relation r\n@attribute x relational\n@data\n",
                "line 2: attribute \"x\" has type \"relational\"");
        assertMessage("@relation r\n@attribute x numeric\n", "no @data section");
        assertMessage(head, "no data rows after @data");
        assertMessage("hello\n", "line 1: expected @relation, @attribute or @data");
    }

    private void assertMessage(String text, String expected) throws Exception {
        Path f = arff(text);
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> CsvTable.read(f));
        assertTrue(
                e.getMessage().contains(expected),
                "\"" + e.getMessage() + "\" should say \"" + expected + "\"");
    }
}
