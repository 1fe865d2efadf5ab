#!/usr/bin/env bash
# Generates the IVR's prompt audio from the prompt catalogs of @selfprov/ivr:
# one 8 kHz mono mu-law WAV per audio file name and language, under prompts/<locale>/.
# The files are committed: run this again only when the catalogs change.
#
#   packages/adapters/sip/scripts/generate-prompts.sh        (from anywhere)
#
# Needs espeak-ng and sox (Debian: apt-get install espeak-ng sox) and the workspace's
# node_modules (tsx). Voices: en_US -> en-us, fr_FR -> fr-fr. Leading and trailing
# silence is trimmed, then 120 ms of silence is added after each phrase (digits: 40 ms)
# so that concatenated prompts breathe without dragging.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../../.." && pwd)"
command -v espeak-ng >/dev/null || { echo "espeak-ng is not installed" >&2; exit 1; }
command -v sox >/dev/null || { echo "sox is not installed" >&2; exit 1; }

voice_of() {
  case "$1" in
    en_US) echo en-us ;;
    fr_FR) echo fr-fr ;;
    *) echo "no espeak-ng voice configured for $1" >&2; return 1 ;;
  esac
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && node --conditions=source --import tsx "$here/scripts/prompt-texts.ts") > "$tmp/texts.tsv"

count=0
while IFS=$'\t' read -r locale file text; do
  voice="$(voice_of "$locale")"
  mkdir -p "$here/prompts/$locale"
  pad=0.12
  case "$file" in digit-*) pad=0.04 ;; esac
  espeak-ng -v "$voice" -s 165 -w "$tmp/raw.wav" "$text"
  sox "$tmp/raw.wav" -r 8000 -c 1 -e mu-law -b 8 "$here/prompts/$locale/$file.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0 "$pad" gain -n -3
  count=$((count + 1))
done < "$tmp/texts.tsv"
echo "generated $count prompt files under $here/prompts ($(du -sh "$here/prompts" | cut -f1))"
