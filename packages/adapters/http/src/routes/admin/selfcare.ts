import { UserId } from '@selfprov/core';
import {
  CreateAccountInput,
  CreateDomainInput,
  DomainName,
  SetCreateSelfCareAccountsInput,
  SetDefaultPasswordRuleInput,
  SetSelfCareRoleInput,
  SettingsPageCodec,
  SetVisibleFeaturesInput,
} from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';
import { type BodyCodec, bodyOf } from '../../codecs.js';
import { answer, CommandOutcome, commandAnswer } from '../../responses.js';
import type { RouteSpec } from '../../route.js';
import { A, type AdminRouteDeps, get } from './kit.js';

/** The self-care operator settings: domains and their rules, accounts and roles, visible features. */
export const selfCareRoutes = (d: AdminRouteDeps): RouteSpec[] => {
  const { deps, admin, selfCareCall } = d;
  return [
    get(`${A}/selfcare/domains`, 'listSelfCareDomains', 'Self-care domains and their rules (never the default password)', {}, async () =>
      answer(deps.backend.selfCare.admin.domains()),
    ),
    {
      method: 'POST',
      path: `${A}/selfcare/domains`,
      operationId: 'createSelfCareDomain',
      summary: 'Create a self-care domain (optionally with its default password rule)',
      tag: 'admin',
      access: 'admin',
      body: CreateDomainInput as unknown as BodyCodec,
      status: 201,
      response: CommandOutcome,
      errors: [401, 409],
      handler: async (ctx) => {
        const call = await selfCareCall(ctx, 'createSelfCareDomain');
        if (E.isLeft(call)) return call;
        return commandAnswer(deps.backend.selfCare.admin.createDomain(admin(), ctx.body, call.right), 201);
      },
    },
    {
      method: 'PUT',
      path: `${A}/selfcare/domains/:domain/create-self-care-accounts`,
      operationId: 'setCreateSelfCareAccountsRule',
      summary: "Turn the domain's CreateSelfCareAccounts rule on or off",
      tag: 'admin',
      access: 'admin',
      params: { domain: { codec: DomainName } },
      body: bodyOf('CreateSelfCareAccountsRuleBody', SetCreateSelfCareAccountsInput, ['domain']),
      status: 200,
      response: CommandOutcome,
      errors: [401, 404, 409],
      handler: async (ctx) => {
        const call = await selfCareCall(ctx, 'setCreateSelfCareAccountsRule');
        if (E.isLeft(call)) return call;
        return commandAnswer(
          deps.backend.selfCare.admin.setCreateSelfCareAccountsRule(admin(), { ...ctx.body, ...ctx.params }, call.right),
        );
      },
    },
    {
      method: 'PUT',
      path: `${A}/selfcare/domains/:domain/default-password`,
      operationId: 'setDefaultPasswordRule',
      summary: "Set the domain's DefaultCUPMPassword rule (enabled flag and, optionally, the password; never echoed)",
      tag: 'admin',
      access: 'admin',
      params: { domain: { codec: DomainName } },
      body: bodyOf('DefaultPasswordRuleBody', SetDefaultPasswordRuleInput, ['domain']),
      status: 200,
      response: CommandOutcome,
      errors: [401, 404, 409],
      handler: async (ctx) => {
        const call = await selfCareCall(ctx, 'setDefaultPasswordRule');
        if (E.isLeft(call)) return call;
        return commandAnswer(deps.backend.selfCare.admin.setDefaultPasswordRule(admin(), { ...ctx.body, ...ctx.params }, call.right));
      },
    },
    {
      method: 'POST',
      path: `${A}/selfcare/accounts`,
      operationId: 'createSelfCareAccount',
      summary: 'Create a self-care account of a domain with its roles',
      tag: 'admin',
      access: 'admin',
      body: CreateAccountInput as unknown as BodyCodec,
      status: 201,
      response: CommandOutcome,
      errors: [401, 409],
      handler: async (ctx) => {
        const call = await selfCareCall(ctx, 'createSelfCareAccount');
        if (E.isLeft(call)) return call;
        return commandAnswer(deps.backend.selfCare.admin.createAccount(admin(), ctx.body, call.right), 201);
      },
    },
    {
      method: 'PUT',
      path: `${A}/selfcare/accounts/:userId/role`,
      operationId: 'setSelfCareRole',
      summary: "Give or take away the SelfCareUser role (taking it closes the user's sessions)",
      tag: 'admin',
      access: 'admin',
      params: { userId: { codec: UserId } },
      body: bodyOf('SelfCareRoleBody', SetSelfCareRoleInput, ['userId']),
      status: 200,
      response: CommandOutcome,
      errors: [401, 404, 409],
      handler: async (ctx) => {
        const call = await selfCareCall(ctx, 'setSelfCareRole');
        if (E.isLeft(call)) return call;
        return commandAnswer(deps.backend.selfCare.admin.setSelfCareRole(admin(), { ...ctx.body, ...ctx.params }, call.right));
      },
    },
    get(`${A}/selfcare/visible-features`, 'getVisibleFeatures', 'The features shown per self-care settings page', {}, async () =>
      answer(deps.backend.selfCare.visibleFeatures()),
    ),
    {
      method: 'PUT',
      path: `${A}/selfcare/visible-features/:page`,
      operationId: 'setVisibleFeatures',
      summary: 'Set the features shown on a self-care settings page (the others are hidden AND refused)',
      tag: 'admin',
      access: 'admin',
      params: { page: { codec: SettingsPageCodec } },
      body: bodyOf('VisibleFeaturesBody', SetVisibleFeaturesInput, ['page']),
      status: 200,
      response: CommandOutcome,
      errors: [401, 409],
      handler: async (ctx) => {
        const call = await selfCareCall(ctx, 'setVisibleFeatures');
        if (E.isLeft(call)) return call;
        return commandAnswer(deps.backend.selfCare.admin.setVisibleFeatures(admin(), { ...ctx.body, ...ctx.params }, call.right));
      },
    },
  ];
};
