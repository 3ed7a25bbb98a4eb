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

class PreprocessorTest {

    @TempDir Path dir;

    private CsvTable csv(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return CsvTable.read(p);
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "\"" + part + "\" not in: " + message);
        }
    }

    private static TabularSchema numeric(String... names) {
        return new TabularSchema(List.of(names), List.of());
    }

    @Test
    void standardisesWithTrainingMeanAndPopulationStd() throws IOException {
        CsvTable train = csv("train.csv", "age,w\n1,10\n2,10\n3,10\n4,10\n");
        Preprocessor p = Preprocessor.fit(numeric("age", "w"), train);
        // mean 2.5, population variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
        assertArrayEquals(new double[] {2.5, 10.0}, p.state().means());
        assertEquals(Math.sqrt(1.25), p.state().stds()[0], 1e-15);
        assertEquals(1.0, p.state().stds()[1], "constant column gets std 1");
        FeatureMatrix m = p.transform(train);
        assertEquals(4, m.rows());
        assertEquals(2, m.numericWidth());
        assertEquals(0, m.categoricalWidth());
        float a = (float) (1.5 / Math.sqrt(1.25));
        float b = (float) (0.5 / Math.sqrt(1.25));
        assertArrayEquals(new float[] {-a, 0, -b, 0, b, 0, a, 0}, m.numeric(), 1e-6f);
        FeatureMatrix other = p.transform(csv("valid.csv", "w,age\n12,6.5\n"));
        assertArrayEquals(new float[] {(float) (4 / Math.sqrt(1.25)), 2}, other.numeric(), 1e-6f);
    }

    @Test
    void emptyCellIsImputedWithTrainingMeanAndExcludedFromFit() throws IOException {
        CsvTable train = csv("train.csv", "x\n2\n\n\" \"\n4\n");
        Preprocessor p = Preprocessor.fit(numeric("x"), train);
        assertEquals(3.0, p.state().means()[0]);
        assertEquals(1.0, p.state().stds()[0]);
        assertArrayEquals(new float[] {-1, 0, 1}, p.transform(train).numeric(), 0f);
    }

    @Test
    void vocabularyLimitsSendRareAndOverflowValuesToTheUnknownId() throws IOException {
        // counts: a 4, b 3, c 2, d 1, e 1
        CsvTable train = csv("v.csv", "item\na\nb\na\nc\nb\nd\na\nc\nb\na\ne\n");
        java.util.function.Function<VocabularyLimits, Preprocessor> fit =
                l ->
                        Preprocessor.fit(
                                new TabularSchema(
                                        List.of(),
                                        List.of("item"),
                                        java.util.Map.of(),
                                        java.util.Map.of(),
                                        java.util.Map.of(),
                                        l),
                                train);
        assertEquals(
                List.of("a", "b", "c", "d", "e"),
                fit.apply(VocabularyLimits.none()).state().vocabularies().get(0));
        assertEquals(
                List.of("a", "b", "c"),
                fit.apply(new VocabularyLimits(2, 0)).state().vocabularies().get(0));
        Preprocessor capped = fit.apply(new VocabularyLimits(1, 2));
        assertEquals(List.of("a", "b"), capped.state().vocabularies().get(0));
        // a -> 1, b -> 2, c, d, e -> unknown (0)
        assertArrayEquals(
                new int[] {1, 2, 1, 0, 2, 0, 1, 0, 2, 1, 0}, capped.transform(train).categorical());
        assertThrows(IllegalArgumentException.class, () -> new VocabularyLimits(0, 0));
    }

    @Test
    void nonNumericCellNamesFileLineColumnAndValue() throws IOException {
        CsvTable train = csv("train.csv", "id,age\n1,30\n2,\"multi\nline\"\n3,abc\n");
        Path file = dir.resolve("train.csv");
        Mtl4jException e =
                assertThrows(Mtl4jException.class, () -> Preprocessor.fit(numeric("age"), train));
        // the line break is shown as \n: a message stays one line
        assertContains(e.getMessage(), file + " line 3, column \"age\": \"multi\\nline\"");
        CsvTable train2 = csv("train2.csv", "id,age\n1,30\n2,40\n3,abc\n");
        e = assertThrows(Mtl4jException.class, () -> Preprocessor.fit(numeric("age"), train2));
        assertEquals(
                dir.resolve("train2.csv")
                        + " line 4, column \"age\": \"abc\" is not a number (numeric features must be"
                        + " numbers; leave the cell empty for a missing value)",
                e.getMessage());
    }

    @Test
    void nanAndInfinityAreRejected() throws IOException {
        for (String bad : new String[] {"NaN", "Infinity", "-Infinity", "1e999"}) {
            CsvTable t = csv("t.csv", "x\n1\n" + bad + "\n");
            Mtl4jException e =
                    assertThrows(Mtl4jException.class, () -> Preprocessor.fit(numeric("x"), t));
            assertContains(e.getMessage(), "line 3, column \"x\": \"" + bad + "\" is not a number");
        }
    }

    @Test
    void fitsOnTheUnionOfSeveralTablesAndNamesTheBadOne() throws IOException {
        CsvTable a = csv("a.csv", "x,c\n1,u\n2,v\n");
        CsvTable b = csv("b.csv", "c,x\nv,3\nw,4\nv,\n");
        TabularSchema schema = new TabularSchema(List.of("x"), List.of("c"));
        Preprocessor p = Preprocessor.fit(schema, List.of(a, b));
        assertEquals(2.5, p.state().means()[0]);
        assertEquals(Math.sqrt(1.25), p.state().stds()[0], 1e-15);
        assertEquals(List.of(List.of("v", "u", "w")), p.state().vocabularies());
        CsvTable bad = csv("bad.csv", "x,c\n1,u\n\n2,v\nzz,u\n");
        Mtl4jException e =
                assertThrows(Mtl4jException.class, () -> Preprocessor.fit(schema, List.of(a, bad)));
        assertContains(e.getMessage(), dir.resolve("bad.csv") + " line 5, column \"x\": \"zz\"");
    }

    @Test
    void hugeValuesThatOverflowAreReported() throws IOException {
        CsvTable t = csv("big.csv", "x\n1e308\n1.5e308\n");
        Mtl4jException e =
                assertThrows(Mtl4jException.class, () -> Preprocessor.fit(numeric("x"), t));
        assertContains(e.getMessage(), "\"x\"", "too large");
    }

    @Test
    void badCellInAnotherSplitNamesThatFile() throws IOException {
        Preprocessor p = Preprocessor.fit(numeric("x"), csv("train.csv", "x\n1\n2\n"));
        CsvTable test = csv("test.csv", "x\n1\n2\nx7\n");
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> p.transform(test));
        assertContains(e.getMessage(), dir.resolve("test.csv") + " line 4, column \"x\": \"x7\"");
    }

    @Test
    void multiValuedColumnsSplitPadAndKeepTheirTokens() throws IOException {
        CsvTable train =
                csv("train.csv", "genres,x\nAction|Comedy,1\nComedy,2\n Drama | Action |,3\n,4\n");
        TabularSchema schema =
                new TabularSchema(
                        List.of("x"),
                        List.of("genres"),
                        java.util.Map.of(),
                        java.util.Map.of("genres", "|"));
        Preprocessor p = Preprocessor.fit(schema, train);
        // tokens by frequency: Action 2, Comedy 2, Drama 1 (ties by name)
        assertEquals(List.of(List.of("Action", "Comedy", "Drama")), p.state().vocabularies());
        assertArrayEquals(new int[] {2}, p.slots(), "at most two values in a training cell");
        assertArrayEquals(new int[] {5}, p.vocabularySizes(), "unknown 0, three tokens, padding 4");
        assertArrayEquals(new int[] {1, 2, 2, 4, 3, 1, 4, 4}, p.transform(train).categorical());
        // an unseen token is 0; values beyond the slots are dropped
        CsvTable more = csv("more.csv", "genres,x\nHorror|Drama|Comedy,1\n");
        assertArrayEquals(new int[] {0, 3}, p.transform(more).categorical());
    }

    @Test
    void hashedColumnsNeedNoVocabularyAndGiveUnseenValuesABucket() throws IOException {
        CsvTable train = csv("train.csv", "user,c\nu1,x\nu2,y\nu1,x\n,y\n");
        TabularSchema schema =
                new TabularSchema(List.of(), List.of("user", "c"), java.util.Map.of("user", 7));
        Preprocessor p = Preprocessor.fit(schema, train);
        assertEquals(List.of(List.of(), List.of("x", "y")), p.state().vocabularies());
        assertArrayEquals(new int[] {8, 3}, p.vocabularySizes(), "7 buckets + the empty id 0");
        // FNV-1a 64 of "u1", computed independently: 0x08c47b07b56747f3
        assertEquals(
                1 + Long.remainderUnsigned(0x08c47b07b56747f3L, 7), Preprocessor.hashedId("u1", 7));
        int[] ids = p.transform(train).categorical();
        assertEquals(ids[0], ids[4], "the same value, the same bucket");
        assertEquals(0, ids[6], "an empty cell is id 0");
        for (int r = 0; r < 4; r++) {
            assertTrue(r == 3 || (ids[2 * r] >= 1 && ids[2 * r] <= 7), "bucket " + ids[2 * r]);
        }
        int unseen = p.transform(csv("new.csv", "user,c\nu999,x\n")).categorical()[0];
        assertTrue(unseen >= 1 && unseen <= 7, "an unseen id still has a bucket: " + unseen);
        // the state round-trips through JSON, as in model.json
        var json = org.mtl4j.run.Json.mapper().writeValueAsString(p.state());
        Preprocessor back =
                Preprocessor.fromState(
                        org.mtl4j.run.Json.mapper().readValue(json, Preprocessor.State.class));
        assertArrayEquals(ids, back.transform(train).categorical());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new TabularSchema(
                                        List.of(), List.of("c"), java.util.Map.of("user", 7)));
        assertContains(e.getMessage(), "\"user\"", "not a categorical column");
    }

    @Test
    void vocabularyIsSortedByFrequencyThenNameAndUnknownsMapToZero() throws IOException {
        CsvTable train = csv("train.csv", "c,n\nb,1\nd,1\na,1\nb,1\n,1\nc,1\na,1\nb,1\n");
        Preprocessor p = Preprocessor.fit(new TabularSchema(List.of(), List.of("c")), train);
        // counts: b 3, a 2, c 1, d 1 (empty not counted)
        assertEquals(List.of(List.of("b", "a", "c", "d")), p.state().vocabularies());
        assertArrayEquals(new int[] {5}, p.vocabularySizes());
        FeatureMatrix m = p.transform(train);
        assertEquals(0, m.numericWidth());
        assertArrayEquals(new int[] {1, 4, 2, 1, 0, 3, 2, 1}, m.categorical());
        CsvTable valid = csv("valid.csv", "c\nz\nA\na\n\n\"\"\n");
        assertArrayEquals(new int[] {0, 0, 2, 0}, p.transform(valid).categorical());
    }

    @Test
    void stateRoundTripGivesIdenticalFeatures() throws IOException {
        CsvTable train =
                csv("train.csv", "age,city,h\n20,paris,1.5\n30,rome,2\n,paris,\n45,oslo,3\n");
        TabularSchema schema = new TabularSchema(List.of("age", "h"), List.of("city"));
        Preprocessor p = Preprocessor.fit(schema, train);
        Preprocessor.State s = p.state();
        Preprocessor.State copy =
                new Preprocessor.State(
                        List.copyOf(s.numeric()),
                        s.means().clone(),
                        s.stds().clone(),
                        List.copyOf(s.categorical()),
                        List.copyOf(s.vocabularies()));
        Preprocessor q = Preprocessor.fromState(copy);
        assertEquals(s.numeric(), q.state().numeric());
        assertArrayEquals(s.means(), q.state().means());
        assertArrayEquals(s.stds(), q.state().stds());
        assertEquals(List.of(List.of("paris", "oslo", "rome")), q.state().vocabularies());
        assertArrayEquals(p.vocabularySizes(), q.vocabularySizes());
        CsvTable test = csv("test.csv", "city,h,age\nrome,0,10\nlima,,99\n");
        FeatureMatrix a = p.transform(test);
        FeatureMatrix b = q.transform(test);
        assertArrayEquals(a.numeric(), b.numeric());
        assertArrayEquals(new int[] {3, 0}, b.categorical());
    }

    @Test
    void stateIsValidated() {
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new Preprocessor.State(
                                List.of("a"),
                                new double[] {0},
                                new double[] {0},
                                List.of(),
                                List.of()));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new Preprocessor.State(
                                List.of("a"),
                                new double[] {0, 1},
                                new double[] {1},
                                List.of(),
                                List.of()));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new Preprocessor.State(
                                List.of(), new double[0], new double[0], List.of("c"), List.of()));
        Preprocessor.State dup =
                new Preprocessor.State(
                        List.of(),
                        new double[0],
                        new double[0],
                        List.of("c"),
                        List.of(List.of("x", "x")));
        assertThrows(IllegalArgumentException.class, () -> Preprocessor.fromState(dup));
    }

    @Test
    void missingColumnIsReported() throws IOException {
        CsvTable train = csv("train.csv", "id,age\n1,2\n");
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () ->
                                Preprocessor.fit(
                                        new TabularSchema(List.of("age"), List.of("cty")), train));
        assertContains(
                e.getMessage(),
                dir.resolve("train.csv") + ": column \"cty\" (categorical feature) not found",
                "columns are: id, age");
        Preprocessor p = Preprocessor.fit(numeric("age"), train);
        Mtl4jException e2 =
                assertThrows(Mtl4jException.class, () -> p.transform(csv("v.csv", "id\n1\n")));
        assertContains(e2.getMessage(), "column \"age\" (numeric feature) not found");
    }

    @Test
    void schemaIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new TabularSchema(List.of(), List.of()));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new TabularSchema(List.of("a", "b"), List.of("a")));
        assertContains(e.getMessage(), "\"a\"");
        assertThrows(NullPointerException.class, () -> new TabularSchema(null, List.of("a")));
        assertThrows(
                IllegalArgumentException.class, () -> new TabularSchema(List.of(""), List.of()));
        assertEquals(3, new TabularSchema(List.of("a", "b"), List.of("c")).size());
    }
}
