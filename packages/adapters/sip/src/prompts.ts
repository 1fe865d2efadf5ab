import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCatalogs, type PromptCatalog } from '@selfprov/ivr';
import { type AudioEncoding, readWav, transcode } from './rtp.js';

/**
 * Prompt audio for the RTP path. The IVR's catalogs name audio files
 * (`prompts/<locale>/<name>.wav`, digits as `digit-<d>.wav`); this package
 * ships them, generated once from the catalogs' text by
 * `scripts/generate-prompts.sh` (espeak-ng, then sox to 8 kHz mono mu-law).
 */

/** The package folder: the catalogs' audio paths (`prompts/en_US/welcome.wav`) are relative to it. */
export const defaultPromptRoot: string = fileURLToPath(new URL('../', import.meta.url));

export interface PromptAudioText {
  readonly locale: string;
  /** Base name, e.g. `you-entered` or `digit-7`. */
  readonly file: string;
  readonly text: string;
}

/**
 * What each audio file of the catalogs says, derived from the prompts' text:
 * the text between two `{argument}` placeholders is spoken by the file names
 * that stand between those arguments in the audio list (several names share
 * the text sentence by sentence). Digits `0`-`9` are spoken by `digit-<d>`.
 * Text after the last argument that no file stands for is not spoken (the
 * catalog decides what is recorded).
 */
export const promptAudioTexts = (catalogs: Readonly<Record<string, PromptCatalog>> = defaultCatalogs): PromptAudioText[] => {
  const out = new Map<string, PromptAudioText>();
  for (const [locale, catalog] of Object.entries(catalogs)) {
    for (const entry of Object.values(catalog.prompts)) {
      const pieces = entry.text.split(/\{[A-Za-z]+\}/);
      let group: string[] = [];
      let piece = 0;
      const flush = () => {
        const text = (pieces[piece] ?? '').trim().replace(/^[.,:;]\s*/, '');
        const sentences = text.split(/(?<=[.!?:])\s+/).filter((s) => s !== '');
        group.forEach((file, i) => {
          const said = group.length === 1 ? text : i < group.length - 1 ? (sentences[i] ?? '') : sentences.slice(i).join(' ');
          const key = `${locale}/${file}`;
          if (!out.has(key) && said.replace(/[\s.,:;]/g, '') !== '') out.set(key, { locale, file, text: said });
        });
        group = [];
      };
      for (const segment of entry.audio) {
        if (typeof segment === 'string') group.push(segment);
        else {
          flush();
          piece += 1;
        }
      }
      flush();
    }
    for (let d = 0; d <= 9; d++) out.set(`${locale}/digit-${d}`, { locale, file: `digit-${d}`, text: String(d) });
  }
  return [...out.values()];
};

export interface PromptLibrary {
  /** The G.711 samples of a catalog audio path in `encoding`; `undefined` when the file is missing or unreadable. */
  samples(path: string, encoding: AudioEncoding): Buffer | undefined;
  /** Reads every file of the catalogs now (so the first call does not wait on the disk). Returns the paths that failed. */
  preload(catalogs?: Readonly<Record<string, PromptCatalog>>): string[];
}

/** Loads prompt files on first use and keeps them (a few megabytes at most), per encoding. */
export const createPromptLibrary = (
  root: string = defaultPromptRoot,
  onMissing: (path: string, why: string) => void = () => {},
): PromptLibrary => {
  const cache = new Map<string, Buffer | null>();
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  const load = (path: string, encoding: AudioEncoding): Buffer | undefined => {
    const key = `${encoding}:${path}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let result: Buffer | null = null;
    // Paths come from catalogs (an embedder's too): never read outside the root.
    const full = normalize(join(base, path));
    if (isAbsolute(path) || !full.startsWith(base)) onMissing(path, 'outside the prompt root');
    else if (!existsSync(full)) onMissing(path, 'no such file');
    else {
      try {
        const wav = readWav(readFileSync(full));
        if ('_tag' in wav) onMissing(path, wav.message);
        else result = transcode(wav.samples, wav.encoding, encoding);
      } catch (e) {
        onMissing(path, e instanceof Error ? e.message : 'unreadable');
      }
    }
    cache.set(key, result);
    return result ?? undefined;
  };
  return {
    samples: load,
    preload: (catalogs = defaultCatalogs) => {
      const failed: string[] = [];
      for (const t of promptAudioTexts(catalogs)) {
        const path = `prompts/${t.locale}/${t.file}.wav`;
        if (load(path, 'PCMU') === undefined) failed.push(path);
      }
      return failed;
    },
  };
};
