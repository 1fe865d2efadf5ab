import { DeviceName, RequestPhoneReset } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { bodyOf } from '../../codecs.js';
import { answer, CommandOutcome, commandAnswer, fail, ok, PhoneAnswer } from '../../responses.js';
import type { RouteSpec } from '../../route.js';
import { A, type AdminRouteDeps, get, notFound, str } from './kit.js';
import { listedPhone, phoneView } from './views.js';

/** Phones, auto-registered and provisioned: list, read, reset. */
export const phoneRoutes = (d: AdminRouteDeps): RouteSpec[] => {
  const { selfProvisioning, rm, query, withContext } = d;
  return [
    get(`${A}/phones`, 'listPhones', 'List the phones (auto-registered and provisioned)', {}, async () =>
      answer(async () => query(() => rm.phones().filter(listedPhone).map(phoneView))),
    ),
    get(
      `${A}/phones/:deviceName`,
      'getPhone',
      'A phone: owner, state (autoregistered or provisioned), lines with their DNs, templates applied',
      { deviceName: DeviceName },
      async (ctx) => {
        const deviceName = str(ctx, 'deviceName');
        const phone = await selfProvisioning.phone(deviceName)();
        if (E.isLeft(phone)) return phone;
        return phone.right && listedPhone(phone.right)
          ? ok(phoneView(phone.right))
          : fail(notFound('phone_not_found', `phone ${deviceName}`, 'deviceName'));
      },
      PhoneAnswer,
    ),
    {
      method: 'POST',
      path: `${A}/phones/:deviceName/reset`,
      operationId: 'resetPhone',
      summary: 'Ask a phone to reset (re-read its configuration)',
      tag: 'admin',
      access: 'admin',
      params: { deviceName: { codec: DeviceName } },
      body: bodyOf('ResetPhoneBody', RequestPhoneReset, ['deviceName']),
      status: 200,
      response: CommandOutcome,
      errors: [401, 404, 409],
      handler: (ctx) =>
        withContext(ctx, 'resetPhone', async (context) => {
          const deviceName = str(ctx, 'deviceName');
          const phone = await selfProvisioning.phone(deviceName)();
          if (E.isLeft(phone)) return phone;
          if (!(phone.right && listedPhone(phone.right))) return fail(notFound('phone_not_found', `phone ${deviceName}`, 'deviceName'));
          return commandAnswer(selfProvisioning.requestPhoneReset({ ...ctx.body, deviceName }, context));
        }),
    },
  ];
};
