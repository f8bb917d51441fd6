#!/usr/bin/env python3
"""The example note's own computation, as a user's program would add one (see README, "Papers alongside code").

Reads two of Rethink's result files in the results folder (the MNIST kernel fits behind the norms the note
quotes, and the raw-pixel kernel-table fit), computes a number Rethink does not report -- how many times larger
the interpolant's RKHS norm is with random labels than with true labels -- and draws a figure Rethink does not
draw -- the raw-pixel interpolant's test error per digit -- then records both with `rethink record`, naming the
result files they come from, so that `rethink render` makes them \\MnistNormRatio and \\rethinkfigure{mnist-class-errors}
and `rethink paper check` reports them stale if either result file changes.

    python3 paper/own-numbers.py RESULTS        (RETHINK: the rethink command, default `rethink`)
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

from PIL import Image, ImageDraw, ImageFont

results = sys.argv[1] if len(sys.argv) > 1 else "results"
rethink = shlex.split(os.environ.get("RETHINK", "rethink"))
macros = json.load(open(os.path.join(results, "macros.json")))["macros"]


def source(macro):
    (name,) = macros[macro]["sources"]  # one result file per number
    return os.path.join(results, "data", name + ".json")


def result(path):
    return json.load(open(path))["result"]


true_file, random_file, raw_file = source("MnistNormTrueLabels"), source("MnistNormRandomLabels"), source("MnistRawTestError")
ratio = result(random_file)["solve"]["rkhsNorm"] / result(true_file)["solve"]["rkhsNorm"]
errors = result(raw_file)["perClassTestError"]

# A bar chart of the per-digit test error; printed at half of the note's text width (2.4 in), its 38-px text is about 7 pt.
width, height, left, bottom, top = 900, 560, 40, 110, 60
image = Image.new("RGB", (width, height), "white")
draw = ImageDraw.Draw(image)
try:
    font = ImageFont.truetype("DejaVuSans.ttf", 38)
except OSError:
    font = ImageFont.load_default()
peak = max(errors) * 1.15
draw.line([(left, top), (left, height - bottom), (width - 20, height - bottom)], fill="black", width=2)
bar = (width - left - 40) / len(errors)
for digit, error in enumerate(errors):
    x0 = left + 10 + digit * bar
    y0 = height - bottom - (height - bottom - top) * error / peak
    draw.rectangle([x0, y0, x0 + bar * 0.7, height - bottom], fill=(0, 114, 178))
    draw.text((x0 + bar * 0.1, height - bottom + 6), str(digit), fill="black", font=font)
    draw.text((x0 - 12, y0 - 44), f"{100 * error:.1f}", fill="black", font=font)
draw.text((left, height - 52), "digit; bar: test error (%)", fill="black", font=font)
png = os.path.join(tempfile.mkdtemp(), "mnist-class-errors.png")
image.save(png)

subprocess.run(rethink + ["record", "value", "MnistNormRatio", repr(ratio), "--format", "F1", "--out", results,
                          "--input", true_file, random_file], check=True)
subprocess.run(rethink + ["record", "figure", "mnist-class-errors", png, "--out", results, "--input", raw_file], check=True)
