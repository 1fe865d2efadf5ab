import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type {
  AuthenticationMode,
  CallSettings,
  CredentialMethod,
  Identified,
  IvrGateway,
  Provisioned,
  ProvisionRequest,
  Refused,
  Replaced,
  Verified,
} from './gateway.js';

/**
 * An `IvrGateway` kept in memory, with the rules of the domain in small:
 * identification, PIN/password/authentication-code checks with a failure
 * counter and timed lockout (credential policy defaults: 3 failures, 30
 * minutes), the profile's permission and phone limit, atomic and idempotent
 * provisioning. For tests, demos and the benchmark: it compares secrets in
 * plain text (no hashing) and keeps nothing after the process ends. Production
 * uses `createDomainGateway`.
 */

export interface MemoryIvrUser {
  readonly userId: string;
  /** Default: the primary extension. */
  readonly selfProvisioningId?: string;
  readonly primaryExtension: string | null;
  readonly pin?: string;
  /** Password digits (what a caller can type). */
  readonly password?: string;
  readonly allowProvisioning?: boolean;
  /** Phones the user may own (profile limit); default 10. */
  readonly limit?: number;
}

export interface MemoryIvrPhone {
  readonly owner: string | null;
  readonly state: 'autoregistered' | 'provisioned';
  /** Directory number on line 1. */
  readonly extension: string | null;
  /** Whether the phone is registered right now (replacing needs the old phone unregistered). */
  readonly registered: boolean;
}

export interface MemoryIvrGatewayConfig {
  readonly users: readonly MemoryIvrUser[];
  /** Devices known to the system (auto-registered phones, users' phones). */
  readonly phones?: Readonly<Record<string, MemoryIvrPhone>>;
  readonly authenticationMode?: AuthenticationMode;
  readonly languages?: readonly string[];
  readonly ivrDirectoryNumber?: string;
  /** The system authentication code (administrators). */
  readonly authenticationCode?: string;
  /** Failures before lockout (0: never) and lockout length (0: until unlocked). */
  readonly lockout?: { readonly threshold: number; readonly durationMs: number };
  /** Failed checks allowed per calling device in a sliding window (beyond the per-account lockout). */
  readonly throttle?: { readonly perDevice: number; readonly windowMs: number };
  /** Whether the six system prerequisites hold. */
  readonly ready?: boolean;
  /** Milliseconds since the epoch; share the driver's scheduler clock in tests. */
  readonly now?: () => number;
  /** Whether an old phone is kept (unassigned) or deleted when replaced. Default: deleted. */
  readonly keepReplacedPhone?: boolean;
}

export interface MemoryIvrGateway extends IvrGateway {
  phone(device: string): MemoryIvrPhone | undefined;
  phones(): Readonly<Record<string, MemoryIvrPhone>>;
  /** Failures counted for a user (or `@system`, the authentication code). */
  failures(subject: string): number;
  lockedUntil(subject: string): number | null | undefined;
  /** Commands applied (by command id): a retried command is applied once. */
  appliedCommands(): readonly string[];
  setRegistered(device: string, registered: boolean): void;
  configure(change: Partial<Pick<MemoryIvrGatewayConfig, 'authenticationMode' | 'languages' | 'ready'>>): void;
}

/** The subject of the system authentication code's failure counter. */
const SYSTEM = '@system';

/** Runs `body` when the task runs, not when it is created. */
const lazy =
  <A>(body: () => E.Either<Refused, A>): TE.TaskEither<Refused, A> =>
  async () =>
    body();

export const createMemoryIvrGateway = (config: MemoryIvrGatewayConfig): MemoryIvrGateway => {
  const users = new Map(config.users.map((u) => [u.userId, u]));
  const byExtension = new Map(config.users.flatMap((u) => (u.primaryExtension === null ? [] : [[u.primaryExtension, u] as const])));
  const bySelfProvisioningId = new Map(
    config.users.flatMap((u) => {
      const id = u.selfProvisioningId ?? u.primaryExtension;
      return id === null ? [] : [[id, u] as const];
    }),
  );
  const phones = new Map<string, MemoryIvrPhone>(Object.entries(config.phones ?? {}));
  const failures = new Map<string, number>();
  const deviceFailures = new Map<string, number[]>();
  const locked = new Map<string, number | null>();
  const applied = new Map<string, E.Either<Refused, Provisioned | Replaced>>();
  const now = config.now ?? (() => Date.now());
  const lockout = config.lockout ?? { threshold: 3, durationMs: 30 * 60_000 };
  let settings = {
    authenticationMode: config.authenticationMode ?? 'secure-users-and-admins',
    languages: config.languages ?? ['en_US'],
    ready: config.ready ?? true,
  };
  const ivrDn = config.ivrDirectoryNumber ?? '8000';

  const isLocked = (userId: string): boolean => {
    if (!locked.has(userId)) return false;
    const until = locked.get(userId);
    if (until === null || (until !== undefined && until > now())) return true;
    locked.delete(userId);
    failures.delete(userId);
    return false;
  };

  // Devices by owner, kept in step with `phones` (the limit check must not scan every phone).
  const owned = new Map<string, Set<string>>();
  const own = (device: string, owner: string | null, add: boolean) => {
    if (owner === null) return;
    const set = owned.get(owner) ?? new Set<string>();
    if (add) set.add(device);
    else set.delete(device);
    owned.set(owner, set);
  };
  for (const [device, phone] of phones) own(device, phone.owner, true);
  const setPhone = (device: string, phone: MemoryIvrPhone | undefined) => {
    own(device, phones.get(device)?.owner ?? null, false);
    if (phone === undefined) phones.delete(device);
    else {
      phones.set(device, phone);
      own(device, phone.owner, true);
    }
  };
  const ownedBy = (userId: string): [string, MemoryIvrPhone][] =>
    [...(owned.get(userId) ?? [])].flatMap((device) => {
      const phone = phones.get(device);
      return phone === undefined ? [] : [[device, phone] as [string, MemoryIvrPhone]];
    });

  const once = <A extends Provisioned | Replaced>(commandId: string, body: () => E.Either<Refused, A>): TE.TaskEither<Refused, A> =>
    lazy(() => {
      const before = applied.get(commandId);
      if (before !== undefined) return before as E.Either<Refused, A>;
      const result = body();
      if (E.isRight(result)) applied.set(commandId, result);
      return result;
    });

  const eligible = (request: ProvisionRequest): E.Either<Refused, MemoryIvrUser> => {
    if (!settings.ready) return E.left({ refusal: 'system_not_ready' });
    const user = users.get(request.userId);
    if (user === undefined) return E.left({ refusal: 'unknown_id' });
    if (user.primaryExtension === null) return E.left({ refusal: 'no_primary_extension' });
    if (user.allowProvisioning === false) return E.left({ refusal: 'not_allowed_by_profile' });
    return E.right(user);
  };

  return {
    callSettings: (_device, dialled): TE.TaskEither<Refused, CallSettings> =>
      lazy(() =>
        E.right({
          languages: settings.languages,
          authenticationMode: settings.authenticationMode,
          ivrDirectoryNumber: ivrDn,
          dialledIsIvr: dialled === undefined || dialled === ivrDn,
        }),
      ),

    identifyUser: ({ by, digits }): TE.TaskEither<Refused, Identified> =>
      lazy(() => {
        const user = (by === 'extension' ? byExtension : bySelfProvisioningId).get(digits);
        return user === undefined ? E.left({ refusal: 'unknown_id' }) : E.right({ userId: user.userId });
      }),

    verifyCredential: ({ userId, secret, allowedMethods, callingDevice }): TE.TaskEither<Refused, Verified> =>
      lazy(() => {
        const user = users.get(userId);
        if (user === undefined) return E.left({ refusal: 'unknown_id' });
        const window = config.throttle;
        const recent = window === undefined ? [] : (deviceFailures.get(callingDevice) ?? []).filter((at) => at > now() - window.windowMs);
        if (window !== undefined && recent.length >= window.perDevice) return E.left({ refusal: 'throttled' });
        // The authentication code is the system's credential (subject `@system`), the PIN and password the user's:
        // failures count against the credential that was tried, as the domain's credentials module does.
        const code = allowedMethods.includes('authentication-code') && config.authenticationCode !== undefined;
        const subject = code && !allowedMethods.includes('pin') && !allowedMethods.includes('password') ? SYSTEM : userId;
        if (isLocked(subject)) return E.left({ refusal: 'locked_out' });
        const match: CredentialMethod | undefined =
          code && secret === config.authenticationCode
            ? 'authentication-code'
            : subject === userId && allowedMethods.includes('pin') && user.pin !== undefined && secret === user.pin
              ? 'pin'
              : subject === userId && allowedMethods.includes('password') && user.password !== undefined && secret === user.password
                ? 'password'
                : undefined;
        if (match !== undefined) {
          failures.delete(subject);
          return E.right({ method: match });
        }
        deviceFailures.set(callingDevice, [...recent, now()]);
        const count = (failures.get(subject) ?? 0) + 1;
        failures.set(subject, count);
        if (lockout.threshold > 0 && count >= lockout.threshold) {
          locked.set(subject, lockout.durationMs === 0 ? null : now() + lockout.durationMs);
          return E.left({ refusal: 'wrong_credential', attemptsLeft: 0 });
        }
        return E.left(
          lockout.threshold > 0
            ? { refusal: 'wrong_credential', attemptsLeft: lockout.threshold - count }
            : { refusal: 'wrong_credential' },
        );
      }),

    provisionPhone: (request) =>
      once<Provisioned>(request.commandId, () => {
        const ok = eligible(request);
        if (E.isLeft(ok)) return ok;
        const user = ok.right;
        const phone = phones.get(request.device);
        if (phone === undefined) return E.left({ refusal: 'failure', message: 'unknown device' });
        if (phone.owner !== null && phone.owner !== user.userId) return E.left({ refusal: 'owned_by_another_user' });
        if (phone.state === 'provisioned') return E.left({ refusal: 'already_provisioned' });
        if (ownedBy(user.userId).length >= (user.limit ?? 10)) return E.left({ refusal: 'limit_reached' });
        // All or nothing: one assignment of the phone's new record.
        setPhone(request.device, { ...phone, owner: user.userId, state: 'provisioned', extension: user.primaryExtension });
        return E.right({ extension: user.primaryExtension ?? '' });
      }),

    replacePhone: (request) =>
      once<Replaced>(request.commandId, () => {
        const ok = eligible(request);
        if (E.isLeft(ok)) return ok;
        const user = ok.right;
        const phone = phones.get(request.device);
        if (phone === undefined) return E.left({ refusal: 'failure', message: 'unknown device' });
        if (phone.state === 'provisioned') return E.left({ refusal: 'already_provisioned' });
        const old = ownedBy(user.userId).find(([name, p]) => name !== request.device && p.extension === user.primaryExtension);
        if (old?.[1].registered) return E.left({ refusal: 'old_phone_registered' });
        if (old !== undefined) {
          if (config.keepReplacedPhone) setPhone(old[0], { ...old[1], owner: null, extension: null });
          else setPhone(old[0], undefined);
        }
        setPhone(request.device, { ...phone, owner: user.userId, state: 'provisioned', extension: user.primaryExtension });
        return E.right(
          old === undefined ? { extension: user.primaryExtension ?? '' } : { extension: user.primaryExtension ?? '', oldDevice: old[0] },
        );
      }),

    phone: (device) => phones.get(device),
    phones: () => Object.fromEntries(phones),
    failures: (userId) => failures.get(userId) ?? 0,
    lockedUntil: (userId) => (isLocked(userId) ? (locked.get(userId) ?? null) : undefined),
    appliedCommands: () => [...applied.keys()],
    setRegistered: (device, registered) => {
      const phone = phones.get(device);
      if (phone !== undefined) setPhone(device, { ...phone, registered });
    },
    configure: (change) => {
      settings = { ...settings, ...change };
    },
  };
};
