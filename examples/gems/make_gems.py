#!/usr/bin/env python3
"""Writes gems.csv: 4,000 invented cut gems with a price in US dollars and three grades.

Standard library only, fixed seed: the output is identical every time.
  python3 examples/gems/make_gems.py
"""
import math
import os
import random

CUTS = ["fair", "good", "very_good", "premium", "ideal"]
COLORS = ["J", "I", "H", "G", "F", "E", "D"]
CLARITIES = ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"]


def grade(score, n, rnd):
    """A latent score in [0, 1] (plus noise) cut into n ordered grades."""
    s = min(max(score + rnd.gauss(0, 0.08), 0.0), 0.999)
    return int(s * n)


def main():
    rnd = random.Random(20261207)
    here = os.path.dirname(os.path.abspath(__file__))
    rows = []
    for i in range(4000):
        carat = round(min(max(rnd.lognormvariate(math.log(0.7), 0.5), 0.2), 4.0), 2)
        cut_q = rnd.random()
        color_q = rnd.random()
        clarity_q = rnd.random()
        # measurements that reveal the grades only in part
        depth = round(61.8 + (1 - cut_q) * rnd.choice([-1, 1]) * 3.5 + rnd.gauss(0, 0.6), 1)
        table = round(57 + (1 - cut_q) * 4 + rnd.gauss(0, 1.0), 1)
        symmetry = round(cut_q * 0.7 + rnd.gauss(0, 0.15), 3)
        hue = round(color_q * 0.8 + rnd.gauss(0, 0.15), 3)
        inclusions = max(0, int(round((1 - clarity_q) * 9 + rnd.gauss(0, 1.2))))
        size = carat ** (1 / 3)
        x = round(6.4 * size + rnd.gauss(0, 0.05), 2)
        y = round(x + rnd.gauss(0, 0.05), 2)
        z = round(x * depth / 100, 2)
        cut = grade(cut_q, len(CUTS), rnd)
        color = grade(color_q, len(COLORS), rnd)
        clarity = grade(clarity_q, len(CLARITIES), rnd)
        quality = 0.55 + 0.12 * cut + 0.1 * color + 0.12 * clarity
        price = 3900 * carat ** 1.8 * quality * math.exp(rnd.gauss(0, 0.12))
        price = int(round(min(max(price, 326), 18823)))
        row = {
            "gem_id": "G%05d" % (i + 1),
            "carat": carat,
            "depth": depth,
            "table": table,
            "x": x,
            "y": y,
            "z": z,
            "symmetry": symmetry,
            "hue": hue,
            "inclusions": inclusions,
            "price": price,
            "cut": CUTS[cut],
            "color": COLORS[color],
            "clarity": CLARITIES[clarity],
        }
        # about 10 % of each label cell is missing
        for k in ("price", "cut", "color", "clarity"):
            if rnd.random() < 0.1:
                row[k] = ""
        rows.append(row)
    cols = list(rows[0].keys())
    with open(os.path.join(here, "gems.csv"), "w", newline="") as f:
        f.write(",".join(cols) + "\n")
        for r in rows:
            f.write(",".join(str(r[c]) for c in cols) + "\n")


if __name__ == "__main__":
    main()
