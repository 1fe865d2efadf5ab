import {
  type Channel,
  type CommandContext,
  type CommandDeps,
  type CommandResult,
  createProjectionRunner,
  type Decider,
  type DomainEvent,
  type EventStore,
  handleCommand,
  handleMultiStreamCommand,
  type LoadedStream,
  type MultiStreamCommand,
  type RetryPolicy,
  type Runtime,
  recordCredentialEvents,
  type StoreError,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { authorize } from '../account/access.js';
import { type AccountState, accountDecider } from '../account/decider.js';
import type { CredentialAudit, CredentialOwnerFacts, SelfCareCredentials } from '../ports/credentials.js';
import type { CarouselKind, DirectoryDevice, PhoneDirectory } from '../ports/phoneDirectory.js';
import { type SelfCareView, selfCareProjection } from '../readModel/projection.js';
import { type Catalog, defaultCatalog } from '../shared/catalog.js';
import { coalesceCalls } from '../shared/coalesce.js';
import { refuse, type SelfCareDecideError, type SelfCareDomainError, type SelfCareError } from '../shared/errors.js';
import type { Feature, SettingsPage } from '../shared/features.js';
import { contextOf, type Principal, subjectOf } from '../shared/principal.js';
import { selfCareStreams } from '../shared/streams.js';
import { visibilityDecider } from '../visibility/decider.js';
import { foldLoaded, type Op, op, readFolded } from './support.js';

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

/** What the phone directory says about one device, seen from the subject. */
export interface DeviceFacts {
  readonly owner: string | null;
  /** Null unless the subject owns the device. */
  readonly kind: CarouselKind | null;
  readonly device: DirectoryDevice | undefined;
}

/** The shape of every user-scoped command: authorize, then the aggregate decides. */
export interface Scoped<F> {
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
 * What every self-care handler works with, built once per facade from its
 * options: the ports, the read model, and the helpers every command shares
 * (authorization, appending with the read model caught up, recording what the
 * credentials port reports). Handlers are functions of it; none keeps state.
 */
export interface SelfCareDeps {
  readonly store: EventStore;
  readonly runtime: Runtime;
  readonly phones: PhoneDirectory;
  readonly credentials: SelfCareCredentials;
  readonly catalog: Catalog;
  /** Session lifetime in minutes (validated). */
  readonly sessionMinutes: number;

  /** The read model, caught up with the log first. Queries arriving together share one read of the log. */
  readonly freshView: () => Promise<E.Either<StoreError, SelfCareView>>;
  /** Catches the read model up with the log. */
  readonly catchUp: () => TE.TaskEither<StoreError, number>;
  /** The read model as of the last catch-up. */
  readonly view: () => SelfCareView;

  /** The call's `commandId`, or a fresh one. */
  readonly commandIdOf: (call?: CallOptions) => string;
  /** The kind of actor the deciders check (`administrator` or `user`). */
  readonly actorKind: (p: Principal) => 'administrator' | 'user';
  /** The command context of a principal's command; the principal's own channel wins over `channel` (default `selfcare`). */
  readonly context: (p: Principal, commandId: string, channel?: Channel) => CommandContext;
  /** An operation that fails with `e` (input refused when the operation is built). */
  readonly fail: <A>(e: SelfCareError) => Op<A>;

  /** One decider's command on one stream; after a success the read model is caught up (the command stands if it cannot be). */
  readonly append: <C, Ev extends DomainEvent, S, Er extends SelfCareError>(
    decider: Decider<C, Ev, S, Er>,
    streamId: string,
    command: C,
    ctx: CommandContext,
  ) => Promise<E.Either<SelfCareError, CommandResult>>;
  /** A decision over several streams (appended atomically, the others as guards); caught up like `append`. */
  readonly appendMulti: (
    command: MultiStreamCommand<SelfCareError>,
    ctx: CommandContext,
  ) => Promise<E.Either<SelfCareError, CommandResult>>;
  /**
   * Records what the credentials port asks to record (lockouts, failures,
   * changes: never secrets) in the subject's stream, right after the call: the
   * port's state has changed whatever the rest of the command does.
   */
  readonly audit: (ctx: CommandContext, streamId: string, result: CredentialAudit) => Promise<E.Either<SelfCareError, void>>;

  /** Facts from the phone directory: who owns the device and, if the subject does, what it is. */
  readonly deviceFacts: (subject: string, deviceName: string) => Promise<E.Either<SelfCareError, DeviceFacts>>;
  /** What the credentials policy checks a new secret against (name, extension, mailbox). */
  readonly ownerFacts: (subject: string, account: AccountState) => Promise<E.Either<SelfCareError, CredentialOwnerFacts>>;
  /**
   * Loads the target stream with the subject's account and the visibility
   * stream (both as guards: a concurrent logout, role change or visibility
   * change forces a retry), authorizes, and lets the aggregate decide.
   */
  readonly scoped: <F>(principal: Principal, spec: Scoped<F>, call?: CallOptions) => Op<CommandResult>;
  /** Authorizes now (before a credentials port call, which cannot be undone by a refusal later). */
  readonly authorizeNow: (
    principal: Principal,
    page: SettingsPage,
    feature: Feature,
  ) => Promise<E.Either<SelfCareError, { subject: string; account: AccountState }>>;
}

/** The refusal of an administrator-only operation to anyone else. */
export const notAdmin = (): SelfCareDomainError => refuse('not_authorized', 'only an administrator may do this', 'principal');

/** Builds the dependency record of one facade (checks `sessionMinutes`). */
export const createSelfCareDeps = (options: SelfCareOptions): SelfCareDeps => {
  const { store, runtime, phones, credentials } = options;
  const catalog = options.catalog ?? defaultCatalog;
  const sessionMinutes = options.sessionMinutes ?? DEFAULT_SESSION_MINUTES;
  if (!Number.isInteger(sessionMinutes) || sessionMinutes < 1 || sessionMinutes > MAX_SESSION_MINUTES)
    throw new RangeError(`sessionMinutes must be an integer from 1 to ${MAX_SESSION_MINUTES}`);
  const commandDeps: CommandDeps = { store, runtime, ...(options.retry ? { retry: options.retry } : {}) };
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
  const context = (p: Principal, commandId: string, channel: Channel = 'selfcare'): CommandContext => contextOf(p, commandId, channel);
  const appendMulti = async (command: MultiStreamCommand<SelfCareError>, ctx: CommandContext) =>
    settle(await handleMultiStreamCommand<SelfCareError>(commandDeps, command, ctx)());

  const audit = async (ctx: CommandContext, streamId: string, result: CredentialAudit): Promise<E.Either<SelfCareError, void>> => {
    const events = result.events ?? [];
    if (events.length === 0) return E.right(undefined);
    // The one way credential events are recorded (packages/core/src/credentials/recording.ts).
    const appended = await settle(
      await recordCredentialEvents(commandDeps, { streamId, events, context: { ...ctx, commandId: `${ctx.commandId}:credentials` } })(),
    );
    return E.map(() => undefined)(appended);
  };

  const deviceFacts = async (subject: string, deviceName: string): Promise<E.Either<SelfCareError, DeviceFacts>> => {
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

  const scoped = <F>(principal: Principal, spec: Scoped<F>, call?: CallOptions): Op<CommandResult> =>
    op(async () => {
      const subject = subjectOf(principal);
      if (subject === undefined) return E.left(refuse('subject_required', 'select the user to act for', 'onBehalfOf'));
      const target = spec.target(subject);
      const accountId = selfCareStreams.account(subject);
      const visibilityId = selfCareStreams.visibility();
      let facts: F | undefined;
      return appendMulti(
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
      );
    });

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

  return {
    store,
    runtime,
    phones,
    credentials,
    catalog,
    sessionMinutes,
    freshView,
    catchUp: () => runner.catchUp(),
    view: () => runner.state(),
    commandIdOf,
    actorKind: (p) => (p.kind === 'administrator' ? 'administrator' : 'user'),
    context,
    fail: <A>(e: SelfCareError): Op<A> => op(async () => E.left(e)),
    append: async (decider, streamId, command, ctx) => settle(await handleCommand(commandDeps, decider, streamId, command, ctx)()),
    appendMulti,
    audit,
    deviceFacts,
    ownerFacts,
    scoped,
    authorizeNow,
  };
};
