package org.mtl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.mtl4j.Mtl4jException;
import org.mtl4j.run.Json;

/** Byte-pair encoding of text columns (Sennrich, Haddow and Birch, ACL 2016). */
class SubwordTest {
    private static final String EOW = BytePairEncoding.END_OF_WORD;

    /** The dictionary of Algorithm 1 in the paper. */
    private static Map<String, Integer> paper() {
        return Map.of("low", 5, "lower", 2, "newest", 6, "widest", 3);
    }

    @Test
    void thePapersDictionaryGivesTheExpectedMergesInOrder() {
        BytePairEncoding bpe = BytePairEncoding.learn(paper(), 20, 1);
        // start: e s, s t, t </w> all 9 (newest 6 + widest 3): the first by (left, right) wins;
        // then es t 9, est </w> 9; l o 7, lo w 7; then e w, ew est</w>, n ewest</w> (6 each,
        // ties to the first name), low </w> 5
        assertEquals(
                List.of(
                        "e s",
                        "es t",
                        "est " + EOW,
                        "l o",
                        "lo w",
                        "e w",
                        "ew est" + EOW,
                        "n ewest" + EOW,
                        "low " + EOW),
                bpe.merges());
        assertEquals(
                List.of(
                        EOW,
                        "d",
                        "e",
                        "i",
                        "l",
                        "n",
                        "o",
                        "r",
                        "s",
                        "t",
                        "w",
                        "es",
                        "est",
                        "est" + EOW,
                        "lo",
                        "low",
                        "ew",
                        "ewest" + EOW,
                        "newest" + EOW,
                        "low" + EOW),
                bpe.pieces());
        assertEquals(List.of("low", "e", "r", EOW), bpe.encode("lower"));
        assertEquals(List.of("w", "i", "d", "est" + EOW), bpe.encode("widest"));
    }

    @Test
    void anUnseenWordIsCutIntoKnownPiecesAndAnUnseenCharacterIsUnknown() {
        BytePairEncoding bpe = BytePairEncoding.learn(paper(), 20, 1);
        assertEquals(List.of("low", "est" + EOW), bpe.encode("lowest"));
        assertEquals(List.of("low", "e", "r", "s", EOW), bpe.encode("lowers"));
        assertEquals(List.of("l", BytePairEncoding.UNKNOWN, "w", EOW), bpe.encode("löw"));
        assertEquals(List.of(BytePairEncoding.UNKNOWN, EOW), bpe.encode("ö"));
        assertFalse(bpe.pieces().contains(BytePairEncoding.UNKNOWN));
        // a character seen fewer than min_count times is not a piece
        BytePairEncoding rare = BytePairEncoding.learn(Map.of("low", 5, "lowz", 1), 50, 2);
        assertFalse(rare.pieces().contains("z"));
        assertEquals(
                List.of("low", BytePairEncoding.UNKNOWN, EOW), rare.encode("lowz").subList(0, 3));
    }

    @Test
    void decodingThePiecesOfEveryTrainingWordGivesTheWordBack() {
        Map<String, Integer> corpus = corpus(7, 500);
        BytePairEncoding bpe = BytePairEncoding.learn(corpus, 150, 1);
        Set<String> vocab = new HashSet<>(bpe.pieces());
        for (String w : corpus.keySet()) {
            List<String> pieces = bpe.encode(w);
            assertEquals(List.of(w), BytePairEncoding.decode(pieces), w);
            assertTrue(vocab.containsAll(pieces), w + " -> " + pieces);
        }
        List<String> words = List.of("karomi", "tolasu", "nering");
        List<String> all = new ArrayList<>();
        words.forEach(w -> all.addAll(bpe.encode(w)));
        assertEquals(words, BytePairEncoding.decode(all));
        assertEquals(all.subList(0, 4), bpe.encode(words, 4), "the first 4 pieces");
    }

    @Test
    void incrementalLearningMatchesRecountingEveryPairAfterEachMerge() {
        for (int seed : new int[] {1, 2, 3}) {
            Map<String, Integer> corpus = corpus(seed, 300);
            corpus.put("qxq", 1); // q and x seen once: unknown with min_count 2
            for (int vocabulary : new int[] {40, 120, 1_000_000}) {
                BytePairEncoding bpe = BytePairEncoding.learn(corpus, vocabulary, 2);
                List<String> expected = naiveMerges(corpus, vocabulary, 2);
                assertEquals(expected, bpe.merges(), "seed " + seed + ", vocabulary " + vocabulary);
                // the encoder cuts training and unseen words as applying every merge in turn
                Map<String, Integer> other = corpus(seed + 100, 100);
                for (String w : union(corpus.keySet(), other.keySet())) {
                    assertEquals(applyInTurn(bpe, w), bpe.encode(w), w);
                }
            }
        }
    }

    @Test
    void theVocabularySizeIsRespectedAndLearningIsDeterministic() {
        Map<String, Integer> corpus = corpus(5, 400);
        for (int v : new int[] {30, 60, 200}) {
            BytePairEncoding bpe = BytePairEncoding.learn(corpus, v, 1);
            assertEquals(v, bpe.pieces().size(), "vocabulary " + v);
        }
        // no pair occurs twice: nothing to merge
        assertEquals(List.of(), BytePairEncoding.learn(Map.of("ab", 1, "cd", 1), 100, 1).merges());
        // the same words in another map order give the same merges
        Map<String, Integer> reversed = new LinkedHashMap<>();
        new TreeMap<>(corpus).descendingMap().forEach(reversed::put);
        BytePairEncoding a = BytePairEncoding.learn(new HashMap<>(corpus), 200, 1);
        BytePairEncoding b = BytePairEncoding.learn(reversed, 200, 1);
        assertEquals(a.merges(), b.merges());
        assertEquals(a.pieces(), b.pieces());
        // too many characters for the vocabulary
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> BytePairEncoding.learn(paper(), 10, 1));
        assertTrue(e.getMessage().contains("11 base symbols"), e.getMessage());
    }

    @Test
    void aSavedEncodingIsCheckedWhenReadBack() {
        BytePairEncoding bpe = BytePairEncoding.learn(paper(), 20, 1);
        BytePairEncoding back = BytePairEncoding.of(bpe.pieces(), bpe.merges());
        assertEquals(bpe.encode("lowest"), back.encode("lowest"));
        List<String> missing = new ArrayList<>(bpe.pieces());
        missing.remove("est");
        assertThrows(
                IllegalArgumentException.class, () -> BytePairEncoding.of(missing, bpe.merges()));
        assertThrows(
                IllegalArgumentException.class,
                () -> BytePairEncoding.of(bpe.pieces(), List.of("e  s")));
    }

    @Test
    void aBpeColumnIsFittedCutToMaxTokensAndRoundTripsThroughJson() throws Exception {
        TextSpec spec = TextSpec.bpe(5, 1, 50, true);
        Preprocessor p = Preprocessor.fit(schema(spec), table(paperSentences()));
        List<String> vocab = p.state().vocabularies().get(0);
        assertEquals(vocab.size(), p.state().merges().get("doc").size() + 11);
        assertEquals(5, p.slots()[0], "a cell holds at most max_tokens pieces");
        CsvTable q = table(List.of("Lowest!", "lÖw", "", "newest newest newest"));
        int[] ids = p.transform(q).categorical();
        int pad = p.vocabularySizes()[0] - 1;
        int low = vocab.indexOf("low") + 1;
        int est = vocab.indexOf("est" + EOW) + 1;
        int newest = vocab.indexOf("newest" + EOW) + 1;
        int l = vocab.indexOf("l") + 1;
        int w = vocab.indexOf("w") + 1;
        int eow = vocab.indexOf(EOW) + 1;
        assertArrayEquals(
                new int[] {
                    low, est, pad, pad, pad, //
                    l, 0, w, eow, pad, // ö is unknown: id 0
                    pad, pad, pad, pad, pad, //
                    newest, newest, newest, pad, pad
                },
                ids);
        // saved in model.json and read back: the same ids
        String json = Json.mapper().writeValueAsString(p.state());
        Preprocessor back =
                Preprocessor.fromState(Json.mapper().readValue(json, Preprocessor.State.class));
        assertEquals(p.state().merges(), back.state().merges());
        assertEquals(spec, back.state().text().get("doc"));
        assertArrayEquals(ids, back.transform(q).categorical());
        CsvTable train = table(paperSentences());
        assertArrayEquals(p.transform(train).categorical(), back.transform(train).categorical());
    }

    @Test
    void aStateSavedBeforeSubwordsReadsAsWords() throws Exception {
        TextSpec spec = new TextSpec(4, 1, 100, true);
        Preprocessor p = Preprocessor.fit(schema(spec), table(paperSentences()));
        ObjectNode json = Json.mapper().valueToTree(p.state());
        json.remove("merges");
        ((ObjectNode) json.get("text").get("doc")).remove("tokenizer");
        Preprocessor old =
                Preprocessor.fromState(Json.mapper().treeToValue(json, Preprocessor.State.class));
        assertEquals(TextSpec.Tokenizer.WORD, old.state().text().get("doc").tokenizer());
        CsvTable q = table(List.of("low lower lowest", "newest"));
        assertArrayEquals(p.transform(q).categorical(), old.transform(q).categorical());
    }

    @Test
    void tooManyCharactersForTheVocabularyNameTheOption() {
        StringBuilder b = new StringBuilder();
        for (char c = 'α'; c <= 'ω'; c++) {
            b.append(c).append(c).append(' ');
        }
        for (char c = 'a'; c <= 'z'; c++) {
            b.append(c).append(c).append(' ');
        }
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () ->
                                Preprocessor.fit(
                                        schema(TextSpec.bpe(10, 1, 50, true)),
                                        table(List.of(b.toString()))));
        assertTrue(e.getMessage().startsWith("data.text.doc.vocabulary: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TextSpec.bpe(10, 1, 49, true));
    }

    private static List<String> paperSentences() {
        List<String> out = new ArrayList<>();
        paper().forEach((w, n) -> out.add((w + " ").repeat(n)));
        out.sort(String::compareTo);
        return out;
    }

    private static TabularSchema schema(TextSpec spec) {
        return new TabularSchema(
                List.of(), List.of("doc"), Map.of(), Map.of("doc", " "), Map.of("doc", spec));
    }

    private static CsvTable table(List<String> cells) {
        return CsvTable.of("t", List.of("doc"), cells.stream().map(c -> new String[] {c}).toList());
    }

    /** Words of 1 to 4 syllables with counts 1 to 20, seeded. */
    private static Map<String, Integer> corpus(int seed, int words) {
        String[] syl = {"ka", "ro", "mi", "ne", "to", "la", "su", "re", "ing", "ed", "s", "a"};
        Random r = new Random(seed);
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < words; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                b.append(syl[r.nextInt(syl.length)]);
            }
            out.merge(b.toString(), 1 + r.nextInt(20), Integer::sum);
        }
        return out;
    }

    private static List<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new java.util.TreeSet<>(a);
        s.addAll(b);
        s.add("qxqka");
        return List.copyOf(s);
    }

    /**
     * Algorithm 1 of the paper as written: count every pair of every word, merge the most frequent
     * (ties to the first (left, right)), until the vocabulary is full or no pair occurs twice.
     */
    private static List<String> naiveMerges(Map<String, Integer> counts, int vocabulary, int min) {
        Map<String, Integer> chars = new HashMap<>();
        counts.forEach(
                (w, n) ->
                        w.codePoints()
                                .forEach(c -> chars.merge(Character.toString(c), n, Integer::sum)));
        Set<String> symbols = new HashSet<>(List.of(EOW));
        chars.forEach(
                (c, n) -> {
                    if (n >= min) {
                        symbols.add(c);
                    }
                });
        Map<List<String>, Integer> words = new HashMap<>();
        counts.forEach(
                (w, n) -> {
                    List<String> s = new ArrayList<>();
                    w.codePoints()
                            .forEach(
                                    c ->
                                            s.add(
                                                    symbols.contains(Character.toString(c))
                                                            ? Character.toString(c)
                                                            : null));
                    s.add(EOW);
                    words.merge(s, n, Integer::sum);
                });
        List<String> merges = new ArrayList<>();
        while (symbols.size() < vocabulary) {
            Map<List<String>, Integer> pairs = new HashMap<>();
            words.forEach(
                    (s, n) -> {
                        for (int i = 0; i + 1 < s.size(); i++) {
                            if (s.get(i) != null && s.get(i + 1) != null) {
                                pairs.merge(List.of(s.get(i), s.get(i + 1)), n, Integer::sum);
                            }
                        }
                    });
            List<String> best = null;
            int most = 0;
            for (Map.Entry<List<String>, Integer> e : pairs.entrySet()) {
                List<String> p = e.getKey();
                int n = e.getValue();
                if (n > most || (n == most && before(p, best))) {
                    best = p;
                    most = n;
                }
            }
            if (most < 2) {
                break;
            }
            merges.add(best.get(0) + " " + best.get(1));
            symbols.add(best.get(0) + best.get(1));
            Map<List<String>, Integer> next = new HashMap<>();
            for (Map.Entry<List<String>, Integer> e : words.entrySet()) {
                next.merge(
                        mergeAll(e.getKey(), best.get(0), best.get(1)), e.getValue(), Integer::sum);
            }
            words.clear();
            words.putAll(next);
        }
        return merges;
    }

    private static boolean before(List<String> p, List<String> q) {
        int c = p.get(0).compareTo(q.get(0));
        return c < 0 || (c == 0 && p.get(1).compareTo(q.get(1)) < 0);
    }

    private static List<String> mergeAll(List<String> s, String a, String b) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            if (i + 1 < s.size() && a.equals(s.get(i)) && b.equals(s.get(i + 1))) {
                out.add(a + b);
                i++;
            } else {
                out.add(s.get(i));
            }
        }
        return out;
    }

    /** Every merge tried in learned order on the word's characters. */
    private static List<String> applyInTurn(BytePairEncoding bpe, String word) {
        Set<String> known = new HashSet<>(bpe.pieces());
        List<String> s = new ArrayList<>();
        word.codePoints()
                .forEach(
                        c ->
                                s.add(
                                        known.contains(Character.toString(c))
                                                ? Character.toString(c)
                                                : BytePairEncoding.UNKNOWN));
        s.add(EOW);
        List<String> out = s;
        for (String m : bpe.merges()) {
            String[] ab = m.split(" ");
            out = mergeAll(out, ab[0], ab[1]);
        }
        return out;
    }
}
