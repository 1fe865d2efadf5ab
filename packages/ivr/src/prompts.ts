/**
 * Prompt catalogs. The machine speaks in prompt ids; a catalog maps each id to
 * text (for terminals, web transports and logs) and to a sequence of audio
 * files (for telephony transports), per language. Arguments (`{digits}`,
 * `{triesLeft}`, `{extension}`, `{key}`) are digit strings: text inserts them
 * as they are, audio reads them digit by digit (`digit-2.wav`).
 */

/** Every prompt id of the product. `promptIdsOf(ivrMachine)` proves the machine emits only these. */
export const promptIds = [
  'welcome',
  'language-option',
  'main-menu',
  'enter-self-provisioning-id',
  'confirm-self-provisioning-id',
  'enter-extension',
  'enter-pin',
  'enter-pin-or-authentication-code',
  'enter-authentication-code',
  'secret-entry-restarted',
  'no-input',
  'invalid-option',
  'entry-empty',
  'entry-too-long',
  'too-many-attempts',
  'unknown-self-provisioning-id',
  'unknown-extension',
  'wrong-credential',
  'locked-out',
  'throttled',
  'limit-reached',
  'already-provisioned',
  'no-primary-extension',
  'not-allowed-by-profile',
  'owned-by-another-user',
  'old-phone-still-registered',
  'no-phone-to-replace',
  'system-not-ready',
  'generic-failure',
  'not-the-ivr-number',
  'please-wait',
  'phone-provisioned',
  'phone-replaced',
  'goodbye',
] as const;

export type PromptId = (typeof promptIds)[number];

/** Arguments of a prompt: digit strings. */
export type PromptArgs = Readonly<Record<string, string>>;

/** One piece of a prompt's audio: a file base name, or an argument read digit by digit. */
export type AudioSegment = string | { readonly arg: string };

export interface PromptEntry {
  /** Text with `{name}` placeholders. */
  readonly text: string;
  /** Audio files in playing order (base names, without folder or extension). */
  readonly audio: readonly AudioSegment[];
}

export interface PromptCatalog {
  /** Locale name as configured in the IVR languages, e.g. `en_US`. */
  readonly locale: string;
  /** The language's own name ("English (United States)", "Français (France)"). */
  readonly name: string;
  readonly prompts: Readonly<Record<string, PromptEntry>>;
}

/** A prompt ready for a transport. */
export interface RenderedPrompt {
  readonly id: string;
  readonly language: string;
  readonly text: string;
  /** Audio file paths relative to the prompt root, e.g. `prompts/en_US/goodbye.wav`. */
  readonly audio: readonly string[];
}

const p = (text: string, ...audio: AudioSegment[]): PromptEntry => ({ text, audio });
const digits = { arg: 'digits' } as const;

export const englishUnitedStates: PromptCatalog = {
  locale: 'en_US',
  name: 'English (United States)',
  prompts: {
    welcome: p('Welcome to phone self-provisioning.', 'welcome'),
    'language-option': p('For English, press {key}.', 'language-option', { arg: 'key' }),
    'main-menu': p('To provision this phone, press 1. To replace a phone, press 2.', 'main-menu'),
    'enter-self-provisioning-id': p('Enter your self-provisioning ID, followed by the pound key.', 'enter-self-provisioning-id'),
    'confirm-self-provisioning-id': p(
      'You entered {digits}. To confirm, press 1. To enter it again, press 2.',
      'you-entered',
      digits,
      'confirm-or-reenter',
    ),
    'enter-extension': p('Enter the primary extension of the phone to replace, followed by the pound key.', 'enter-extension'),
    'enter-pin': p('Enter your PIN or password digits, followed by the pound key.', 'enter-pin'),
    'enter-pin-or-authentication-code': p(
      'Enter your PIN or password digits, followed by the pound key. Administrators: press the star key, then the authentication code.',
      'enter-pin-or-authentication-code',
    ),
    'enter-authentication-code': p('Enter the authentication code, followed by the pound key.', 'enter-authentication-code'),
    'secret-entry-restarted': p('Sorry, the call was interrupted. Please start your entry again.', 'secret-entry-restarted'),
    'no-input': p('We did not receive your entry.', 'no-input'),
    'invalid-option': p('That is not a valid choice.', 'invalid-option'),
    'entry-empty': p('Nothing was entered.', 'entry-empty'),
    'entry-too-long': p('That entry is too long.', 'entry-too-long'),
    'too-many-attempts': p('Too many unsuccessful attempts.', 'too-many-attempts'),
    'unknown-self-provisioning-id': p('That self-provisioning ID is not recognized.', 'unknown-self-provisioning-id'),
    'unknown-extension': p('That extension is not recognized.', 'unknown-extension'),
    'wrong-credential': p('That PIN or code is not correct. Attempts left: {triesLeft}.', 'wrong-credential', 'attempts-left', {
      arg: 'triesLeft',
    }),
    'locked-out': p(
      'Your account is locked after too many failed attempts. Please try again later or contact your administrator.',
      'locked-out',
    ),
    throttled: p('Too many attempts from this phone. Please try again later.', 'throttled'),
    'limit-reached': p('You already have the maximum number of phones allowed. This phone cannot be provisioned.', 'limit-reached'),
    'already-provisioned': p('This device cannot be provisioned: it is already provisioned.', 'already-provisioned'),
    'no-primary-extension': p('Your account has no primary extension. Please contact your administrator.', 'no-primary-extension'),
    'not-allowed-by-profile': p(
      'Your user profile does not allow you to provision phones. Please contact your administrator.',
      'not-allowed-by-profile',
    ),
    'owned-by-another-user': p('This phone belongs to another user and cannot be provisioned for you.', 'owned-by-another-user'),
    'old-phone-still-registered': p('Your old phone is still registered. Unplug it, then call again.', 'old-phone-still-registered'),
    'no-phone-to-replace': p('You have no phone to replace.', 'no-phone-to-replace'),
    'system-not-ready': p('Self-provisioning is not available right now. Please contact your administrator.', 'system-not-ready'),
    'generic-failure': p('Sorry, something went wrong. Please try again later.', 'generic-failure'),
    'not-the-ivr-number': p('The number you dialled does not reach the self-provisioning service.', 'not-the-ivr-number'),
    'please-wait': p('Please wait.', 'please-wait'),
    'phone-provisioned': p('Your phone is now provisioned with extension {extension}. It will restart.', 'phone-provisioned', {
      arg: 'extension',
    }),
    'phone-replaced': p('Your phone with extension {extension} has been moved to this phone. It will restart.', 'phone-replaced', {
      arg: 'extension',
    }),
    goodbye: p('Goodbye.', 'goodbye'),
  },
};

export const frenchFrance: PromptCatalog = {
  locale: 'fr_FR',
  name: 'Français (France)',
  prompts: {
    welcome: p('Bienvenue dans le service de mise en service des téléphones.', 'welcome'),
    'language-option': p('Pour le français, appuyez sur {key}.', 'language-option', { arg: 'key' }),
    'main-menu': p('Pour mettre en service ce téléphone, appuyez sur 1. Pour remplacer un téléphone, appuyez sur 2.', 'main-menu'),
    'enter-self-provisioning-id': p(
      'Saisissez votre identifiant de mise en service, suivi de la touche dièse.',
      'enter-self-provisioning-id',
    ),
    'confirm-self-provisioning-id': p(
      'Vous avez saisi {digits}. Pour confirmer, appuyez sur 1. Pour le saisir à nouveau, appuyez sur 2.',
      'you-entered',
      digits,
      'confirm-or-reenter',
    ),
    'enter-extension': p('Saisissez le poste principal du téléphone à remplacer, suivi de la touche dièse.', 'enter-extension'),
    'enter-pin': p('Saisissez votre code PIN ou les chiffres de votre mot de passe, suivis de la touche dièse.', 'enter-pin'),
    'enter-pin-or-authentication-code': p(
      "Saisissez votre code PIN ou les chiffres de votre mot de passe, suivis de la touche dièse. Administrateurs : appuyez sur la touche étoile, puis saisissez le code d'authentification.",
      'enter-pin-or-authentication-code',
    ),
    'enter-authentication-code': p("Saisissez le code d'authentification, suivi de la touche dièse.", 'enter-authentication-code'),
    'secret-entry-restarted': p("Désolé, l'appel a été interrompu. Veuillez recommencer votre saisie.", 'secret-entry-restarted'),
    'no-input': p("Nous n'avons pas reçu votre saisie.", 'no-input'),
    'invalid-option': p("Ce choix n'est pas valide.", 'invalid-option'),
    'entry-empty': p("Vous n'avez rien saisi.", 'entry-empty'),
    'entry-too-long': p('Cette saisie est trop longue.', 'entry-too-long'),
    'too-many-attempts': p('Trop de tentatives infructueuses.', 'too-many-attempts'),
    'unknown-self-provisioning-id': p("Cet identifiant de mise en service n'est pas reconnu.", 'unknown-self-provisioning-id'),
    'unknown-extension': p("Ce poste n'est pas reconnu.", 'unknown-extension'),
    'wrong-credential': p(
      "Ce code PIN ou ce code n'est pas correct. Tentatives restantes : {triesLeft}.",
      'wrong-credential',
      'attempts-left',
      {
        arg: 'triesLeft',
      },
    ),
    'locked-out': p(
      'Votre compte est verrouillé après trop de tentatives échouées. Réessayez plus tard ou contactez votre administrateur.',
      'locked-out',
    ),
    throttled: p('Trop de tentatives depuis ce téléphone. Veuillez réessayer plus tard.', 'throttled'),
    'limit-reached': p(
      'Vous avez déjà le nombre maximal de téléphones autorisé. Ce téléphone ne peut pas être mis en service.',
      'limit-reached',
    ),
    'already-provisioned': p('Ce téléphone ne peut pas être mis en service : il est déjà en service.', 'already-provisioned'),
    'no-primary-extension': p("Votre compte n'a pas de poste principal. Contactez votre administrateur.", 'no-primary-extension'),
    'not-allowed-by-profile': p(
      "Votre profil d'utilisateur ne vous permet pas de mettre en service des téléphones. Contactez votre administrateur.",
      'not-allowed-by-profile',
    ),
    'owned-by-another-user': p(
      'Ce téléphone appartient à un autre utilisateur et ne peut pas être mis en service pour vous.',
      'owned-by-another-user',
    ),
    'old-phone-still-registered': p(
      'Votre ancien téléphone est toujours enregistré. Débranchez-le, puis rappelez.',
      'old-phone-still-registered',
    ),
    'no-phone-to-replace': p("Vous n'avez aucun téléphone à remplacer.", 'no-phone-to-replace'),
    'system-not-ready': p("La mise en service n'est pas disponible pour le moment. Contactez votre administrateur.", 'system-not-ready'),
    'generic-failure': p("Désolé, une erreur s'est produite. Veuillez réessayer plus tard.", 'generic-failure'),
    'not-the-ivr-number': p("Le numéro composé n'est pas celui du service de mise en service.", 'not-the-ivr-number'),
    'please-wait': p('Veuillez patienter.', 'please-wait'),
    'phone-provisioned': p('Votre téléphone est en service avec le poste {extension}. Il va redémarrer.', 'phone-provisioned', {
      arg: 'extension',
    }),
    'phone-replaced': p('Votre poste {extension} a été transféré sur ce téléphone. Il va redémarrer.', 'phone-replaced', {
      arg: 'extension',
    }),
    goodbye: p('Au revoir.', 'goodbye'),
  },
};

/** The catalogs shipped with the package, by locale. */
export const defaultCatalogs: Readonly<Record<string, PromptCatalog>> = {
  en_US: englishUnitedStates,
  fr_FR: frenchFrance,
};

/** Ids of `required` that `catalog` lacks (no entry, empty text or no audio). */
export const missingPrompts = (catalog: PromptCatalog, required: readonly string[] = promptIds): string[] =>
  required.filter((id) => {
    const entry = catalog.prompts[id];
    return entry === undefined || entry.text.trim() === '' || entry.audio.length === 0;
  });

const fill = (text: string, args: PromptArgs): string => text.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => args[name] ?? whole);

/** Audio path of a file in a language's folder. */
export const audioPath = (language: string, file: string): string => `prompts/${language}/${file}.wav`;

/**
 * Text and audio of one prompt. A language without a catalog, or a catalog
 * without the id, falls back to `fallback` (the tests make sure shipped
 * catalogs are complete, so this only covers an embedder's partial catalog).
 */
export const renderPrompt = (
  catalogs: Readonly<Record<string, PromptCatalog>>,
  language: string,
  id: string,
  args: PromptArgs = {},
  fallback = 'en_US',
): RenderedPrompt => {
  const own = catalogs[language]?.prompts[id];
  const lang = own !== undefined ? language : fallback;
  const entry = own ?? catalogs[fallback]?.prompts[id] ?? { text: `[${id}]`, audio: [id] };
  const audio = entry.audio.flatMap((segment) =>
    typeof segment === 'string' ? [audioPath(lang, segment)] : [...(args[segment.arg] ?? '')].map((d) => audioPath(lang, `digit-${d}`)),
  );
  return { id, language: lang, text: fill(entry.text, args), audio };
};
