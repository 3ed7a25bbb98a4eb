package org.mtl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;

class CsvTableTest {

    @TempDir Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private Mtl4jException readFails(Path p) {
        return assertThrows(Mtl4jException.class, () -> CsvTable.read(p));
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "\"" + part + "\" not in: " + message);
        }
    }

    @Test
    void readsPlainTableWithLfAndNoFinalNewline() throws IOException {
        CsvTable t = CsvTable.read(write("a.csv", "id,price,cut\n1,3.5,good\n2,,fair"));
        assertEquals(List.of("id", "price", "cut"), t.columns());
        assertEquals(2, t.rows());
        assertEquals("3.5", t.cell(0, 1));
        assertEquals("", t.cell(1, 1));
        assertEquals("fair", t.cell(1, 2));
        assertEquals(2, t.line(0));
        assertEquals(3, t.line(1));
        assertEquals(1, t.columnIndex("price"));
        assertEquals(-1, t.columnIndex("Price"));
        assertEquals(dir.resolve("a.csv"), t.source());
    }

    @Test
    void quotedFieldsWithCommasQuotesAndNewlinesKeepLineNumbers() throws IOException {
        String csv =
                "id,text,n\r\n"
                        + "1,\"a, b\",2\r\n"
                        + "2,\"line one\r\nline two\nline three\",3\r\n"
                        + "3,\"say \"\"hi\"\"\",4\r\n"
                        + "4,\"\",5\r\n";
        CsvTable t = CsvTable.read(write("q.csv", csv));
        assertEquals(4, t.rows());
        assertEquals("a, b", t.cell(0, 1));
        assertEquals("line one\r\nline two\nline three", t.cell(1, 1));
        assertEquals("3", t.cell(1, 2));
        assertEquals("say \"hi\"", t.cell(2, 1));
        assertEquals("", t.cell(3, 1));
        assertArrayEquals(
                new int[] {2, 3, 6, 7}, new int[] {t.line(0), t.line(1), t.line(2), t.line(3)});
    }

    @Test
    void stripsByteOrderMarkAndSkipsBlankLines() throws IOException {
        CsvTable t = CsvTable.read(write("bom.csv", "\uFEFFx,y\n\n1,2\r\n\r\n3,4\n\n"));
        assertEquals(List.of("x", "y"), t.columns());
        assertEquals(2, t.rows());
        assertEquals(3, t.line(0));
        assertEquals(5, t.line(1));
        assertEquals("4", t.cell(1, 1));
    }

    @Test
    void quoteInsideUnquotedFieldIsLiteral() throws IOException {
        CsvTable t = CsvTable.read(write("lit.csv", "size\n5\"\n"));
        assertEquals("5\"", t.cell(0, 0));
    }

    @Test
    void missingFileNamesFileAndWorkingDirectory() {
        Path p = dir.resolve("x.csv");
        Mtl4jException e = readFails(p);
        assertContains(
                e.getMessage(),
                p + ": file not found",
                "working directory: " + Path.of("").toAbsolutePath());
    }

    @Test
    void emptyFileAndHeaderOnlyHaveNoDataRows() throws IOException {
        Path empty = write("empty.csv", "");
        assertContains(readFails(empty).getMessage(), empty + ": no data rows", "empty");
        Path header = write("header.csv", "a,b\r\n");
        assertContains(readFails(header).getMessage(), header + ": no data rows", "only a header");
    }

    @Test
    void duplicateOrEmptyHeaderNameIsAnError() throws IOException {
        Path dup = write("dup.csv", "a,b,a\n1,2,3\n");
        assertContains(readFails(dup).getMessage(), dup.toString(), "line 1", "\"a\"", "twice");
        Path blank = write("blank.csv", "a,,c\n1,2,3\n");
        assertContains(readFails(blank).getMessage(), blank.toString(), "column 2", "empty name");
    }

    @Test
    void wrongFieldCountNamesLineAndCounts() throws IOException {
        Path p = write("w.csv", "a,b,c\n1,2,3\n\"x\ny\",2\n");
        assertContains(
                readFails(p).getMessage(), p + " line 3", "found 2 fields, expected 3", "a, b, c");
        Path more = write("more.csv", "a,b\n1,2\n1,2,3\n");
        assertContains(
                readFails(more).getMessage(), more + " line 3", "found 3 fields, expected 2");
    }

    @Test
    void unterminatedQuoteNamesTheLineWhereItOpened() throws IOException {
        Path p = write("u.csv", "a,b\n1,2\n3,\"open\n4,5\n6,7\n");
        assertContains(readFails(p).getMessage(), p + " line 3", "unterminated");
    }

    @Test
    void textAfterClosingQuoteIsAnError() throws IOException {
        Path p = write("t.csv", "a,b\n1,2\n3,\"x\"y\n");
        assertContains(readFails(p).getMessage(), p + " line 3", "after a closing quote", "'y'");
    }

    @Test
    void invalidUtf8NamesTheLine() throws IOException {
        Path p = dir.resolve("bad.csv");
        Files.write(p, new byte[] {'a', '\n', '1', '\n', (byte) 0xC3, '(', '\n'});
        assertContains(readFails(p).getMessage(), p + " line 3", "UTF-8");
    }

    @Test
    void requireColumnListsColumnsAndPurpose() throws IOException {
        Path p = write("train.csv", "id,price,cut\n1,2,3\n");
        CsvTable t = CsvTable.read(p);
        assertEquals(2, t.requireColumn("cut", "anything"));
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () -> t.requireColumn("prce", "label of task \"price\""));
        assertContains(
                e.getMessage(),
                p
                        + ": column \"prce\" (label of task \"price\") not found; columns are: id, price, cut");
    }

    @Test
    void inMemoryTableAndSelectKeepLineNumbers() {
        CsvTable t =
                CsvTable.of(
                        "mem",
                        List.of("a", "b"),
                        List.of(
                                new String[] {"1", "x"},
                                new String[] {"2", "y"},
                                new String[] {"3", "z"}));
        assertEquals(Path.of("mem"), t.source());
        assertEquals(4, t.line(2));
        CsvTable s = t.select(new int[] {2, 0});
        assertEquals(2, s.rows());
        assertEquals("z", s.cell(0, 1));
        assertEquals("1", s.cell(1, 0));
        assertEquals(4, s.line(0));
        assertEquals(2, s.line(1));
        assertEquals(0, t.select(new int[0]).rows());
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () ->
                                CsvTable.of(
                                        "mem",
                                        List.of("a", "b"),
                                        List.<String[]>of(new String[] {"1"})));
        assertContains(e.getMessage(), "mem line 2", "found 1 fields, expected 2");
    }

    @Test
    void parseNumberAcceptsOnlyFiniteDecimals() {
        assertEquals(3.0, CsvTable.parseNumber("3"));
        assertEquals(-0.5, CsvTable.parseNumber(" -0.5 "));
        assertEquals(0.5, CsvTable.parseNumber(".5"));
        assertEquals(5.0, CsvTable.parseNumber("5."));
        assertEquals(1e-3, CsvTable.parseNumber("1E-3"));
        for (String bad :
                new String[] {
                    "NaN", "Infinity", "-Infinity", "1e400", "0x10", "1f", "", " ", "a", "1,5"
                }) {
            assertTrue(Double.isNaN(CsvTable.parseNumber(bad)), bad);
        }
    }
}
