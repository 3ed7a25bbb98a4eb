package org.mtl4j.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Learns byte-pair merges ({@link BytePairEncoding}, Sennrich et al. 2016, Algorithm 1) over the
 * table of distinct words with their counts, keeping the pair counts up to date instead of
 * recounting every pair after each merge: a merge of (a, b) only rewrites the words that contain
 * the pair (found through an index pair → words), subtracting their old pairs and adding their new
 * ones. The most frequent pair comes from a priority queue with lazy deletion (an entry whose count
 * is no longer the pair's count is skipped). Ties go to the pair whose left, then right, symbol is
 * first in {@link String#compareTo} order, so learning is deterministic.
 */
final class BpeLearner {
    private static final int UNKNOWN = -1;
    private static final int MIX = 0x9E3779B9;

    private final int vocabulary;
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> merges = new ArrayList<>();
    private final int[][] words;
    private final int[] counts;
    private final Map<Long, Integer> pairCounts = new HashMap<>();
    private final Map<Long, List<Integer>> containing = new HashMap<>();
    private final PriorityQueue<long[]> queue;

    BpeLearner(Map<String, Integer> wordCounts, int vocabulary, int minCount) {
        this.vocabulary = vocabulary;
        Map<String, Integer> sorted = new TreeMap<>(wordCounts);
        Map<String, Long> chars = new TreeMap<>();
        sorted.forEach(
                (w, n) -> {
                    if (w.isEmpty() || w.contains(" ") || n == null || n < 1) {
                        throw new IllegalArgumentException(
                                "byte-pair learning: bad word \"" + w + "\" or count " + n);
                    }
                    w.codePoints()
                            .forEach(
                                    cp ->
                                            chars.merge(
                                                    new String(Character.toChars(cp)),
                                                    (long) n,
                                                    Long::sum));
                });
        List<String> base = new ArrayList<>(List.of(BytePairEncoding.END_OF_WORD));
        chars.forEach((c, n) -> base.add(n >= minCount ? c : null));
        base.removeIf(java.util.Objects::isNull);
        base.sort(String::compareTo);
        if (base.size() > vocabulary) {
            throw new IllegalArgumentException(
                    "the training words have "
                            + (base.size() - 1)
                            + " characters seen at least "
                            + minCount
                            + " times; with the end-of-word symbol that is "
                            + base.size()
                            + " base symbols, more than the vocabulary of "
                            + vocabulary
                            + " pieces");
        }
        base.forEach(this::symbol);
        queue =
                new PriorityQueue<>(
                        (x, y) -> {
                            int byCount = Long.compare(y[0], x[0]);
                            if (byCount != 0) {
                                return byCount;
                            }
                            int byLeft = names.get((int) x[1]).compareTo(names.get((int) y[1]));
                            return byLeft != 0
                                    ? byLeft
                                    : names.get((int) x[2]).compareTo(names.get((int) y[2]));
                        });
        words = new int[sorted.size()][];
        counts = new int[sorted.size()];
        int i = 0;
        for (Map.Entry<String, Integer> e : sorted.entrySet()) {
            words[i] = symbols(e.getKey());
            counts[i] = e.getValue();
            addPairs(i, -2);
            i++;
        }
        pairCounts.forEach(this::offer);
    }

    /** Merges until the vocabulary is full or no pair occurs twice. */
    void run() {
        while (names.size() < vocabulary) {
            long[] best = queue.poll();
            while (best != null
                    && pairCounts.getOrDefault(key((int) best[1], (int) best[2]), 0) != best[0]) {
                best = queue.poll();
            }
            if (best == null || best[0] < 2) {
                return;
            }
            merge((int) best[1], (int) best[2]);
        }
    }

    List<String> pieces() {
        return names;
    }

    List<String> merges() {
        return merges;
    }

    private void merge(int a, int b) {
        merges.add(names.get(a) + " " + names.get(b));
        int z = symbol(names.get(a) + names.get(b));
        long ab = key(a, b);
        Map<Long, Integer> before = new HashMap<>(); // count of each changed pair before this merge
        List<Integer> ws = containing.remove(ab);
        for (int w : ws == null ? List.<Integer>of() : ws) {
            if (!contains(words[w], a, b)) {
                continue; // stale index entry
            }
            changePairs(w, -1, before);
            words[w] = rewrite(words[w], a, b, z);
            changePairs(w, +1, before);
            addPairs(w, z);
        }
        before.forEach(
                (k, old) -> {
                    int n = pairCounts.getOrDefault(k, 0);
                    if (n != old) {
                        offer(k, n);
                    }
                });
    }

    /** Adds or subtracts the pair counts of word w, noting the first count of each pair. */
    private void changePairs(int w, int sign, Map<Long, Integer> before) {
        int[] s = words[w];
        for (int i = 0; i + 1 < s.length; i++) {
            if (s[i] != UNKNOWN && s[i + 1] != UNKNOWN) {
                long k = key(s[i], s[i + 1]);
                int old = pairCounts.getOrDefault(k, 0);
                before.putIfAbsent(k, old);
                int n = old + sign * counts[w];
                if (n == 0) {
                    pairCounts.remove(k);
                } else {
                    pairCounts.put(k, n);
                }
            }
        }
    }

    /**
     * Counts the pairs of a new word (only) ({@code with} = -2), or indexes word w under its pairs
     * that involve symbol {@code with}.
     */
    private void addPairs(int w, int with) {
        int[] s = words[w];
        for (int i = 0; i + 1 < s.length; i++) {
            if (s[i] == UNKNOWN || s[i + 1] == UNKNOWN) {
                continue;
            }
            long k = key(s[i], s[i + 1]);
            if (with == -2) {
                pairCounts.merge(k, counts[w], Integer::sum);
            } else if (s[i] != with && s[i + 1] != with) {
                continue;
            }
            List<Integer> ws = containing.computeIfAbsent(k, x -> new ArrayList<>());
            if (ws.isEmpty() || ws.get(ws.size() - 1) != w) {
                ws.add(w);
            }
        }
    }

    private void offer(long k, int n) {
        if (n >= 2) {
            queue.add(new long[] {n, left(k), right(k)});
        }
    }

    private int[] symbols(String word) {
        int[] cps = word.codePoints().toArray();
        int[] s = new int[cps.length + 1];
        for (int i = 0; i < cps.length; i++) {
            s[i] = ids.getOrDefault(new String(Character.toChars(cps[i])), UNKNOWN);
        }
        s[cps.length] = ids.get(BytePairEncoding.END_OF_WORD);
        return s;
    }

    private int symbol(String name) {
        return ids.computeIfAbsent(
                name,
                n -> {
                    names.add(n);
                    return names.size() - 1;
                });
    }

    private static boolean contains(int[] s, int a, int b) {
        for (int i = 0; i + 1 < s.length; i++) {
            if (s[i] == a && s[i + 1] == b) {
                return true;
            }
        }
        return false;
    }

    /** The non-overlapping occurrences of (a, b), left to right, replaced by z. */
    private static int[] rewrite(int[] s, int a, int b, int z) {
        int[] out = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
                out[n++] = z;
                i++;
            } else {
                out[n++] = s[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * The pair (a, b) as one long: a in the high half, b mixed with a multiple of a in the low
     * half, so that {@link Long#hashCode} (high half xor low half) spreads pairs of small ids.
     */
    private static long key(int a, int b) {
        return ((long) a << 32) | ((b ^ a * MIX) & 0xffffffffL);
    }

    private static int left(long key) {
        return (int) (key >>> 32);
    }

    private static int right(long key) {
        return (int) key ^ left(key) * MIX;
    }
}
