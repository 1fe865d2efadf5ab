import {
  type CredentialDeps,
  type CredentialKind,
  type CredentialPolicy,
  credentialSet,
  domainError,
  type SelfProvisioning,
  type StoreError,
  setCredential,
  verifyCredential,
} from '@selfprov/core';
import {
  coalesceCalls,
  type DirectoryDevice,
  type PhoneDirectory,
  type SelfCareCredentials,
  type SelfCarePortError,
} from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';

/**
 * Self-care's `PhoneDirectory` over the self-provisioning read models: a user's
 * carousel is the phones they own, each with its lines. The facade catches its
 * read models up before answering, so phones provisioned by another process are seen.
 */
export const bindPhoneDirectory = (selfProvisioning: SelfProvisioning): PhoneDirectory => {
  // Carousel reads arriving together share one catch-up (four reads of the log) instead of one each;
  // each still sees every write made before its call. Same answer as `selfProvisioning.phonesOf`.
  const catchUp = coalesceCalls(() => selfProvisioning.readModels.catchUp()());
  return {
    phonesOf: (userId) => async () => {
      const caught = await catchUp();
      if (E.isLeft(caught)) return E.left(unavailable(caught.left));
      const phones = selfProvisioning.readModels.phonesOf(userId);
      return E.right(
        phones.map(
          (p): DirectoryDevice => ({
            deviceName: p.deviceName,
            kind: 'phone',
            model: p.model,
            description: p.deviceTemplate ?? null,
            lines: p.lines.map((l) => ({ index: l.index, directoryNumber: l.dn })),
          }),
        ),
      );
    },
    ownerOf: (deviceName) => async () => {
      const phone = await selfProvisioning.phone(deviceName)();
      return E.isLeft(phone) ? E.left(unavailable(phone.left)) : E.right(phone.right?.owner);
    },
    linesOf: (deviceName) => async () => {
      const phone = await selfProvisioning.phone(deviceName)();
      if (E.isLeft(phone)) return E.left(unavailable(phone.left));
      return E.right((phone.right?.lines ?? []).map((l) => ({ index: l.index, directoryNumber: l.dn })));
    },
    deviceWithMac: (mac) => async () => {
      const phone = await selfProvisioning.phone(`SEP${mac}`)();
      if (E.isLeft(phone)) return E.left(unavailable(phone.left));
      return E.right(phone.right?.exists ? phone.right.deviceName : undefined);
    },
  };
};

const unavailable = (cause: StoreError): SelfCarePortError => ({
  _tag: 'SelfCarePortError',
  code: 'directory_unavailable',
  message: `the phone directory is unavailable: ${cause.message}`,
});

/**
 * Self-care's credentials port over the core credentials module: the same
 * policy (lockout, history, trivial-PIN rules), throttling and hashing as the IVR.
 */
export const bindSelfCareCredentials = (deps: CredentialDeps, policy?: CredentialPolicy): SelfCareCredentials => ({
  verify: (request) => async () => {
    const result = await verifyCredential(deps, {
      subject: request.subject,
      kind: request.kind as CredentialKind,
      secret: request.secret,
      device: request.deviceKey,
      ...(policy ? { policy } : {}),
    })();
    if (E.isLeft(result)) return result;
    const r = result.right;
    const events = r.events;
    switch (r.outcome) {
      case 'verified':
        return E.right({ result: 'verified', events });
      case 'credential_invalid':
        return E.right(r.lockedOut ? { result: 'locked_out', until: r.lockedOut.until, events } : { result: 'wrong_secret', events });
      case 'locked_out':
        return E.right({ result: 'locked_out', until: r.until, events });
      case 'throttled_device':
      case 'throttled_global':
        return E.right({ result: 'throttled', events });
      case 'credential_not_set':
        return E.right({ result: 'not_set', events });
    }
  },
  set: (request) => async () => {
    const result = await setCredential(deps, {
      subject: request.subject,
      kind: request.kind as CredentialKind,
      secret: request.secret,
      by: request.by,
      owner: request.owner,
      field: request.field,
      ...(policy ? { policy } : {}),
    })();
    return E.isLeft(result) ? result : E.right({ events: result.right.events });
  },
  // The domain's default password is copied hash-to-hash: nobody ever sees it again.
  copy: (request) => async () => {
    const kind = request.kind as CredentialKind;
    for (let attempt = 0; attempt < 16; attempt++) {
      const source = await deps.store.load(request.from, kind)();
      if (E.isLeft(source)) return source;
      if (source.right === undefined)
        return E.left(domainError('credential_not_set', `${request.from} has no ${kind} to copy`, { field: 'defaultPassword' }));
      const target = await deps.store.load(request.to, kind)();
      if (E.isLeft(target)) return target;
      const history = target.right ? [target.right.hash, ...target.right.history].slice(0, (policy?.historySize ?? 12) - 1) : [];
      const saved = await deps.store.save(
        {
          subject: request.to,
          kind,
          hash: source.right.hash,
          history,
          failedAttempts: 0,
          firstFailureAt: null,
          consecutiveFailures: 0,
          lockout: null,
          changedAt: deps.clock.now().toISOString(),
          mustChange: true,
        },
        target.right?.revision ?? null,
      )();
      if (E.isRight(saved)) return E.right({ events: [credentialSet({ subject: request.to, kind, by: 'system', mustChange: true })] });
      if (saved.left.code !== 'credential_revision_conflict') return saved;
    }
    return E.left(domainError('concurrent_modification', `the ${kind} of ${request.to} kept changing`, { field: 'userId' }));
  },
});
