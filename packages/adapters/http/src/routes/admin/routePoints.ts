import {
  AssignCtiRoutePointLine1Dn,
  ConfigureCtiRoutePoint,
  CreateCtiRoutePoint,
  RemoveCtiRoutePointLine1Dn,
  RoutePointName,
} from '@selfprov/core';
import type { RouteSpec } from '../../route.js';
import { A, type AdminRouteDeps, get } from './kit.js';

/** The CTI route point of the IVR (steps 3 and 4). */
export const routePointRoutes = (d: AdminRouteDeps): RouteSpec[] => {
  const { rm, command, byName } = d;
  return [
    get(
      `${A}/route-points/:name`,
      'getRoutePoint',
      'A CTI route point',
      { name: RoutePointName },
      byName(rm.ctiRoutePoint, 'cti_route_point_not_found', 'route point', 'name'),
    ),
    command({
      method: 'POST',
      path: `${A}/route-points`,
      operationId: 'createRoutePoint',
      summary: 'Create the CTI route point of the IVR (step 3)',
      aggregate: 'ctiRoutePoint',
      codec: CreateCtiRoutePoint,
      type: 'CreateCtiRoutePoint',
      status: 201,
    }),
    command({
      method: 'PUT',
      path: `${A}/route-points/:name`,
      operationId: 'configureRoutePoint',
      summary: "Save a CTI route point's settings",
      aggregate: 'ctiRoutePoint',
      codec: ConfigureCtiRoutePoint,
      type: 'ConfigureCtiRoutePoint',
    }),
    command({
      method: 'PUT',
      path: `${A}/route-points/:name/line1`,
      operationId: 'assignRoutePointDn',
      summary: 'Give the route point its line 1 DN: the extension users dial (step 4)',
      aggregate: 'ctiRoutePoint',
      codec: AssignCtiRoutePointLine1Dn,
      type: 'AssignCtiRoutePointLine1Dn',
    }),
    command({
      method: 'DELETE',
      path: `${A}/route-points/:name/line1`,
      operationId: 'removeRoutePointDn',
      summary: "Remove the route point's line 1 DN",
      aggregate: 'ctiRoutePoint',
      codec: RemoveCtiRoutePointLine1Dn,
      type: 'RemoveCtiRoutePointLine1Dn',
    }),
  ];
};
