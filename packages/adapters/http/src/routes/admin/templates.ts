import {
  type ConfigurationAggregate,
  CreateDeviceTemplate,
  CreateFeatureGroupTemplate,
  CreateLineTemplate,
  CreateUserProfile,
  Name,
  UpdateDeviceTemplate,
  UpdateFeatureGroupTemplate,
  UpdateLineTemplate,
  UpdateUserProfile,
} from '@selfprov/core';
import type * as t from 'io-ts';
import type { RouteSpec } from '../../route.js';
import { A, type AdminRouteDeps, get } from './kit.js';

/** Universal device and line templates, feature group templates and user profiles: get, create, save each. */
export const templateRoutes = (d: AdminRouteDeps): RouteSpec[] => {
  const { rm, command, byName } = d;
  return [
    ...resourceRoutes(
      'device-templates',
      'DeviceTemplate',
      'universal device template',
      'deviceTemplate',
      CreateDeviceTemplate,
      UpdateDeviceTemplate,
      rm.deviceTemplate,
      'device_template_not_found',
    ),
    ...resourceRoutes(
      'line-templates',
      'LineTemplate',
      'universal line template',
      'lineTemplate',
      CreateLineTemplate,
      UpdateLineTemplate,
      rm.lineTemplate,
      'line_template_not_found',
    ),
    ...resourceRoutes(
      'feature-group-templates',
      'FeatureGroupTemplate',
      'feature group template',
      'featureGroupTemplate',
      CreateFeatureGroupTemplate,
      UpdateFeatureGroupTemplate,
      rm.featureGroupTemplate,
      'feature_group_template_not_found',
    ),
    ...resourceRoutes(
      'user-profiles',
      'UserProfile',
      'user profile',
      'userProfile',
      CreateUserProfile,
      UpdateUserProfile,
      rm.userProfile,
      'user_profile_not_found',
    ),
  ];

  /** The three routes of one kind of named template or profile: get by name, create, save. */
  function resourceRoutes(
    segment: string,
    noun: string,
    what: string,
    aggregate: ConfigurationAggregate,
    create: t.Mixed,
    update: t.Mixed,
    read: (name: string) => { readonly exists: boolean } | undefined,
    code: string,
  ): RouteSpec[] {
    return [
      get(`${A}/${segment}/:name`, `get${noun}`, `A ${what}`, { name: Name }, byName(read, code, what, 'name')),
      command({
        method: 'POST',
        path: `${A}/${segment}`,
        operationId: `create${noun}`,
        summary: `Create a ${what}`,
        aggregate,
        codec: create,
        type: `Create${noun}`,
        status: 201,
      }),
      command({
        method: 'PUT',
        path: `${A}/${segment}/:name`,
        operationId: `update${noun}`,
        summary: `Save a ${what} (a full replacement)`,
        aggregate,
        codec: update,
        type: `Update${noun}`,
      }),
    ];
  }
};
