import {
  type Channel,
  type CommandContext,
  type CommandDeps,
  type CommandResult,
  createProjectionRunner,
  type DomainEvent,
  type EventStore,
  handleCommand,
  handleMultiStreamCommand,
  type LoadedStream,
  type RetryPolicy,
  type Runtime,
  type StoreError,
  validationError,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type * as t from 'io-ts';
import { authorize } from '../account/access.js';
import {
  AdminSetPasswordInput,
  ChangeEmailInput,
  ChangeNameInput,
  ChangePasswordInput,
  ChangePinInput,
  ChangePrimaryPhoneInput,
  CreateAccountInput,
  LoginInput,
  SetSelfCareRoleInput,
} from '../account/codecs.js';
import type { AccountCommand, RecordLogin } from '../account/commands.js';
import { type AccountState, accountDecider, hasSelfCare, landingOf, loginPrecheck } from '../account/decider.js';
import type { Landing } from '../account/events.js';
import { type BatchAction, parseBatchFile } from '../batch/batchFile.js';
import { CreateDomainInput, SetCreateSelfCareAccountsInput, SetDefaultPasswordRuleInput } from '../domainRules/codecs.js';
import type { DomainRulesCommand } from '../domainRules/commands.js';
import { type DomainRulesState, defaultPasswordApplies, domainRulesDecider } from '../domainRules/decider.js';
import { SetCallerIdInput, SetCallForwardInput, SetLineMusicOnHoldInput, SetNotificationInput } from '../lineSettings/codecs.js';
import { type LineFacts, type LineSettingsCommand, lineFeatureOf } from '../lineSettings/commands.js';
import { initialLineSettings, type LineSettingsState, lineSettingsDecider } from '../lineSettings/decider.js';
import {
  type DomainSummary,
  formatMigrationSummary,
  type MigrationRequest,
  type MigrationSummary,
  planMigration,
  summarise,
} from '../migration/migration.js';
import {
  AddSpeedDialInput,
  ChangeMacAddressInput,
  RemoveSpeedDialInput,
  RenamePhoneInput,
  SetDisplayLanguageInput,
  SetDoNotDisturbInput,
  SetLocaleInput,
  SetPhoneMusicOnHoldInput,
  SetPhoneOptionsInput,
  SetSpeedDialsInput,
} from '../phoneSettings/codecs.js';
import { type PhoneFacts, type PhoneSettingsCommand, phoneFeatureOf } from '../phoneSettings/commands.js';
import { initialPhoneSettings, type PhoneSettingsState, pauseSeconds, phoneSettingsDecider } from '../phoneSettings/decider.js';
import type { CredentialAudit, CredentialOwnerFacts, SecretKind, SelfCareCredentials } from '../ports/credentials.js';
import type { CarouselKind, DirectoryDevice, PhoneDirectory } from '../ports/phoneDirectory.js';
import { lineKey, type SelfCareView, selfCareProjection } from '../readModel/projection.js';
import { type Catalog, defaultCatalog } from '../shared/catalog.js';
import { coalesceCalls } from '../shared/coalesce.js';
import { SELF_CARE_ROLE, UserId } from '../shared/codecs.js';
import { refuse, type SelfCareDecideError, type SelfCareError } from '../shared/errors.js';
import { type Feature, parseFeatureList, SETTINGS_PAGES, type SettingsPage } from '../shared/features.js';
import { actorOf, contextOf, type Principal, subjectOf, type UserPrincipal } from '../shared/principal.js';
import { toBase64Url, tokenFingerprint } from '../shared/sha256.js';
import { domainCredentialSubject, selfCareStreams } from '../shared/streams.js';
import { AddAlternateNumberInput, RemoveAlternateNumberInput, UpdateAlternateNumberInput } from '../singleNumberReach/codecs.js';
import type { SingleNumberReachCommand, SnrFacts } from '../singleNumberReach/commands.js';
import { type AlternateNumberState, singleNumberReachDecider } from '../singleNumberReach/decider.js';
import { SetVisibleFeaturesInput } from '../visibility/codecs.js';
import { visibilityDecider, visibleFeatures } from '../visibility/decider.js';
import { decode, foldLoaded, type Op, op, readFolded } from './support.js';

/** Default session lifetime, in minutes (absolute: a session ends this long after login, whatever the activity). */
export const DEFAULT_SESSION_MINUTES = 30;
/** Longest session lifetime accepted, in minutes. */
export const MAX_SESSION_MINUTES = 24 * 60;

export interface SelfCareOptions {
  readonly store: EventStore;
  readonly runtime: Runtime;
  /** Who owns which phone, profile and line (bound to the core read models). */
  readonly phones: PhoneDirectory;
  /** Where passwords and PINs live (bound to the core credentials module). */
  readonly credentials: SelfCareCredentials;
  /** Installed locales and audio sources; defaults to `defaultCatalog`. */
  readonly catalog?: Catalog;
  /** Session lifetime in minutes, 1-1440; default 30. */
  readonly sessionMinutes?: number;
  readonly retry?: RetryPolicy;
}

/** Per-call options. `commandId` makes a retry of the same intended change a no-op (default: a fresh id). */
export interface CallOptions {
  readonly commandId?: string;
}

/** A successful login. `token` is the bearer secret: give it to the user agent only, never log it. */
export interface LoginResult {
  readonly userId: string;
  readonly sessionId: string;
  readonly token: string;
  readonly expiresAt: string;
  readonly landing: Landing;
}

/** One entry of the carousel with its settings and its lines' settings. */
export interface CarouselItem {
  readonly deviceName: string;
  readonly kind: CarouselKind;
  readonly model: string | null;
  readonly description: string | null;
  readonly settings: PhoneSettingsState & { readonly speedDialPauses: readonly number[] };
  readonly lines: readonly { readonly index: number; readonly directoryNumber: string; readonly settings: LineSettingsState }[];
}

export interface CarouselView {
  readonly userId: string;
  readonly items: readonly CarouselItem[];
  /** The features shown per page; the others are refused. */
  readonly visible: { readonly [P in SettingsPage]: readonly Feature[] };
}

export interface UserSettingsView {
  readonly userId: string;
  readonly domain: string;
  readonly roles: readonly string[];
  /** True for a user with only the self-care role (lands in the portal); others reach it from Personal Settings. */
  readonly selfCareOnly: boolean;
  readonly personal: AccountState['personal'];
  readonly primaryPhone: string | null;
  readonly passwordSet: boolean;
}

/** One line of a batch report. */
export interface BatchLineReport {
  readonly line: number;
  readonly userId: string | null;
  readonly action: 'add' | 'update' | null;
  readonly outcome: 'applied' | 'unchanged' | 'refused';
  readonly code: string | null;
  readonly field: string | null;
  readonly message: string | null;
}

export interface BatchReport {
  readonly lines: readonly BatchLineReport[];
  readonly applied: number;
  readonly unchanged: number;
  readonly refused: number;
}

const notAdmin = () => refuse('not_authorized', 'only an administrator may do this', 'principal');

/**
 * The self-care facade: every command and query of the portal on the event
 * log, with authorization, ownership and visibility decided in the domain.
 * Read models are caught up after each command and before each query.
 */
export const createSelfCare = (options: SelfCareOptions) => {
  const { store, runtime, phones, credentials } = options;
  const catalog = options.catalog ?? defaultCatalog;
  const sessionMinutes = options.sessionMinutes ?? DEFAULT_SESSION_MINUTES;
  if (!Number.isInteger(sessionMinutes) || sessionMinutes < 1 || sessionMinutes > MAX_SESSION_MINUTES)
    throw new RangeError(`sessionMinutes must be an integer from 1 to ${MAX_SESSION_MINUTES}`);
  const deps: CommandDeps = { store, runtime, ...(options.retry ? { retry: options.retry } : {}) };
  const runner = createProjectionRunner({ store, projection: selfCareProjection });

  // Queries arriving together share one read of the log (each still sees every write made before it).
  const sharedCatchUp = coalesceCalls(() => runner.catchUp()());
  const freshView = async (): Promise<E.Either<StoreError, SelfCareView>> => E.map(() => runner.state())(await sharedCatchUp());
  const settle = async <A>(result: E.Either<SelfCareError, A>): Promise<E.Either<SelfCareError, A>> => {
    // The command stands even if the read model cannot catch up now: the next query retries.
    if (E.isRight(result)) await runner.catchUp()();
    return result;
  };
  const commandIdOf = (call?: CallOptions) => call?.commandId ?? runtime.ids.uuid();
  const actorKind = (p: Principal) => (p.kind === 'administrator' ? 'administrator' : 'user') as 'administrator' | 'user';
  const context = (p: Principal, commandId: string, channel: Channel = 'selfcare'): CommandContext => contextOf(p, commandId, channel);
  const fail = <A>(e: SelfCareError): Op<A> => op(async () => E.left(e));

  /**
   * Records what the credentials port asks to record (lockouts, failures,
   * changes: never secrets) in the subject's stream, right after the call: the
   * port's state has changed whatever the rest of the command does.
   */
  const audit = async (ctx: CommandContext, streamId: string, result: CredentialAudit): Promise<E.Either<SelfCareError, void>> => {
    const events = result.events ?? [];
    if (events.length === 0) return E.right(undefined);
    const appended = await handleMultiStreamCommand<SelfCareError>(
      deps,
      { streams: [streamId], decide: () => E.right([{ streamId, expected: 'any', events }]) },
      { ...ctx, commandId: `${ctx.commandId}:credentials` },
    )();
    return E.map(() => undefined)(await settle(appended));
  };

  // ---------------------------------------------------------------------------
  // Facts from the phone directory

  const deviceFacts = async (
    subject: string,
    deviceName: string,
  ): Promise<E.Either<SelfCareError, { owner: string | null; kind: CarouselKind | null; device: DirectoryDevice | undefined }>> => {
    const owner = await phones.ownerOf(deviceName)();
    if (E.isLeft(owner)) return owner;
    if (owner.right !== subject) return E.right({ owner: owner.right ?? null, kind: null, device: undefined });
    const own = await phones.phonesOf(subject)();
    if (E.isLeft(own)) return own;
    const device = own.right.find((d) => d.deviceName === deviceName);
    return E.right({ owner: owner.right, kind: device?.kind ?? 'phone', device });
  };

  const ownerFacts = async (subject: string, account: AccountState): Promise<E.Either<SelfCareError, CredentialOwnerFacts>> => {
    const own = await phones.phonesOf(subject)();
    if (E.isLeft(own)) return own;
    const primary = own.right.find((d) => d.deviceName === account.primaryPhone) ?? own.right.find((d) => d.kind === 'phone');
    const extension = primary?.lines[0]?.directoryNumber;
    const { firstName, lastName } = account.personal;
    return E.right({
      userId: subject,
      ...(firstName === null ? {} : { firstName }),
      ...(lastName === null ? {} : { lastName }),
      ...(extension === undefined ? {} : { extension, mailbox: extension }),
    });
  };

  // ---------------------------------------------------------------------------
  // The shape of every user-scoped command: authorize, then the aggregate decides.

  interface Scoped<F> {
    readonly page: SettingsPage;
    readonly feature: Feature;
    readonly target: (subject: string) => string;
    readonly facts: (subject: string) => Promise<E.Either<SelfCareError, F>>;
    readonly decide: (
      loaded: ReadonlyMap<string, LoadedStream>,
      facts: F,
      subject: string,
      target: string,
    ) => E.Either<SelfCareDecideError, readonly DomainEvent[]>;
  }

  /**
   * Loads the target stream with the subject's account and the visibility
   * stream (both as guards: a concurrent logout, role change or visibility
   * change forces a retry), authorizes, and lets the aggregate decide.
   */
  const scoped = <F>(principal: Principal, spec: Scoped<F>, call?: CallOptions): Op<CommandResult> =>
    op(async () => {
      const subject = subjectOf(principal);
      if (subject === undefined) return E.left(refuse('subject_required', 'select the user to act for', 'onBehalfOf'));
      const target = spec.target(subject);
      const accountId = selfCareStreams.account(subject);
      const visibilityId = selfCareStreams.visibility();
      let facts: F | undefined;
      const result = await handleMultiStreamCommand<SelfCareError>(
        deps,
        {
          streams: () => async () => {
            const f = await spec.facts(subject);
            if (E.isLeft(f)) return f;
            facts = f.right;
            return E.right([target, accountId, visibilityId]);
          },
          decide: (loaded) => {
            const who = authorize({
              principal,
              account: foldLoaded(accountDecider, loaded, accountId),
              visibility: foldLoaded(visibilityDecider, loaded, visibilityId),
              now: runtime.clock.now(),
              page: spec.page,
              feature: spec.feature,
            });
            if (E.isLeft(who)) return who;
            const events = spec.decide(loaded, facts as F, subject, target);
            if (E.isLeft(events)) return events;
            return E.right(
              [...new Set([target, accountId, visibilityId])].map((streamId) => ({
                streamId,
                events: streamId === target ? events.right : [],
              })),
            );
          },
        },
        context(principal, commandIdOf(call)),
      )();
      return settle(result);
    });

  /** Authorizes now (before a credentials port call, which cannot be undone by a refusal later). */
  const authorizeNow = async (
    principal: Principal,
    page: SettingsPage,
    feature: Feature,
  ): Promise<E.Either<SelfCareError, { subject: string; account: AccountState }>> => {
    const subject = subjectOf(principal);
    if (subject === undefined) return E.left(refuse('subject_required', 'select the user to act for', 'onBehalfOf'));
    const account = await readFolded(store, accountDecider, selfCareStreams.account(subject));
    if (E.isLeft(account)) return account;
    const visibility = await readFolded(store, visibilityDecider, selfCareStreams.visibility());
    if (E.isLeft(visibility)) return visibility;
    const who = authorize({ principal, account: account.right, visibility: visibility.right, now: runtime.clock.now(), page, feature });
    if (E.isLeft(who)) return who;
    if (!account.right.exists) return E.left(refuse('account_not_found', `no self-care account for user ${subject}`, 'onBehalfOf'));
    return E.right({ subject, account: account.right });
  };

  // ---------------------------------------------------------------------------
  // Phone settings

  const phoneCommand =
    <I extends { readonly deviceName: string }>(type: PhoneSettingsCommand['type'], codec: t.Type<I, unknown, unknown>) =>
    (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
      const data = decode(codec, input);
      if (E.isLeft(data)) return fail(data.left);
      const { deviceName } = data.right;
      return scoped<PhoneFacts>(
        principal,
        {
          page: 'phone',
          feature: phoneFeatureOf[type],
          target: () => selfCareStreams.phoneSettings(deviceName),
          facts: async (subject) => {
            const f = await deviceFacts(subject, deviceName);
            if (E.isLeft(f)) return f;
            let macUsedBy: string | null = null;
            const mac = (data.right as { macAddress?: string }).macAddress;
            if (mac !== undefined && phones.deviceWithMac) {
              const used = await phones.deviceWithMac(mac)();
              if (E.isLeft(used)) return used;
              macUsedBy = used.right ?? null;
            }
            return E.right({ subject, owner: f.right.owner, kind: f.right.kind, catalog, macUsedBy });
          },
          decide: (loaded, facts, _subject, target) =>
            phoneSettingsDecider.decide(
              { type, data: data.right, facts } as unknown as PhoneSettingsCommand,
              foldLoaded(phoneSettingsDecider, loaded, target),
            ),
        },
        call,
      );
    };

  // ---------------------------------------------------------------------------
  // Line settings

  const lineCommand =
    <I extends { readonly deviceName: string; readonly lineIndex: number }>(
      type: LineSettingsCommand['type'],
      codec: t.Type<I, unknown, unknown>,
    ) =>
    (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
      const data = decode(codec, input);
      if (E.isLeft(data)) return fail(data.left);
      const { deviceName, lineIndex } = data.right;
      return scoped<LineFacts>(
        principal,
        {
          page: 'line',
          feature: lineFeatureOf[type],
          target: () => selfCareStreams.lineSettings(deviceName, lineIndex),
          facts: async (subject) => {
            const f = await deviceFacts(subject, deviceName);
            if (E.isLeft(f)) return f;
            const lines = await phones.linesOf(deviceName)();
            if (E.isLeft(lines)) return lines;
            const own = await phones.phonesOf(subject)();
            if (E.isLeft(own)) return own;
            const view = await freshView();
            if (E.isLeft(view)) return view;
            const ownLines = own.right.flatMap((d) =>
              d.lines.map((l) => {
                const all = view.right.lines.get(lineKey(d.deviceName, l.index))?.callForward.all;
                return {
                  deviceName: d.deviceName,
                  lineIndex: l.index,
                  directoryNumber: l.directoryNumber,
                  forwardAllNumber: all?.to === 'number' ? all.number : null,
                };
              }),
            );
            return E.right({ subject, owner: f.right.owner, kind: f.right.kind, lines: lines.right, ownLines, catalog });
          },
          decide: (loaded, facts, _subject, target) =>
            lineSettingsDecider.decide(
              { type, data: data.right, facts } as unknown as LineSettingsCommand,
              foldLoaded(lineSettingsDecider, loaded, target),
            ),
        },
        call,
      );
    };

  // ---------------------------------------------------------------------------
  // Single number reach

  const snrFacts = async (subject: string): Promise<E.Either<SelfCareError, SnrFacts>> => {
    const own = await phones.phonesOf(subject)();
    if (E.isLeft(own)) return own;
    return E.right({ subject, devices: own.right.map((d) => ({ deviceName: d.deviceName, lines: d.lines })) });
  };

  const snrCommand =
    <I>(type: SingleNumberReachCommand['type'], codec: t.Type<I, unknown, unknown>, withId = false) =>
    (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
      const data = decode(codec, input);
      if (E.isLeft(data)) return fail(data.left);
      const payload = withId ? { ...data.right, id: runtime.ids.uuid() } : data.right;
      return scoped<SnrFacts>(
        principal,
        {
          page: 'snr',
          feature: 'AlternateNumbers',
          target: (subject) => selfCareStreams.singleNumberReach(subject),
          facts: snrFacts,
          decide: (loaded, facts, _subject, target) =>
            singleNumberReachDecider.decide(
              { type, data: payload, facts } as unknown as SingleNumberReachCommand,
              foldLoaded(singleNumberReachDecider, loaded, target),
            ),
        },
        call,
      );
    };

  // ---------------------------------------------------------------------------
  // User settings (the account stream is the target)

  const accountCommand = <F>(
    principal: Principal,
    feature: Feature,
    facts: (subject: string) => Promise<E.Either<SelfCareError, F>>,
    command: (subject: string, facts: F) => AccountCommand,
    call?: CallOptions,
  ): Op<CommandResult> =>
    scoped<F>(
      principal,
      {
        page: 'user',
        feature,
        target: (subject) => selfCareStreams.account(subject),
        facts,
        decide: (loaded, f, subject, target) => accountDecider.decide(command(subject, f), foldLoaded(accountDecider, loaded, target)),
      },
      call,
    );
  const noFacts = async () => E.right(undefined);

  const changeSecret = (
    principal: Principal,
    kind: SecretKind,
    secret: string,
    field: string,
    feature: Feature,
    record: (subject: string) => AccountCommand,
    call?: CallOptions,
  ): Op<CommandResult> =>
    op(async () => {
      const who = await authorizeNow(principal, 'user', feature);
      if (E.isLeft(who)) return who;
      const owner = await ownerFacts(who.right.subject, who.right.account);
      if (E.isLeft(owner)) return owner;
      // The credentials port applies the policy (length, trivial-PIN rules, history); the secret goes nowhere else.
      const stored = await credentials.set({
        subject: who.right.subject,
        kind,
        secret,
        owner: owner.right,
        by: principal.kind === 'user' ? 'user' : 'administrator',
        field,
      })();
      if (E.isLeft(stored)) return stored;
      const commandId = commandIdOf(call);
      const audited = await audit(context(principal, commandId), selfCareStreams.account(who.right.subject), stored.right);
      if (E.isLeft(audited)) return audited;
      return accountCommand(principal, feature, noFacts, record, { commandId })();
    });

  // ---------------------------------------------------------------------------
  // Administration: domains, accounts, roles

  const domainCommand = (principal: Principal, command: DomainRulesCommand, call?: CallOptions): Op<CommandResult> =>
    op(async () =>
      settle(
        await handleCommand(
          deps,
          domainRulesDecider,
          selfCareStreams.domain(command.data.domain),
          command,
          context(principal, commandIdOf(call)),
        )(),
      ),
    );

  const setDefaultPasswordRule = (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> =>
    op(async () => {
      const data = decode(SetDefaultPasswordRuleInput, input);
      if (E.isLeft(data)) return data;
      const { domain, enabled, password } = data.right;
      if (principal.kind !== 'administrator') return E.left(notAdmin());
      const commandId = commandIdOf(call);
      if (password !== undefined) {
        const rules = await readFolded(store, domainRulesDecider, selfCareStreams.domain(domain));
        if (E.isLeft(rules)) return rules;
        if (!rules.right.exists) return E.left(refuse('domain_not_found', `domain ${domain} does not exist`, 'domain'));
        const stored = await credentials.set({
          subject: domainCredentialSubject(domain),
          kind: 'password',
          secret: password,
          owner: {},
          by: 'administrator',
          field: 'password',
        })();
        if (E.isLeft(stored)) return stored;
        const audited = await audit(context(principal, commandId), selfCareStreams.domain(domain), stored.right);
        if (E.isLeft(audited)) return audited;
      }
      return domainCommand(
        principal,
        { type: 'SetDefaultPasswordRule', data: { domain, enabled, dataProvided: password !== undefined }, actor: actorKind(principal) },
        { commandId },
      )();
    });

  /**
   * Gives the domain's default password to an account that has the self-care
   * role and no password yet, when the domain's `DefaultCUPMPassword` rule is
   * set. The secret is copied inside the credentials port; the event records
   * only that a password now exists. Answers whether it applied.
   */
  const applyDefaultPassword = async (
    principal: Principal,
    userId: string,
    commandId: string,
    channel?: Channel,
  ): Promise<E.Either<SelfCareError, boolean>> => {
    const account = await readFolded(store, accountDecider, selfCareStreams.account(userId));
    if (E.isLeft(account)) return account;
    if (!account.right.exists || !hasSelfCare(account.right) || account.right.passwordSet) return E.right(false);
    const rules = await readFolded(store, domainRulesDecider, selfCareStreams.domain(account.right.domain));
    if (E.isLeft(rules)) return rules;
    if (!defaultPasswordApplies(rules.right)) return E.right(false);
    const copied = await credentials.copy({ from: domainCredentialSubject(account.right.domain), to: userId, kind: 'password' })();
    if (E.isLeft(copied)) return copied;
    const audited = await audit(
      context(principal, `${commandId}:default-password`, channel),
      selfCareStreams.account(userId),
      copied.right,
    );
    if (E.isLeft(audited)) return audited;
    const recorded = await handleCommand(
      deps,
      accountDecider,
      selfCareStreams.account(userId),
      { type: 'RecordPasswordSet', data: { userId, source: 'domain-default' }, actor: 'system' },
      context(principal, `${commandId}:default-password`, channel),
    )();
    return E.map(() => true)(await settle(recorded));
  };

  const createAccountWith = (principal: Principal, data: CreateAccountInput, commandId: string, channel?: Channel): Op<CommandResult> =>
    op(async () => {
      const accountId = selfCareStreams.account(data.userId);
      const domainId = selfCareStreams.domain(data.domain);
      const { firstName, lastName, email } = data.personal ?? {};
      const result = await handleMultiStreamCommand<SelfCareError>(
        deps,
        {
          streams: [accountId, domainId],
          decide: (loaded) => {
            const domainRules = foldLoaded(domainRulesDecider, loaded, domainId);
            const events = accountDecider.decide(
              {
                type: 'CreateAccount',
                data: {
                  userId: data.userId,
                  domain: data.domain,
                  roles: data.roles ?? [],
                  personal: { firstName: firstName ?? null, lastName: lastName ?? null, email: email ?? null },
                },
                actor: actorKind(principal),
                domainRules,
              },
              foldLoaded(accountDecider, loaded, accountId),
            );
            return E.map((ev: readonly DomainEvent[]) => [
              { streamId: accountId, events: ev },
              { streamId: domainId, events: [] },
            ])(events);
          },
        },
        context(principal, commandId, channel),
      )();
      const settled = await settle(result);
      if (E.isLeft(settled)) return settled;
      const applied = await applyDefaultPassword(principal, data.userId, commandId, channel);
      return E.isLeft(applied) ? applied : settled;
    });

  const setSelfCareRoleWith = (
    principal: Principal,
    data: { userId: string; enabled: boolean; domain?: string },
    commandId: string,
    channel?: Channel,
    defaultPassword = true,
  ): Op<CommandResult> =>
    op(async () => {
      const accountId = selfCareStreams.account(data.userId);
      let domainId: string | undefined;
      const result = await handleMultiStreamCommand<SelfCareError>(
        deps,
        {
          streams: () => async () => {
            const account = await readFolded(store, accountDecider, accountId);
            if (E.isLeft(account)) return account;
            domainId = account.right.exists ? selfCareStreams.domain(account.right.domain) : undefined;
            return E.right(domainId === undefined ? [accountId] : [accountId, domainId]);
          },
          decide: (loaded) => {
            const domainRules =
              domainId === undefined ? domainRulesDecider.initialState() : foldLoaded(domainRulesDecider, loaded, domainId);
            const events = accountDecider.decide(
              {
                type: 'SetSelfCareRole',
                data: { userId: data.userId, enabled: data.enabled, ...(data.domain === undefined ? {} : { expectedDomain: data.domain }) },
                actor: actorKind(principal),
                domainRules,
              },
              foldLoaded(accountDecider, loaded, accountId),
            );
            return E.map((ev: readonly DomainEvent[]) => [
              { streamId: accountId, events: ev },
              ...(domainId === undefined ? [] : [{ streamId: domainId, events: [] }]),
            ])(events);
          },
        },
        context(principal, commandId, channel),
      )();
      const settled = await settle(result);
      if (E.isLeft(settled) || !data.enabled || !defaultPassword) return settled;
      const applied = await applyDefaultPassword(principal, data.userId, commandId, channel);
      return E.isLeft(applied) ? applied : settled;
    });

  // ---------------------------------------------------------------------------
  // Login and sessions

  const invalidCredentials = () =>
    refuse('invalid_credentials', 'the user id or password is wrong, or self-care is not available for this account', 'password');

  /**
   * Logs a user in to self-care. Unknown user, wrong password, no password set
   * and no self-care role all answer `invalid_credentials` (no account
   * enumeration); the account's event records the precise reason. A lockout
   * answers `account_locked` with the instant it ends.
   */
  const login = (input: unknown): Op<LoginResult> =>
    op(async () => {
      const data = decode(LoginInput, input);
      if (E.isLeft(data)) return data;
      const { userId, password } = data.right;
      if (!UserId.is(userId)) return E.left(invalidCredentials());
      const accountId = selfCareStreams.account(userId);
      const account = await readFolded(store, accountDecider, accountId);
      if (E.isLeft(account)) return account;
      const pre = loginPrecheck(account.right);
      if (pre === 'account_not_found') return E.left(invalidCredentials());
      let outcome: RecordLogin['data']['outcome'] = { result: 'not_attempted' };
      if (pre === undefined) {
        const verified = await credentials.verify({
          subject: userId,
          kind: 'password',
          secret: password,
          deviceKey: data.right.deviceKey ?? 'selfcare',
        })();
        if (E.isLeft(verified)) return verified;
        const audited = await audit(
          { commandId: runtime.ids.uuid(), actor: { kind: 'user', id: userId }, channel: 'selfcare' },
          accountId,
          verified.right,
        );
        if (E.isLeft(audited)) return audited;
        outcome = verified.right;
      }
      const now = runtime.clock.now();
      const token = toBase64Url(runtime.random.bytes(32));
      const session = {
        sessionId: runtime.ids.uuid(),
        tokenHash: tokenFingerprint(token),
        openedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + sessionMinutes * 60_000).toISOString(),
      };
      const recorded = await handleCommand(
        deps,
        accountDecider,
        accountId,
        { type: 'RecordLogin', data: { userId, outcome, session } },
        { commandId: runtime.ids.uuid(), actor: { kind: 'user', id: userId }, channel: 'selfcare' },
      )();
      const settled = await settle(recorded);
      if (E.isLeft(settled)) return E.left(settled.left.code === 'account_not_found' ? invalidCredentials() : settled.left);
      const [event] = settled.right.events;
      if (event?.type === 'SessionOpened') {
        const landing = (event.data as { landing: Landing }).landing;
        return E.right({ userId, sessionId: session.sessionId, token, expiresAt: session.expiresAt, landing });
      }
      const failure = event?.data as { reason?: string; lockedUntil?: string | null } | undefined;
      if (failure?.reason === 'locked_out')
        return E.left(
          refuse('account_locked', 'too many failed attempts: the account is locked', 'password', { until: failure.lockedUntil ?? null }),
        );
      if (failure?.reason === 'throttled')
        return E.left(refuse('login_throttled', 'too many failed attempts from this caller; try later', 'password'));
      return E.left(invalidCredentials());
    });

  /** The principal of a session token, if the session is open and not expired. */
  const authenticate = (token: string): Op<UserPrincipal> =>
    op(async () => {
      const view = await freshView();
      if (E.isLeft(view)) return view;
      const hash = tokenFingerprint(token);
      const userId = view.right.sessionsByToken.get(hash);
      const session = userId === undefined ? undefined : view.right.accounts.get(userId)?.sessions.find((s) => s.tokenHash === hash);
      if (userId === undefined || session === undefined)
        return E.left(refuse('not_authenticated', 'unknown or closed session; log in again', 'session'));
      if (Date.parse(session.expiresAt) <= runtime.clock.now().getTime())
        return E.left(refuse('session_expired', 'the session has expired; log in again', 'session', { expiredAt: session.expiresAt }));
      return E.right({ kind: 'user', userId, sessionId: session.sessionId });
    });

  const logout = (principal: UserPrincipal, call?: CallOptions): Op<CommandResult> =>
    op(async () =>
      settle(
        await handleCommand(
          deps,
          accountDecider,
          selfCareStreams.account(principal.userId),
          { type: 'Logout', data: { userId: principal.userId, sessionId: principal.sessionId } },
          context(principal, commandIdOf(call)),
        )(),
      ),
    );

  // ---------------------------------------------------------------------------
  // Queries

  const queryAccess = async (principal: Principal): Promise<E.Either<SelfCareError, { view: SelfCareView; subject: string }>> => {
    const view = await freshView();
    if (E.isLeft(view)) return view;
    const subject = subjectOf(principal);
    const account = (subject === undefined ? undefined : view.right.accounts.get(subject)) ?? accountDecider.initialState();
    const who = authorize({ principal, account, visibility: view.right.visibility, now: runtime.clock.now() });
    return E.map((s: string) => ({ view: view.right, subject: s }))(who);
  };

  const visibleOf = (view: SelfCareView) =>
    Object.fromEntries(SETTINGS_PAGES.map((p) => [p, visibleFeatures(view.visibility, p)])) as CarouselView['visible'];

  /** The user's carousel: phones and profiles with their settings and their lines' settings. */
  const carousel = (principal: Principal): Op<CarouselView> =>
    op(async () => {
      const access = await queryAccess(principal);
      if (E.isLeft(access)) return access;
      const { view, subject } = access.right;
      const own = await phones.phonesOf(subject)();
      if (E.isLeft(own)) return own;
      const items = own.right.map((d): CarouselItem => {
        const settings = view.phones.get(d.deviceName) ?? initialPhoneSettings();
        return {
          deviceName: d.deviceName,
          kind: d.kind,
          model: d.model,
          description: d.description,
          settings: { ...settings, speedDialPauses: settings.speedDials.map((s) => pauseSeconds(s.number)) },
          lines: d.lines.map((l) => ({
            index: l.index,
            directoryNumber: l.directoryNumber,
            settings: view.lines.get(lineKey(d.deviceName, l.index)) ?? initialLineSettings(),
          })),
        };
      });
      return E.right({ userId: subject, items, visible: visibleOf(view) });
    });

  const userSettings = (principal: Principal): Op<UserSettingsView> =>
    op(async () => {
      const access = await queryAccess(principal);
      if (E.isLeft(access)) return access;
      const a = access.right.view.accounts.get(access.right.subject);
      if (a === undefined || !a.exists)
        return E.left(refuse('account_not_found', `no self-care account for user ${access.right.subject}`, 'onBehalfOf'));
      return E.right({
        userId: a.userId,
        domain: a.domain,
        roles: a.roles,
        selfCareOnly: landingOf(a.roles) === 'self-care' && hasSelfCare(a),
        personal: a.personal,
        primaryPhone: a.primaryPhone,
        passwordSet: a.passwordSet,
      });
    });

  const singleNumberReach = (principal: Principal): Op<readonly AlternateNumberState[]> =>
    op(async () => {
      const access = await queryAccess(principal);
      if (E.isLeft(access)) return access;
      return E.right(access.right.view.snr.get(access.right.subject)?.alternateNumbers ?? []);
    });

  // ---------------------------------------------------------------------------
  // Batch provisioning and migration

  const runAction = async (principal: Principal, a: BatchAction, commandId: string): Promise<E.Either<SelfCareError, CommandResult>> =>
    a.action === 'add'
      ? createAccountWith(
          principal,
          {
            userId: a.userId,
            domain: a.domain,
            roles: a.role === SELF_CARE_ROLE ? [SELF_CARE_ROLE] : [],
            personal: a.personal,
          } as CreateAccountInput,
          commandId,
          'batch',
        )()
      : setSelfCareRoleWith(principal, { userId: a.userId, enabled: a.role === SELF_CARE_ROLE, domain: a.domain }, commandId, 'batch')();

  /**
   * Runs a batch action file (see `parseBatchFile` for the format). The file is
   * refused as a whole only when unreadable (encoding, header); otherwise each
   * line is applied or refused on its own and the report says which and why.
   * `batchId` makes a re-run of the same file a no-op (command ids `<batchId>:<line>`).
   */
  const runBatch = (principal: Principal, file: string | Uint8Array, batchOptions: { readonly batchId?: string } = {}): Op<BatchReport> =>
    op(async () => {
      if (principal.kind !== 'administrator') return E.left(notAdmin());
      const parsed = parseBatchFile(file);
      if (E.isLeft(parsed)) return parsed;
      const batchId = batchOptions.batchId ?? runtime.ids.uuid();
      const lines: BatchLineReport[] = [];
      for (const entry of parsed.right) {
        if ('error' in entry) {
          const { line, userId, code, field, message } = entry.error;
          lines.push({ line, userId, action: null, outcome: 'refused', code, field, message });
          continue;
        }
        const a = entry.ok;
        const result = await runAction(principal, a, `${batchId}:${a.line}`);
        if (E.isLeft(result)) {
          const e = result.left;
          lines.push({
            line: a.line,
            userId: a.userId,
            action: a.action,
            outcome: 'refused',
            code: e.code,
            field: e.field ?? null,
            message: `line ${a.line}: ${e.message}`,
          });
        } else {
          const changed = result.right.events.length > 0;
          lines.push({
            line: a.line,
            userId: a.userId,
            action: a.action,
            outcome: changed ? 'applied' : 'unchanged',
            code: null,
            field: null,
            message: null,
          });
        }
      }
      const count = (o: BatchLineReport['outcome']) => lines.filter((l) => l.outcome === o).length;
      return E.right({ lines, applied: count('applied'), unchanged: count('unchanged'), refused: count('refused') });
    });

  /**
   * The Self-Care migration utility: enables (or disables) self-care for every
   * user of the target domains that have both `CreateSelfCareAccounts` and
   * `DefaultCUPMPassword` set; enabled users without a password get the
   * domain's default password. Other domains are reported as skipped.
   */
  const migrate = (principal: Principal, request: MigrationRequest, call?: CallOptions): Op<MigrationSummary> =>
    op(async () => {
      if (principal.kind !== 'administrator') return E.left(notAdmin());
      const view = await freshView();
      if (E.isLeft(view)) return view;
      const plan = planMigration(view.right, request);
      if (E.isLeft(plan)) return plan;
      const runId = commandIdOf(call);
      const domains: DomainSummary[] = [];
      for (const d of plan.right) {
        const summary = {
          enabled: [] as string[],
          disabled: [] as string[],
          defaultPasswordApplied: [] as string[],
          unchanged: [] as string[],
        };
        const failed: { userId: string; code: string; message: string }[] = [];
        for (const step of d.steps) {
          const commandId = `${runId}:${step.userId}`;
          let changed = false;
          if (step.grant || step.revoke) {
            const r = await setSelfCareRoleWith(principal, { userId: step.userId, enabled: step.grant }, commandId, 'cli', false)();
            if (E.isLeft(r)) {
              failed.push({ userId: step.userId, code: r.left.code, message: r.left.message });
              continue;
            }
            if (r.right.events.length > 0) {
              (step.grant ? summary.enabled : summary.disabled).push(step.userId);
              changed = true;
            }
          }
          if (step.defaultPassword) {
            const applied = await applyDefaultPassword(principal, step.userId, commandId, 'cli');
            if (E.isLeft(applied)) {
              failed.push({ userId: step.userId, code: applied.left.code, message: applied.left.message });
              continue;
            }
            if (applied.right) {
              summary.defaultPasswordApplied.push(step.userId);
              changed = true;
            }
          }
          if (!changed) summary.unchanged.push(step.userId);
        }
        domains.push({ domain: d.domain, skipped: d.skipped, ...summary, failed });
      }
      return E.right(summarise(request.target, request.action, domains));
    });

  // ---------------------------------------------------------------------------

  return {
    /** Logs in with user id and password; answers the session token (bearer secret) and where the user lands. */
    login,
    /** The principal of a session token (open, unexpired), for every later command. */
    authenticate,
    /** Closes the principal's session. */
    logout,

    /** Administration (an administrator principal; `onBehalfOf` not needed). */
    admin: {
      /** Creates a domain; `CreateSelfCareAccounts` off unless given, `DefaultCUPMPassword` optional. */
      createDomain: (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> =>
        op(async () => {
          const data = decode(CreateDomainInput, input);
          if (E.isLeft(data)) return data;
          const { domain, createSelfCareAccounts, defaultPassword } = data.right;
          const created = await domainCommand(
            principal,
            {
              type: 'CreateDomain',
              data: { domain, createSelfCareAccounts: createSelfCareAccounts ?? false },
              actor: actorKind(principal),
            },
            call,
          )();
          if (E.isLeft(created) || defaultPassword === undefined) return created;
          const commandId = commandIdOf(call);
          const rule = await setDefaultPasswordRule(
            principal,
            { domain, ...defaultPassword },
            { commandId: `${commandId}:default-password` },
          )();
          return E.isLeft(rule) ? rule : E.right({ ...created.right, events: [...created.right.events, ...rule.right.events] });
        }),
      setCreateSelfCareAccountsRule: (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
        const data = decode(SetCreateSelfCareAccountsInput, input);
        if (E.isLeft(data)) return fail(data.left);
        return domainCommand(principal, { type: 'SetCreateSelfCareAccountsRule', data: data.right, actor: actorKind(principal) }, call);
      },
      /** `DefaultCUPMPassword`: enabled flag and, optionally, new data (stored by the credentials port, never in events). */
      setDefaultPasswordRule,
      /** Creates a provisioning account of a domain with its roles; `SelfCareUser` needs the domain's rule. */
      createAccount: (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
        const data = decode(CreateAccountInput, input);
        if (E.isLeft(data)) return fail(data.left);
        return createAccountWith(principal, data.right, commandIdOf(call));
      },
      /** Gives (needs the domain's rule) or takes away the `SelfCareUser` role; taking it away closes the sessions. */
      setSelfCareRole: (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
        const data = decode(SetSelfCareRoleInput, input);
        if (E.isLeft(data)) return fail(data.left);
        return setSelfCareRoleWith(principal, data.right, commandIdOf(call));
      },
      /** Sets an account's password (after the policy); until then an account without the default password cannot log in. */
      setPassword: (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> =>
        op(async () => {
          const data = decode(AdminSetPasswordInput, input);
          if (E.isLeft(data)) return data;
          if (principal.kind !== 'administrator') return E.left(notAdmin());
          const { userId, password } = data.right;
          const account = await readFolded(store, accountDecider, selfCareStreams.account(userId));
          if (E.isLeft(account)) return account;
          if (!account.right.exists) return E.left(refuse('account_not_found', `no self-care account for user ${userId}`, 'userId'));
          const owner = await ownerFacts(userId, account.right);
          if (E.isLeft(owner)) return owner;
          const stored = await credentials.set({
            subject: userId,
            kind: 'password',
            secret: password,
            owner: owner.right,
            by: 'administrator',
            field: 'password',
          })();
          if (E.isLeft(stored)) return stored;
          const commandId = commandIdOf(call);
          const audited = await audit(context(principal, commandId), selfCareStreams.account(userId), stored.right);
          if (E.isLeft(audited)) return audited;
          return settle(
            await handleCommand(
              deps,
              accountDecider,
              selfCareStreams.account(userId),
              { type: 'RecordPasswordSet', data: { userId, source: 'administrator' }, actor: 'administrator' },
              context(principal, commandId),
            )(),
          );
        }),
      /** The operator's visible features of one page (vendor string `A,B,C#` or an array). */
      setVisibleFeatures: (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> =>
        op(async () => {
          const data = decode(SetVisibleFeaturesInput, input);
          if (E.isLeft(data)) return data;
          const features = parseFeatureList(data.right.page, data.right.features);
          if (E.isLeft(features)) return features;
          return settle(
            await handleCommand(
              deps,
              visibilityDecider,
              selfCareStreams.visibility(),
              { type: 'SetVisibleFeatures', data: { page: data.right.page, features: features.right }, actor: actorKind(principal) },
              context(principal, commandIdOf(call)),
            )(),
          );
        }),
      runBatch,
      migrate,
      /** Every domain with its rules (the default password itself is never readable). */
      domains: (): Op<readonly DomainRulesState[]> =>
        op(async () =>
          E.map((v: SelfCareView) => [...v.domains.values()].sort((a, b) => a.domain.localeCompare(b.domain)))(await freshView()),
        ),
    },

    /** Phone (or extension mobility profile) settings of the carousel's selected entry. */
    phone: {
      changeMacAddress: phoneCommand('ChangeMacAddress', ChangeMacAddressInput),
      rename: phoneCommand('RenamePhone', RenamePhoneInput),
      setDisplayLanguage: phoneCommand('SetDisplayLanguage', SetDisplayLanguageInput),
      setSpeedDials: phoneCommand('SetSpeedDials', SetSpeedDialsInput),
      addSpeedDial: phoneCommand('AddSpeedDial', AddSpeedDialInput),
      removeSpeedDial: phoneCommand('RemoveSpeedDial', RemoveSpeedDialInput),
      setDoNotDisturb: phoneCommand('SetDoNotDisturb', SetDoNotDisturbInput),
      setLocale: phoneCommand('SetLocale', SetLocaleInput),
      setMusicOnHold: phoneCommand('SetPhoneMusicOnHold', SetPhoneMusicOnHoldInput),
      setOptions: phoneCommand('SetPhoneOptions', SetPhoneOptionsInput),
    },

    /** Settings of one line of the selected phone or profile. */
    line: {
      setCallForward: lineCommand('SetCallForward', SetCallForwardInput),
      setCallerId: lineCommand('SetCallerId', SetCallerIdInput),
      setNotification: lineCommand('SetNotification', SetNotificationInput),
      setMusicOnHold: lineCommand('SetLineMusicOnHold', SetLineMusicOnHoldInput),
    },

    /** User settings: information, password, PINs. */
    user: {
      changeName: (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
        const data = decode(ChangeNameInput, input);
        if (E.isLeft(data)) return fail(data.left);
        return accountCommand(
          principal,
          'Information',
          noFacts,
          (userId) => ({ type: 'ChangeName', data: { userId, ...data.right } }),
          call,
        );
      },
      changeEmail: (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
        const data = decode(ChangeEmailInput, input);
        if (E.isLeft(data)) return fail(data.left);
        return accountCommand(
          principal,
          'Information',
          noFacts,
          (userId) => ({ type: 'ChangeEmail', data: { userId, email: data.right.email } }),
          call,
        );
      },
      /** Only one of the user's own phones can be primary. */
      changePrimaryPhone: (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
        const data = decode(ChangePrimaryPhoneInput, input);
        if (E.isLeft(data)) return fail(data.left);
        return accountCommand<readonly string[]>(
          principal,
          'Information',
          async (subject) =>
            E.map((ds: readonly DirectoryDevice[]) => ds.filter((d) => d.kind === 'phone').map((d) => d.deviceName))(
              await phones.phonesOf(subject)(),
            ),
          (userId, ownPhones) => ({ type: 'ChangePrimaryPhone', data: { userId, deviceName: data.right.primaryPhone }, ownPhones }),
          call,
        );
      },
      /** A user gives `currentPassword`; an administrator acting for the user does not. Other sessions are closed. */
      changePassword: (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> =>
        op(async () => {
          const data = decode(ChangePasswordInput, input);
          if (E.isLeft(data)) return data;
          const { newPassword, currentPassword } = data.right;
          if (principal.kind === 'user') {
            if (currentPassword === undefined)
              return E.left(validationError('invalid_input', 'currentPassword', 'currentPassword is required'));
            const who = await authorizeNow(principal, 'user', 'Password');
            if (E.isLeft(who)) return who;
            const verified = await credentials.verify({
              subject: who.right.subject,
              kind: 'password',
              secret: currentPassword,
              deviceKey: `session:${principal.sessionId}`,
            })();
            if (E.isLeft(verified)) return verified;
            const audited = await audit(context(principal, runtime.ids.uuid()), selfCareStreams.account(who.right.subject), verified.right);
            if (E.isLeft(audited)) return audited;
            if (verified.right.result === 'locked_out')
              return E.left(
                refuse('account_locked', 'too many failed attempts: the account is locked', 'currentPassword', {
                  until: verified.right.until,
                }),
              );
            if (verified.right.result !== 'verified')
              return E.left(refuse('current_password_wrong', 'currentPassword is wrong', 'currentPassword'));
          }
          const keep = principal.kind === 'user' ? { keepSessionId: principal.sessionId } : {};
          return changeSecret(
            principal,
            'password',
            newPassword,
            'newPassword',
            'Password',
            (userId) => ({
              type: 'RecordPasswordSet',
              data: { userId, source: principal.kind === 'user' ? 'user' : 'administrator', ...keep },
              actor: actorKind(principal),
            }),
            call,
          )();
        }),
      /** The phone PIN (Unified CM / extension mobility), under the trivial-PIN and history rules. */
      changePhonePin: (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
        const data = decode(ChangePinInput, input);
        if (E.isLeft(data)) return fail(data.left);
        return changeSecret(
          principal,
          'pin',
          data.right.pin,
          'pin',
          'Pin',
          (userId) => ({ type: 'RecordPinChanged', data: { userId, pin: 'phone' }, actor: actorKind(principal) }),
          call,
        );
      },
      /** The voicemail PIN (Unity Connection), separate from the phone PIN. */
      changeVoicemailPin: (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
        const data = decode(ChangePinInput, input);
        if (E.isLeft(data)) return fail(data.left);
        return changeSecret(
          principal,
          'voicemail-pin',
          data.right.pin,
          'pin',
          'Pin',
          (userId) => ({ type: 'RecordPinChanged', data: { userId, pin: 'voicemail' }, actor: actorKind(principal) }),
          call,
        );
      },
    },

    /** Single number reach: alternate numbers. */
    snr: {
      addAlternateNumber: snrCommand('AddAlternateNumber', AddAlternateNumberInput, true),
      updateAlternateNumber: snrCommand('UpdateAlternateNumber', UpdateAlternateNumberInput),
      removeAlternateNumber: snrCommand('RemoveAlternateNumber', RemoveAlternateNumberInput),
    },

    /** Queries (read model, caught up first). */
    carousel,
    userSettings,
    singleNumberReach,
    /** Visible features per page. */
    visibleFeatures: (): Op<CarouselView['visible']> => op(async () => E.map(visibleOf)(await freshView())),
    /** Catches the read model up with the log (e.g. after other processes wrote). */
    catchUp: (): TE.TaskEither<StoreError, number> => runner.catchUp(),
    /** The raw read model (as of the last catch-up). */
    view: (): SelfCareView => runner.state(),
    /** The envelope actor of a principal (for callers writing their own events). */
    actorOf,
    formatMigrationSummary,
  };
};

/** The self-care facade. */
export type SelfCare = ReturnType<typeof createSelfCare>;
