#!/usr/bin/env bash
# Renders the hicolor PNG icons from resources/icons/io.github.batchscope.Batchscope.svg (needs
# ImageMagick with its SVG delegate: apt-get install imagemagick). The PNGs are committed; run this
# after editing the SVG.
set -euo pipefail
cd "$(dirname "$0")/.."
svg=resources/icons/io.github.batchscope.Batchscope.svg
for size in 32 48 64 128 256; do
  convert -background none -density 384 "$svg" -resize "${size}x${size}" \
    "resources/icons/io.github.batchscope.Batchscope-${size}.png"
done
