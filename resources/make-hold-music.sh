#!/usr/bin/env bash
# Makes the hotline's bundled hold music, resources/hold-music.mp3: 32 s of four plucked chords,
# twice, quiet, mono 16 kHz MP3 at 32 kbit/s (what Vonage plays on a call; about 128 KB).
# Needs sox and lame (Debian: apt-get install sox lame). Run: bash resources/make-hold-music.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
i=0
for chord in "C4 E4 G4" "A3 C4 E4" "F3 A3 C4" "G3 B3 D4"; do
  set -- $chord
  sox -n -r 16000 -c 1 "$work/part$i.wav" synth 4 pluck "$1" pluck "$2" pluck "$3" fade q 0.05 4 1.2 gain -12 remix -
  i=$((i + 1))
done
sox "$work"/part{0,1,2,3}.wav "$work"/part{0,1,2,3}.wav "$work/music.wav"
lame --quiet -m m -b 32 --resample 16 "$work/music.wav" "$here/hold-music.mp3"
