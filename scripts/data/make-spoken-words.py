#!/usr/bin/env python3
"""Generates the spoken-words dataset offline and reproducibly with espeak-ng: the ten digits and
ten command words, spoken by six voices (English variants, male and female), at random speaking
rates and pitches, with white noise at a random signal-to-noise ratio. Three tasks share one audio
input: which word (20 classes), which voice (6 classes), speaking speed (regression: the rate
relative to espeak-ng's default of 175 words per minute, so 1.0 is normal speed).

    scripts/data/make-spoken-words.py [OUT_DIR] [--repeats 10] [--seed 2024]

Writes OUT_DIR/wav/*.wav (16-bit mono PCM at espeak-ng's 22,050 Hz) and OUT_DIR/labels.csv
(path,word,voice,rate,speed,snr_db), replacing what was there; default OUT_DIR: runs/data/spoken-words.
The same seed and espeak-ng version give the same files (espeak-ng's synthesis is deterministic).
Needs: apt-get install espeak-ng. Standard library only.
"""
import argparse
import array
import csv
import math
import os
import random
import shutil
import subprocess
import sys
import wave

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
         "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
# language variant + voice variant (+f3: a female voice)
VOICES = ["en-us", "en-us+f3", "en-gb", "en-gb+f3", "en-gb-scotland", "en-gb-x-rp+f2"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("out", nargs="?", default=os.path.join(root, "runs", "data", "spoken-words"))
    ap.add_argument("--repeats", type=int, default=10, help="clips per word and voice")
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng not found: apt-get install espeak-ng")
    rng = random.Random(args.seed)
    tmp = args.out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "wav"))
    rows = []
    for word in WORDS:
        for voice in VOICES:
            for k in range(args.repeats):
                rate = rng.randint(110, 230)
                pitch = rng.randint(25, 75)
                snr = rng.uniform(10, 30)
                noise_seed = rng.getrandbits(32)
                name = f"{word}-{voice.replace('+', '_')}-{k}.wav"
                path = os.path.join(tmp, "wav", name)
                subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-p", str(pitch),
                                "-w", path, word], check=True, capture_output=True)
                add_noise(path, snr, random.Random(noise_seed))
                rows.append((os.path.join("wav", name), word, voice, rate, f"{rate / 175:.4f}",
                             f"{snr:.2f}"))
    with open(os.path.join(tmp, "labels.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "word", "voice", "rate", "speed", "snr_db"])
        w.writerows(rows)
    shutil.rmtree(args.out, ignore_errors=True)
    os.replace(tmp, args.out)
    print(f"{args.out}: {len(rows)} clips, {len(WORDS)} words x {len(VOICES)} voices x {args.repeats}")


def add_noise(path, snr_db, rng):
    """White Gaussian noise at the given signal-to-noise ratio, in place (16-bit mono PCM)."""
    with wave.open(path, "rb") as r:
        params = r.getparams()
        frames = r.readframes(r.getnframes())
    if params.sampwidth != 2 or params.nchannels != 1:
        raise SystemExit(f"{path}: expected 16-bit mono from espeak-ng, got {params}")
    x = array.array("h", frames)
    if sys.byteorder != "little":
        x.byteswap()
    power = sum(v * v for v in x) / max(1, len(x))
    sigma = math.sqrt(power / (10 ** (snr_db / 10))) if power > 0 else 0.0
    y = array.array("h", (max(-32768, min(32767, int(round(v + rng.gauss(0, sigma))))) for v in x))
    if sys.byteorder != "little":
        y.byteswap()
    with wave.open(path, "wb") as w:
        w.setparams(params)
        w.writeframes(y.tobytes())


if __name__ == "__main__":
    main()
