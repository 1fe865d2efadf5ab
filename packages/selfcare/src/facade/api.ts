import type { Actor, CommandResult, StoreError } from '@selfprov/core';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { LoginResult } from '../account/sessions.js';
import type { BatchReport } from '../batch/run.js';
import type { DomainRulesState } from '../domainRules/decider.js';
import type { MigrationRequest, MigrationSummary } from '../migration/migration.js';
import type { SelfCareView } from '../readModel/projection.js';
import type { CarouselView, UserSettingsView } from '../readModel/queries.js';
import type { Principal, UserPrincipal } from '../shared/principal.js';
import type { AlternateNumberState } from '../singleNumberReach/decider.js';
import type { CallOptions } from './deps.js';
import type { Op } from './support.js';

/**
 * The self-care facade: every command and query of the portal on the event
 * log, with authorization, ownership and visibility decided in the domain.
 * Read models are caught up after each command and before each query.
 *
 * Every operation is lazy (`TaskEither`): nothing happens until it is run.
 * Commands take a `Principal` and untrusted input (validated, the error naming
 * the field), and an optional `{ commandId }` that makes a retry of the same
 * change a no-op; they answer the core `CommandResult`.
 */
export interface SelfCare {
  /** Logs in with user id and password; answers the session token (bearer secret) and where the user lands. */
  login: (input: unknown) => Op<LoginResult>;
  /** The principal of a session token (open, unexpired), for every later command. */
  authenticate: (token: string) => Op<UserPrincipal>;
  /** Closes the principal's session. */
  logout: (principal: UserPrincipal, call?: CallOptions) => Op<CommandResult>;

  /** Administration (an administrator principal; `onBehalfOf` not needed). */
  admin: {
    /** Creates a domain; `CreateSelfCareAccounts` off unless given, `DefaultCUPMPassword` optional. */
    createDomain: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Turns the domain's `CreateSelfCareAccounts` rule on or off. */
    setCreateSelfCareAccountsRule: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** `DefaultCUPMPassword`: enabled flag and, optionally, new data (stored by the credentials port, never in events). */
    setDefaultPasswordRule: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Creates a provisioning account of a domain with its roles; `SelfCareUser` needs the domain's rule. */
    createAccount: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Gives (needs the domain's rule) or takes away the `SelfCareUser` role; taking it away closes the sessions. */
    setSelfCareRole: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Sets an account's password (after the policy); until then an account without the default password cannot log in. */
    setPassword: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** The operator's visible features of one page (vendor string `A,B,C#` or an array). */
    setVisibleFeatures: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /**
     * Runs a batch action file (see `parseBatchFile` for the format): each line applied or refused on its
     * own; `batchId` makes a re-run of the same file a no-op.
     */
    runBatch: (principal: Principal, file: string | Uint8Array, batchOptions?: { readonly batchId?: string }) => Op<BatchReport>;
    /** The migration utility: enables or disables self-care for the users of the domains with both rules set. */
    migrate: (principal: Principal, request: MigrationRequest, call?: CallOptions) => Op<MigrationSummary>;
    /** Every domain with its rules (the default password itself is never readable). */
    domains: () => Op<readonly DomainRulesState[]>;
  };

  /** Phone (or extension mobility profile) settings of the carousel's selected entry. */
  phone: {
    /** The phone's MAC address (any usual notation; not on a profile, not one another phone has). */
    changeMacAddress: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** The phone's name. */
    rename: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** The display language (an installed locale, or `null` for the system default). */
    setDisplayLanguage: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Replaces every speed dial (at most 99; commas are 2-second pauses). */
    setSpeedDials: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Adds one speed dial. */
    addSpeedDial: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Removes one speed dial. */
    removeSpeedDial: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Do not disturb and its incoming call option. */
    setDoNotDisturb: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** User and network locales (installed ones, or `null`). */
    setLocale: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** The phone's hold audio sources. */
    setMusicOnHold: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Speakerphone, headset, video, PC port, extension mobility. */
    setOptions: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
  };

  /** Settings of one line of the selected phone or profile. */
  line: {
    /** Call forward: all, busy, no answer, unregistered (internal and external); loops are refused. */
    setCallForward: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Caller ID: display name and presentation. */
    setCallerId: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Call and message notification (audible and visual). */
    setNotification: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** The line's user and network hold audio sources. */
    setMusicOnHold: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
  };

  /** User settings: information, password, PINs. */
  user: {
    /** First and last name (personal data). */
    changeName: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Email address (personal data). */
    changeEmail: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Only one of the user's own phones can be primary. */
    changePrimaryPhone: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** A user gives `currentPassword`; an administrator acting for the user does not. Other sessions are closed. */
    changePassword: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** The phone PIN (Unified CM / extension mobility), under the trivial-PIN and history rules. */
    changePhonePin: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** The voicemail PIN (Unity Connection), separate from the phone PIN. */
    changeVoicemailPin: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
  };

  /** Single number reach: alternate numbers. */
  snr: {
    /** Adds an alternate number (at most 10; not one of the user's own lines). */
    addAlternateNumber: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Changes an alternate number's settings. */
    updateAlternateNumber: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
    /** Removes an alternate number. */
    removeAlternateNumber: (principal: Principal, input: unknown, call?: CallOptions) => Op<CommandResult>;
  };

  // Queries (read model, caught up first).

  /** The user's carousel: phones and profiles with their settings and their lines' settings, and the visible features. */
  carousel: (principal: Principal) => Op<CarouselView>;
  /** The subject's account: roles, personal data, primary phone, whether a password is set. */
  userSettings: (principal: Principal) => Op<UserSettingsView>;
  /** The subject's alternate numbers. */
  singleNumberReach: (principal: Principal) => Op<readonly AlternateNumberState[]>;
  /** Visible features per page. */
  visibleFeatures: () => Op<CarouselView['visible']>;
  /** Catches the read model up with the log (e.g. after other processes wrote). */
  catchUp: () => TE.TaskEither<StoreError, number>;
  /** The raw read model (as of the last catch-up). */
  view: () => SelfCareView;
  /** The envelope actor of a principal (for callers writing their own events). */
  actorOf: (principal: Principal) => Actor;
  /** The migration summary as the CLI prints it. */
  formatMigrationSummary: (s: MigrationSummary) => string;
}
