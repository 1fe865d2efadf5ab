import type { SelfProvisioning, StoreError } from '@selfprov/core';
import { coalesceCalls, type DirectoryDevice, type PhoneDirectory, type SelfCarePortError } from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';

/**
 * Self-care's credentials port over the core credentials module. It lives with the port it
 * implements (packages/selfcare/src/ports/coreCredentials.ts), so self-care's own tests run
 * against it; re-exported here for this package's composition root and its public API.
 */
export { bindSelfCareCredentials } from '@selfprov/selfcare';

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
