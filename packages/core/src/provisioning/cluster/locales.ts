import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { firstDuplicate } from '../shared/configurationCodecKit.js';

/**
 * The locales the library knows (the vendor offers those of its installed locale
 * packs; selfprov stands in for a system with these packs installed). Keys are the
 * vendor's locale ids, values its display names. IVR languages, a template's user
 * locale and a feature group template's user locale must be one of these.
 */
export const knownLocales = {
  en_US: 'English United States',
  en_GB: 'English United Kingdom',
  fr_FR: 'French France',
  fr_CA: 'French Canada',
  de_DE: 'German Germany',
  es_ES: 'Spanish Spain',
  es_MX: 'Spanish Mexico',
  it_IT: 'Italian Italy',
  nl_NL: 'Dutch Netherlands',
  pt_PT: 'Portuguese Portugal',
  pt_BR: 'Portuguese Brazil',
  da_DK: 'Danish Denmark',
  sv_SE: 'Swedish Sweden',
  nb_NO: 'Norwegian Norway',
  fi_FI: 'Finnish Finland',
  pl_PL: 'Polish Poland',
  cs_CZ: 'Czech Czech Republic',
  hu_HU: 'Hungarian Hungary',
  el_GR: 'Greek Greece',
  tr_TR: 'Turkish Turkey',
  ru_RU: 'Russian Russian Federation',
  he_IL: 'Hebrew Israel',
  ar_SA: 'Arabic Saudi Arabia',
  ja_JP: 'Japanese Japan',
  ko_KR: 'Korean Korea Republic',
  zh_CN: 'Chinese China',
  zh_TW: 'Chinese Taiwan',
} as const;

export type Locale = keyof typeof knownLocales;

/** The vendor's API accepts up to 9 IVR languages (locale + priority). */
export const MAX_IVR_LANGUAGES = 9;

/** The IVR's default language list: English (United States) only. */
export const DEFAULT_IVR_LANGUAGES: readonly Locale[] = ['en_US'];

export const isLocale = (s: unknown): s is Locale => typeof s === 'string' && Object.hasOwn(knownLocales, s);

/** A locale id of {@link knownLocales}, e.g. `en_US`. */
export const LocaleCodec = new t.Type<Locale, string, unknown>(
  'Locale',
  isLocale,
  (u, c) => (isLocale(u) ? t.success(u) : t.failure(u, c, 'must be a known locale id such as en_US or fr_FR')),
  (a) => a,
);

const localeArray = t.array(LocaleCodec);

/**
 * IVR languages in priority order: 1 to 9 distinct known locales. An unknown
 * entry is reported at its index (`languages[2]`), a bad count or a repeat at the list.
 */
export const IvrLanguages = new t.Type<Locale[], string[], unknown>(
  'IvrLanguages',
  (u): u is Locale[] => localeArray.is(u) && u.length >= 1 && u.length <= MAX_IVR_LANGUAGES && firstDuplicate(u, (x) => x) === undefined,
  (u, c) => {
    const r = localeArray.validate(u, c);
    if (E.isLeft(r)) return r;
    if (r.right.length < 1 || r.right.length > MAX_IVR_LANGUAGES)
      return t.failure(u, c, `must list 1 to ${MAX_IVR_LANGUAGES} languages in priority order`);
    if (firstDuplicate(r.right, (x) => x) !== undefined) return t.failure(u, c, 'must not list a language twice');
    return r;
  },
  (a) => a,
);
