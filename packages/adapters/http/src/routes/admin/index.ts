import type { RouteDeps } from '../../deps.js';
import type { RouteSpec } from '../../route.js';
import { applicationUserRoutes } from './applicationUsers.js';
import { clusterRoutes } from './clusters.js';
import { credentialRoutes } from './credentials.js';
import { adminRouteDeps } from './kit.js';
import { phoneRoutes } from './phones.js';
import { routePointRoutes } from './routePoints.js';
import { selfCareRoutes } from './selfcare.js';
import { templateRoutes } from './templates.js';
import { userRoutes } from './users.js';

/**
 * The administration API (`/api/admin`, bearer token): the configuration of the
 * six-step task flow, end users, credentials (set, never read back), the
 * readiness report, phones, and the self-care operator settings. Each command
 * route builds the domain command from the URL and the body and hands it to the
 * domain facade, which validates it again and checks references.
 *
 * One module per resource, all built from one dependency record (kit.ts). The
 * order of this table is the order of `/openapi.json`.
 */
export const adminRoutes = (deps: RouteDeps): RouteSpec[] => {
  const d = adminRouteDeps(deps);
  return [
    ...clusterRoutes(d),
    ...routePointRoutes(d),
    ...applicationUserRoutes(d),
    ...templateRoutes(d),
    ...userRoutes(d),
    ...credentialRoutes(d),
    ...phoneRoutes(d),
    ...selfCareRoutes(d),
  ];
};
