import type { CommandResult } from '@selfprov/core';
import {
  AddAlternateNumberInput,
  AddSpeedDialInput,
  AlternateNumberId,
  ChangeEmailInput,
  ChangeMacAddressInput,
  ChangeNameInput,
  ChangePasswordInput,
  ChangePinInput,
  ChangePrimaryPhoneInput,
  DeviceName,
  LineIndex,
  type Principal,
  RemoveSpeedDialInput,
  RenamePhoneInput,
  SecretInput,
  SetCallerIdInput,
  SetCallForwardInput,
  SetDisplayLanguageInput,
  SetDoNotDisturbInput,
  SetLineMusicOnHoldInput,
  SetLocaleInput,
  SetNotificationInput,
  SetPhoneMusicOnHoldInput,
  SetPhoneOptionsInput,
  SetSpeedDialsInput,
  UpdateAlternateNumberInput,
  type UserPrincipal,
} from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import { type BodyCodec, bodyOf, objectBody, shapeOf } from '../codecs.js';
import { commandIdOf, type RouteDeps } from '../deps.js';
import type { ErrorLike } from '../errors.js';
import { answer, CommandOutcome, commandAnswer, LoginAnswer, ok, SessionAnswer } from '../responses.js';
import type { Method, ParamSpec, RouteContext, RouteResult, RouteSpec } from '../route.js';
import { pathParams } from '../route.js';
import { type CsrfGuard, clearSessionCookie, type SecureCookies, setSessionCookie } from '../security.js';

/**
 * The self-care API (`/api/selfcare`): login and logout, the phone carousel, and
 * the phone, line, user and single-number-reach settings of the logged-in user.
 * Ownership ("is this your phone?"), visibility ("is this feature shown?") and
 * the session's validity are decided by the self-care domain in each command;
 * this layer only carries the session from the cookie to the facade.
 */

const S = '/api/selfcare';

export interface SelfCareRouteOptions {
  readonly csrf: CsrfGuard;
  readonly secureCookies: SecureCookies;
  /** The cookie path: the plugin's mount point. */
  readonly cookiePath: string;
}

const LOGIN_BODY = objectBody('LoginRequest', { userId: t.string, password: SecretInput });

export const selfCareRoutes = (deps: RouteDeps, options: SelfCareRouteOptions): RouteSpec[] => {
  const selfCare = deps.backend.selfCare;
  const principalOf = (ctx: RouteContext): UserPrincipal => {
    // The plugin authenticates every `session` route before its handler runs.
    if (ctx.principal === undefined) throw new Error('session route without a principal');
    return ctx.principal;
  };
  const callOf = (ctx: RouteContext, operationId: string) =>
    E.map((commandId: string | undefined) => (commandId === undefined ? undefined : { commandId }))(commandIdOf(ctx, operationId));

  type Command = (principal: Principal, input: unknown, call?: { readonly commandId?: string }) => TE.TaskEither<ErrorLike, CommandResult>;

  interface Settings {
    readonly method: Method;
    readonly path: string;
    readonly operationId: string;
    readonly summary: string;
    readonly codec: t.Mixed;
    readonly run: Command;
    readonly body?: BodyCodec;
    readonly errors?: readonly number[];
  }

  const paramSpecs: Readonly<Record<string, ParamSpec>> = {
    deviceName: { codec: DeviceName, description: 'one of your phones or profiles (see the carousel)' },
    lineIndex: { codec: LineIndex, integer: true, description: 'the line of the phone, 1-based' },
    position: {
      codec: shapeOf(RemoveSpeedDialInput)?.required.position ?? t.number,
      integer: true,
      description: "the speed dial's position, 1-based",
    },
    id: { codec: AlternateNumberId, description: "the alternate number's id" },
  };

  /** A settings command: `{ ...body, ...params }` to the facade with the session's principal. */
  const settings = (s: Settings): RouteSpec => {
    const names = pathParams(s.path);
    return {
      method: s.method,
      path: s.path,
      operationId: s.operationId,
      summary: s.summary,
      tag: 'selfcare',
      access: 'session',
      params: Object.fromEntries(names.map((n) => [n, paramSpecs[n] as ParamSpec])),
      body: s.body ?? bodyOf(`${s.operationId}Body`, s.codec, names),
      status: 200,
      response: CommandOutcome,
      errors: s.errors ?? [401, 403, 404, 409],
      handler: async (ctx) => {
        const call = callOf(ctx, s.operationId);
        if (E.isLeft(call)) return call;
        return commandAnswer(s.run(principalOf(ctx), { ...ctx.body, ...ctx.params }, call.right));
      },
    };
  };

  const query = (
    path: string,
    operationId: string,
    summary: string,
    read: (ctx: RouteContext) => Promise<RouteResult>,
    response?: t.Mixed,
  ): RouteSpec => ({
    method: 'GET',
    path,
    operationId,
    summary,
    tag: 'selfcare',
    access: 'session',
    status: 200,
    ...(response === undefined ? {} : { response }),
    errors: [401, 403],
    handler: read,
  });

  const phone = `${S}/phones/:deviceName`;
  const line = `${phone}/lines/:lineIndex`;

  return [
    {
      method: 'POST',
      path: `${S}/login`,
      operationId: 'selfCareLogin',
      summary: 'Log in: sets the session cookie and answers the CSRF token for the state-changing requests',
      description:
        'Wrong user id, wrong password, no password set and no self-care role all answer 401 invalid_credentials (no account enumeration). After too many failures: 423 account_locked (details.until), 429 login_throttled.',
      tag: 'selfcare',
      access: 'none',
      body: LOGIN_BODY,
      status: 200,
      response: LoginAnswer,
      errors: [401, 423, 429],
      handler: async (ctx) => {
        // The caller's address keys the credentials module's per-caller throttle.
        const r = await selfCare.login({ ...ctx.body, deviceKey: `ip:${ctx.request.ip}` })();
        if (E.isLeft(r)) return r;
        const { token, userId, expiresAt, landing } = r.right;
        setSessionCookie(ctx.reply, ctx.request, token, expiresAt, options.cookiePath, options.secureCookies);
        return ok({ userId, expiresAt, landing, csrfToken: options.csrf.tokenFor(token) });
      },
    },
    {
      method: 'POST',
      path: `${S}/logout`,
      operationId: 'selfCareLogout',
      summary: 'Log out: closes the session and clears the cookie',
      tag: 'selfcare',
      access: 'session',
      status: 204,
      errors: [401, 403],
      handler: async (ctx) => {
        const r = await selfCare.logout(principalOf(ctx))();
        if (E.isLeft(r)) return r;
        clearSessionCookie(ctx.reply, ctx.request, options.cookiePath, options.secureCookies);
        return ok(undefined, 204);
      },
    },
    query(
      `${S}/session`,
      'selfCareSession',
      'The logged-in user and the CSRF token of the session',
      async (ctx) => ok({ userId: principalOf(ctx).userId, csrfToken: ctx.csrfToken ?? '' }),
      SessionAnswer,
    ),
    query(
      `${S}/carousel`,
      'selfCareCarousel',
      "Your phones and profiles with their settings and their lines' settings, and the features shown",
      (ctx) => answer(selfCare.carousel(principalOf(ctx))),
    ),
    query(`${S}/features`, 'selfCareFeatures', 'The features shown per settings page (the others are refused)', () =>
      answer(selfCare.visibleFeatures()),
    ),
    query(`${S}/catalog`, 'selfCareCatalog', 'Installed locales and music-on-hold audio sources to choose from', async () =>
      ok(deps.catalog),
    ),
    query(`${S}/user`, 'selfCareUser', 'Your user settings: name, email, primary phone, whether a password is set', (ctx) =>
      answer(selfCare.userSettings(principalOf(ctx))),
    ),
    query(`${S}/snr`, 'selfCareSingleNumberReach', 'Your single number reach: alternate numbers', (ctx) =>
      answer(selfCare.singleNumberReach(principalOf(ctx))),
    ),

    // --- user settings ----------------------------------------------------------------------------
    settings({
      method: 'PUT',
      path: `${S}/user/name`,
      operationId: 'changeName',
      summary: 'Change your name',
      codec: ChangeNameInput,
      run: selfCare.user.changeName,
    }),
    settings({
      method: 'PUT',
      path: `${S}/user/email`,
      operationId: 'changeEmail',
      summary: 'Change your email',
      codec: ChangeEmailInput,
      run: selfCare.user.changeEmail,
    }),
    settings({
      method: 'PUT',
      path: `${S}/user/primary-phone`,
      operationId: 'changePrimaryPhone',
      summary: 'Choose your primary phone among your phones',
      codec: ChangePrimaryPhoneInput,
      run: selfCare.user.changePrimaryPhone,
    }),
    settings({
      method: 'PUT',
      path: `${S}/user/password`,
      operationId: 'changePassword',
      summary: 'Change your password (give the current one); your other sessions are closed',
      codec: ChangePasswordInput,
      run: selfCare.user.changePassword,
      errors: [401, 403, 409, 423],
    }),
    settings({
      method: 'PUT',
      path: `${S}/user/phone-pin`,
      operationId: 'changePhonePin',
      summary: 'Change your phone PIN',
      codec: ChangePinInput,
      run: selfCare.user.changePhonePin,
    }),
    settings({
      method: 'PUT',
      path: `${S}/user/voicemail-pin`,
      operationId: 'changeVoicemailPin',
      summary: 'Change your voicemail PIN',
      codec: ChangePinInput,
      run: selfCare.user.changeVoicemailPin,
    }),

    // --- phone settings --------------------------------------------------------------------------
    settings({
      method: 'PUT',
      path: `${phone}/mac-address`,
      operationId: 'changeMacAddress',
      summary: "Change the phone's MAC address",
      codec: ChangeMacAddressInput,
      run: selfCare.phone.changeMacAddress,
    }),
    settings({
      method: 'PUT',
      path: `${phone}/name`,
      operationId: 'renamePhone',
      summary: 'Rename the phone',
      codec: RenamePhoneInput,
      run: selfCare.phone.rename,
    }),
    settings({
      method: 'PUT',
      path: `${phone}/display-language`,
      operationId: 'setDisplayLanguage',
      summary: "Set the phone's display language (null: the system default)",
      codec: SetDisplayLanguageInput,
      run: selfCare.phone.setDisplayLanguage,
    }),
    settings({
      method: 'PUT',
      path: `${phone}/speed-dials`,
      operationId: 'setSpeedDials',
      summary: "Replace the phone's speed dials (a comma in a number is a 2-second pause)",
      codec: SetSpeedDialsInput,
      run: selfCare.phone.setSpeedDials,
    }),
    settings({
      method: 'POST',
      path: `${phone}/speed-dials`,
      operationId: 'addSpeedDial',
      summary: 'Add a speed dial',
      codec: AddSpeedDialInput,
      run: selfCare.phone.addSpeedDial,
    }),
    settings({
      method: 'DELETE',
      path: `${phone}/speed-dials/:position`,
      operationId: 'removeSpeedDial',
      summary: 'Remove the speed dial at a position',
      codec: AddSpeedDialInput,
      body: objectBody('RemoveSpeedDialBody', {}),
      run: selfCare.phone.removeSpeedDial,
    }),
    settings({
      method: 'PUT',
      path: `${phone}/do-not-disturb`,
      operationId: 'setDoNotDisturb',
      summary: 'Turn do not disturb on or off, and choose what an incoming call does',
      codec: SetDoNotDisturbInput,
      run: selfCare.phone.setDoNotDisturb,
    }),
    settings({
      method: 'PUT',
      path: `${phone}/locale`,
      operationId: 'setLocale',
      summary: 'Set the user and network locales (null: system default)',
      codec: SetLocaleInput,
      run: selfCare.phone.setLocale,
    }),
    settings({
      method: 'PUT',
      path: `${phone}/music-on-hold`,
      operationId: 'setPhoneMusicOnHold',
      summary: "Set the phone's hold audio sources (null: system default)",
      codec: SetPhoneMusicOnHoldInput,
      run: selfCare.phone.setMusicOnHold,
    }),
    settings({
      method: 'PATCH',
      path: `${phone}/options`,
      operationId: 'setPhoneOptions',
      summary: 'Speakerphone, headset, video, PC port, extension mobility (only those given change)',
      codec: SetPhoneOptionsInput,
      run: selfCare.phone.setOptions,
    }),

    // --- line settings ---------------------------------------------------------------------------
    settings({
      method: 'PUT',
      path: `${line}/call-forward`,
      operationId: 'setCallForward',
      summary:
        'Set call forwarding: all, busy, no answer, unregistered (internal and external callers apart); absent: unchanged, null: off',
      codec: SetCallForwardInput,
      run: selfCare.line.setCallForward,
    }),
    settings({
      method: 'PUT',
      path: `${line}/caller-id`,
      operationId: 'setCallerId',
      summary: "Set the line's caller ID",
      codec: SetCallerIdInput,
      run: selfCare.line.setCallerId,
    }),
    settings({
      method: 'PUT',
      path: `${line}/notification`,
      operationId: 'setNotification',
      summary: 'Set how calls and messages are notified on the line',
      codec: SetNotificationInput,
      run: selfCare.line.setNotification,
    }),
    settings({
      method: 'PUT',
      path: `${line}/music-on-hold`,
      operationId: 'setLineMusicOnHold',
      summary: "Set the line's hold audio sources",
      codec: SetLineMusicOnHoldInput,
      run: selfCare.line.setMusicOnHold,
    }),

    // --- single number reach -------------------------------------------------------------------------
    settings({
      method: 'POST',
      path: `${S}/snr/alternate-numbers`,
      operationId: 'addAlternateNumber',
      summary: 'Add an alternate number (reach me anywhere)',
      codec: AddAlternateNumberInput,
      run: selfCare.snr.addAlternateNumber,
    }),
    settings({
      method: 'PATCH',
      path: `${S}/snr/alternate-numbers/:id`,
      operationId: 'updateAlternateNumber',
      summary: 'Change an alternate number (only the fields given change)',
      codec: UpdateAlternateNumberInput,
      run: selfCare.snr.updateAlternateNumber,
    }),
    settings({
      method: 'DELETE',
      path: `${S}/snr/alternate-numbers/:id`,
      operationId: 'removeAlternateNumber',
      summary: 'Remove an alternate number',
      codec: UpdateAlternateNumberInput,
      body: objectBody('RemoveAlternateNumberBody', {}),
      run: selfCare.snr.removeAlternateNumber,
    }),
  ];
};
