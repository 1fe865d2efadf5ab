import { createAccount, setSelfCareRole } from '../account/admin.js';
import { changePassword, changePhonePin, changeVoicemailPin, setPassword } from '../account/secrets.js';
import { authenticate, login, logout } from '../account/sessions.js';
import { changeEmail, changeName, changePrimaryPhone } from '../account/userSettings.js';
import { runBatch } from '../batch/run.js';
import { createDomain, setCreateSelfCareAccountsRule, setDefaultPasswordRule } from '../domainRules/handlers.js';
import { lineSettingsHandlers } from '../lineSettings/handlers.js';
import { formatMigrationSummary } from '../migration/migration.js';
import { migrate } from '../migration/run.js';
import { phoneSettingsHandlers } from '../phoneSettings/handlers.js';
import { carousel, domains, singleNumberReach, userSettings, visibleFeaturesPerPage } from '../readModel/queries.js';
import { actorOf } from '../shared/principal.js';
import { singleNumberReachHandlers } from '../singleNumberReach/handlers.js';
import { setVisibleFeatures } from '../visibility/handlers.js';
import type { SelfCare } from './api.js';
import { createSelfCareDeps, type SelfCareOptions } from './deps.js';

/**
 * The self-care facade (see `SelfCare`): builds the dependency record once
 * from the options (throws a `RangeError` for a `sessionMinutes` outside
 * 1-1440), and binds every handler to it. The handlers live beside their
 * aggregates: `account/` (sessions, secrets, user settings, administration),
 * `domainRules/`, `phoneSettings/`, `lineSettings/`, `singleNumberReach/`,
 * `visibility/`, `batch/`, `migration/`, and `readModel/queries.ts`.
 */
export const createSelfCare = (options: SelfCareOptions): SelfCare => {
  const deps = createSelfCareDeps(options);
  return {
    login: (input) => login(deps, input),
    authenticate: (token) => authenticate(deps, token),
    logout: (principal, call) => logout(deps, principal, call),

    admin: {
      createDomain: (principal, input, call) => createDomain(deps, principal, input, call),
      setCreateSelfCareAccountsRule: (principal, input, call) => setCreateSelfCareAccountsRule(deps, principal, input, call),
      setDefaultPasswordRule: (principal, input, call) => setDefaultPasswordRule(deps, principal, input, call),
      createAccount: (principal, input, call) => createAccount(deps, principal, input, call),
      setSelfCareRole: (principal, input, call) => setSelfCareRole(deps, principal, input, call),
      setPassword: (principal, input, call) => setPassword(deps, principal, input, call),
      setVisibleFeatures: (principal, input, call) => setVisibleFeatures(deps, principal, input, call),
      runBatch: (principal, file, batchOptions) => runBatch(deps, principal, file, batchOptions),
      migrate: (principal, request, call) => migrate(deps, principal, request, call),
      domains: () => domains(deps),
    },

    phone: phoneSettingsHandlers(deps),
    line: lineSettingsHandlers(deps),

    user: {
      changeName: (principal, input, call) => changeName(deps, principal, input, call),
      changeEmail: (principal, input, call) => changeEmail(deps, principal, input, call),
      changePrimaryPhone: (principal, input, call) => changePrimaryPhone(deps, principal, input, call),
      changePassword: (principal, input, call) => changePassword(deps, principal, input, call),
      changePhonePin: (principal, input, call) => changePhonePin(deps, principal, input, call),
      changeVoicemailPin: (principal, input, call) => changeVoicemailPin(deps, principal, input, call),
    },

    snr: singleNumberReachHandlers(deps),

    carousel: (principal) => carousel(deps, principal),
    userSettings: (principal) => userSettings(deps, principal),
    singleNumberReach: (principal) => singleNumberReach(deps, principal),
    visibleFeatures: () => visibleFeaturesPerPage(deps),
    catchUp: () => deps.catchUp(),
    view: () => deps.view(),
    actorOf,
    formatMigrationSummary,
  };
};
