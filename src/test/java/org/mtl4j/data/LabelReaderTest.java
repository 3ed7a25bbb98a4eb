package org.mtl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

class LabelReaderTest {

    @TempDir Path dir;

    private static final Task BINARY = Task.of("clicked", new TaskType.Binary());
    private static final Task GRADE = Task.of("grade", new TaskType.Multiclass(5));
    private static final Task TAGS = Task.of("tags", new TaskType.Multilabel(3));
    private static final Task PRICE = Task.of("price", new TaskType.Regression(2));

    private CsvTable csv(String content) throws IOException {
        Path p = dir.resolve("train.csv");
        Files.writeString(p, content);
        return CsvTable.read(p);
    }

    private String file() {
        return dir.resolve("train.csv").toString();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "\"" + part + "\" not in: " + message);
        }
    }

    private static Mtl4jException fails(
            Task task, List<String> cols, List<String> names, CsvTable t) {
        return assertThrows(Mtl4jException.class, () -> LabelReader.read(task, cols, names, t));
    }

    @Test
    void binaryAcceptsNumbersWordsAndEmptyCells() throws IOException {
        CsvTable t = csv("id,y\n1,0\n2,1\n3,TRUE\n4,false\n5,Yes\n6,no\n7,\n8, \n9,1.0\n");
        TaskLabels l = LabelReader.read(BINARY, List.of("y"), null, t);
        assertEquals(9, l.rows());
        assertEquals(1, l.width());
        assertArrayEquals(new float[] {0, 1, 1, 0, 1, 0, 0, 0, 1}, l.values());
        assertArrayEquals(
                new boolean[] {true, true, true, true, true, true, false, false, true},
                l.observed());
        assertEquals(7, l.observedCount());
    }

    @Test
    void binaryClassNamesMapFirstToZeroAndTakePrecedence() throws IOException {
        CsvTable t = csv("y\nyes\nno\n0\n");
        TaskLabels l = LabelReader.read(BINARY, List.of("y"), List.of("yes", "no"), t);
        assertArrayEquals(new float[] {0, 1, 0}, l.values());
    }

    @Test
    void binaryRejectsOtherValues() throws IOException {
        CsvTable t = csv("id,clicked\n1,1\n2,maybe\n");
        Mtl4jException e = fails(BINARY, List.of("clicked"), List.of(), t);
        assertContains(
                e.getMessage(),
                file() + " line 3, column \"clicked\": \"maybe\" is not a binary label");
        assertContains(fails(BINARY, List.of("clicked"), List.of("a"), t).getMessage(), "2 class");
        assertContains(
                fails(BINARY, List.of("id"), List.of(), csv("id\n2\n")).getMessage(),
                "\"2\"",
                "line 2");
    }

    @Test
    void multiclassReadsIndicesIntegralFloatsAndNames() throws IOException {
        CsvTable t = csv("id,g\n1,0\n2,4\n3,3.0\n4,\n5,c\n");
        List<String> names = List.of("a", "b", "c", "d", "e");
        TaskLabels l = LabelReader.read(GRADE, List.of("g"), names, t);
        assertArrayEquals(new float[] {0, 4, 3, 0, 2}, l.values());
        assertArrayEquals(new boolean[] {true, true, true, false, true}, l.observed());
        TaskLabels noNames = LabelReader.read(GRADE, List.of("g"), List.of(), csv("g\n2\n1e0\n"));
        assertArrayEquals(new float[] {2, 1}, noNames.values());
    }

    @Test
    void multiclassOutOfRangeSaysHowToFix() throws IOException {
        CsvTable t = csv("id,grade\n1,0\n2,1\n3,2\n4,3\n5,4\n6,0\n7,1\n8,7\n");
        assertEquals(
                file()
                        + " line 9, column \"grade\": label 7 is outside 0..4 for multiclass task \"grade\""
                        + " with 5 classes (set classes: 8 or fix the data)",
                fails(GRADE, List.of("grade"), null, t).getMessage());
        assertContains(
                fails(GRADE, List.of("grade"), null, csv("grade\n-1\n")).getMessage(),
                file() + " line 2, column \"grade\": label -1 is outside 0..4",
                "start at 0");
    }

    @Test
    void multiclassRejectsFractionsTextAndWrongNameCount() throws IOException {
        assertContains(
                fails(GRADE, List.of("grade"), null, csv("grade\n1\n2.5\n")).getMessage(),
                file() + " line 3, column \"grade\": \"2.5\" is not a class index",
                "0..4");
        assertContains(
                fails(GRADE, List.of("grade"), List.of("a", "b", "c", "d", "e"), csv("grade\nf\n"))
                        .getMessage(),
                "line 2, column \"grade\": \"f\"");
        assertContains(
                fails(GRADE, List.of("grade"), List.of("a", "b"), csv("grade\n1\n")).getMessage(),
                "task \"grade\"",
                "2 class names",
                "5");
        assertContains(
                fails(GRADE, List.of("grade"), List.of("a", "a", "c", "d", "e"), csv("grade\n1\n"))
                        .getMessage(),
                "\"a\"",
                "twice");
    }

    @Test
    void multilabelReadsAllOrNothing() throws IOException {
        CsvTable t = csv("a,b,c\n1,0,1\n,,\n0,yes,0\n");
        TaskLabels l = LabelReader.read(TAGS, List.of("a", "b", "c"), null, t);
        assertEquals(3, l.width());
        assertArrayEquals(new float[] {1, 0, 1, 0, 0, 0, 0, 1, 0}, l.values());
        assertArrayEquals(new boolean[] {true, false, true}, l.observed());
        Mtl4jException e = fails(TAGS, List.of("a", "b", "c"), null, csv("a,b,c\n1,0,1\n1,,0\n"));
        assertContains(
                e.getMessage(), file() + " line 3", "task \"tags\"", "column \"b\"", "empty");
        Mtl4jException bad = fails(TAGS, List.of("a", "b", "c"), null, csv("a,b,c\n1,2,0\n"));
        assertContains(bad.getMessage(), file() + " line 2, column \"b\": \"2\"");
    }

    @Test
    void regressionReadsNumbersAndMissingRows() throws IOException {
        CsvTable t = csv("p,q\n1.5,-2\n,\n3e2,0\n");
        TaskLabels l = LabelReader.read(PRICE, List.of("p", "q"), null, t);
        assertArrayEquals(new float[] {1.5f, -2, 0, 0, 300, 0}, l.values());
        assertArrayEquals(new boolean[] {true, false, true}, l.observed());
        Mtl4jException partial = fails(PRICE, List.of("p", "q"), null, csv("p,q\n1,2\n\n3,\n"));
        assertContains(partial.getMessage(), file() + " line 4", "\"q\"", "task \"price\"");
        Mtl4jException text = fails(PRICE, List.of("p", "q"), null, csv("p,q\n1,2\n3,n/a\n"));
        assertContains(
                text.getMessage(),
                file() + " line 3, column \"q\": \"n/a\" is not a number",
                "empty");
        Mtl4jException huge = fails(PRICE, List.of("p", "q"), null, csv("p,q\n1e300,2\n"));
        assertContains(huge.getMessage(), "line 2, column \"p\": \"1e300\"", "32-bit");
    }

    @Test
    void wrongNumberOfLabelColumnsNamesTheTask() throws IOException {
        CsvTable t = csv("a,b,c\n1,0,1\n");
        assertContains(
                fails(TAGS, List.of("a", "b"), null, t).getMessage(),
                "task \"tags\"",
                "needs 3",
                "got 2");
        assertContains(
                fails(BINARY, List.of("a", "b"), null, t).getMessage(),
                "task \"clicked\"",
                "needs 1");
        assertContains(fails(PRICE, null, null, t).getMessage(), "task \"price\"", "needs 2");
    }

    @Test
    void missingLabelColumnIsReported() throws IOException {
        CsvTable t = csv("id,price,cut\n1,2,3\n");
        Task price = Task.of("price", new TaskType.Regression(1));
        assertContains(
                fails(price, List.of("prce"), null, t).getMessage(),
                file()
                        + ": column \"prce\" (label of task \"price\") not found; columns are: id, price,"
                        + " cut");
    }
}
