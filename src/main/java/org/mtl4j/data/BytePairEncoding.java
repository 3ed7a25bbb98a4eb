package org.mtl4j.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Subword units by byte-pair encoding, after Sennrich, Haddow and Birch, "Neural Machine
 * Translation of Rare Words with Subword Units" (ACL 2016), Section 3.2 and Algorithm 1.
 *
 * <p>A word is a sequence of symbols: its characters (code points) followed by the end-of-word
 * symbol {@value #END_OF_WORD}, so that "low" as a word ({@code low</w>}) differs from "low" inside
 * "lower". {@link #learn} starts from the characters of the training words and repeatedly replaces
 * the most frequent adjacent pair of symbols (a, b) by the new symbol ab, until the vocabulary
 * holds the asked number of pieces or no pair occurs twice. {@link #encode} applies the learned
 * merges to any word in the order they were learned, so a training word is cut exactly as during
 * learning, and an unseen word ("lowest") is cut into known pieces ({@code low}, {@code est</w>}).
 * A character not in the vocabulary becomes the piece {@value #UNKNOWN}, which is never merged and
 * has no id of its own (the out-of-vocabulary id).
 *
 * <p>The vocabulary ({@link #pieces}) lists the base symbols (end of word and the known characters,
 * in {@link String#compareTo} order), then each new symbol in the order it was first made; as in
 * the paper its size is the base symbols plus the merges (less any merge whose result was already a
 * symbol). Pieces never contain a space: words are runs of letters and digits.
 *
 * <p>Instances are immutable apart from a bounded cache of encoded words, and thread-safe.
 */
public final class BytePairEncoding {
    /** The end-of-word symbol, the last symbol of every word before merging. */
    public static final String END_OF_WORD = "</w>";

    /** The piece of a character outside the vocabulary. */
    public static final String UNKNOWN = "<unk>";

    private static final int CACHE_LIMIT = 200_000;

    private final List<String> pieces;
    private final List<String> merges;
    private final Set<String> known;

    /** "left right" → the ranks (positions in {@link #merges}) of that merge, ascending. */
    private final Map<String, int[]> ranks;

    private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

    private BytePairEncoding(List<String> pieces, List<String> merges) {
        this.pieces = List.copyOf(pieces);
        this.merges = List.copyOf(merges);
        this.known = new HashSet<>();
        for (String p : this.pieces) {
            if (p.isEmpty() || p.contains(" ") || p.equals(UNKNOWN) || !known.add(p)) {
                throw new IllegalArgumentException(
                        "byte-pair vocabulary: empty, repeated or invalid piece \"" + p + "\"");
            }
        }
        if (!known.contains(END_OF_WORD)) {
            throw new IllegalArgumentException(
                    "byte-pair vocabulary: the end-of-word piece " + END_OF_WORD + " is missing");
        }
        Map<String, List<Integer>> r = new HashMap<>();
        for (int i = 0; i < this.merges.size(); i++) {
            String m = this.merges.get(i);
            String[] ab = m.split(" ", -1);
            if (ab.length != 2
                    || !known.contains(ab[0])
                    || !known.contains(ab[1])
                    || !known.contains(ab[0] + ab[1])) {
                throw new IllegalArgumentException(
                        "byte-pair merge "
                                + i
                                + " \""
                                + m
                                + "\" is not two known pieces whose join is known");
            }
            r.computeIfAbsent(m, k -> new ArrayList<>()).add(i);
        }
        this.ranks = new HashMap<>();
        r.forEach((k, v) -> ranks.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
    }

    /**
     * A learned encoding, e.g. read back from a saved model.
     *
     * @param pieces the vocabulary, with {@value #END_OF_WORD}, distinct, no spaces
     * @param merges the merges in learned order, each {@code "left right"} (two pieces whose join
     *     is a piece)
     * @throws IllegalArgumentException if they do not fit together
     */
    public static BytePairEncoding of(List<String> pieces, List<String> merges) {
        return new BytePairEncoding(
                Objects.requireNonNull(pieces, "pieces"), Objects.requireNonNull(merges, "merges"));
    }

    /**
     * Learns merges from distinct words and their counts (Algorithm 1 of the paper, with
     * incremental pair counts).
     *
     * @param wordCounts each distinct word (non-empty, no spaces) and how often it occurs
     * @param vocabulary pieces wanted, at least the number of base symbols
     * @param minCount fewest occurrences for a character to be a base symbol (rarer ones are
     *     {@value #UNKNOWN})
     * @throws IllegalArgumentException if the base symbols alone exceed {@code vocabulary}
     */
    public static BytePairEncoding learn(
            Map<String, Integer> wordCounts, int vocabulary, int minCount) {
        BpeLearner l = new BpeLearner(wordCounts, vocabulary, minCount);
        l.run();
        return new BytePairEncoding(l.pieces(), l.merges());
    }

    /** The vocabulary: base symbols, then merged symbols in order of creation. */
    public List<String> pieces() {
        return pieces;
    }

    /** The merges in learned order, each {@code "left right"}. */
    public List<String> merges() {
        return merges;
    }

    /**
     * The pieces of one word (a run of letters and digits), the last ending in {@value
     * #END_OF_WORD}.
     */
    public List<String> encode(String word) {
        List<String> hit = cache.get(word);
        if (hit != null) {
            return hit;
        }
        List<String> out = List.copyOf(segment(word));
        if (cache.size() < CACHE_LIMIT) {
            cache.put(word, out);
        }
        return out;
    }

    /** The pieces of the words, in order, at most {@code limit} of them. */
    public List<String> encode(List<String> words, int limit) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < words.size() && out.size() < limit; i++) {
            List<String> p = encode(words.get(i));
            out.addAll(p.subList(0, Math.min(p.size(), limit - out.size())));
        }
        return out;
    }

    /** The words spelled by pieces: concatenated, cut after each {@value #END_OF_WORD}. */
    public static List<String> decode(List<String> pieces) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (String p : pieces) {
            b.append(p);
            if (p.endsWith(END_OF_WORD)) {
                b.setLength(b.length() - END_OF_WORD.length());
                out.add(b.toString());
                b.setLength(0);
            }
        }
        if (!b.isEmpty()) {
            out.add(b.toString());
        }
        return out;
    }

    /**
     * Applies the merges in learned order: repeatedly the adjacent pair whose next rank after the
     * last applied one is smallest, merging its occurrences left to right, which is the same as
     * trying every merge in turn.
     */
    private List<String> segment(String word) {
        List<String> s = new ArrayList<>();
        word.codePoints()
                .forEach(
                        cp -> {
                            String c = new String(Character.toChars(cp));
                            s.add(known.contains(c) ? c : UNKNOWN);
                        });
        s.add(END_OF_WORD);
        int last = -1;
        while (s.size() > 1) {
            int best = Integer.MAX_VALUE;
            String pair = null;
            for (int i = 0; i + 1 < s.size(); i++) {
                String p = s.get(i) + " " + s.get(i + 1);
                int r = nextRank(ranks.get(p), last);
                if (r < best) {
                    best = r;
                    pair = p;
                }
            }
            if (pair == null) {
                break;
            }
            mergeAll(s, pair);
            last = best;
        }
        return s;
    }

    private static int nextRank(int[] rs, int after) {
        if (rs != null) {
            for (int r : rs) {
                if (r > after) {
                    return r;
                }
            }
        }
        return Integer.MAX_VALUE;
    }

    /** Replaces the non-overlapping occurrences of "a b" in {@code s}, left to right, by ab. */
    private static void mergeAll(List<String> s, String pair) {
        int space = pair.indexOf(' ');
        String a = pair.substring(0, space);
        String b = pair.substring(space + 1);
        List<String> out = new ArrayList<>(s.size());
        for (int i = 0; i < s.size(); i++) {
            if (i + 1 < s.size() && s.get(i).equals(a) && s.get(i + 1).equals(b)) {
                out.add(a + b);
                i++;
            } else {
                out.add(s.get(i));
            }
        }
        s.clear();
        s.addAll(out);
    }
}
