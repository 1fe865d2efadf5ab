import type { DeviceTemplateState } from '../deviceTemplate/decider.js';
import type { EndUserState } from '../endUser/decider.js';
import type { FeatureGroupTemplateState } from '../featureGroupTemplate/decider.js';
import type { LineTemplateState } from '../lineTemplate/decider.js';
import type { ReadinessItem } from '../readiness/systemReadiness.js';
import { DEFAULT_PROVISIONING_LIMIT } from '../userProfile/codecs.js';
import type { UserProfileState } from '../userProfile/decider.js';

/**
 * User-level readiness: what an end user needs before they can self-provision
 * a phone (docs/domain.md, "User-level
 * prerequisites"). Each item names the user setting that fixes it. The same
 * function decides the user-level refusals of `provisionPhone`, so a readiness
 * report and a refused call always agree on the code.
 */

/** One unmet user-level prerequisite: a system readiness item of step `'user'`, naming the setting at fault. */
export interface UserReadinessItem extends ReadinessItem {
  readonly step: 'user';
  /** Stable code, also the `code` of the matching provisioning refusal. */
  readonly code: UserReadinessCode;
  /** The setting at fault, e.g. `primaryExtension`, `userProfile`, `allowProvisioning`. */
  readonly setting: string;
}

export type UserReadinessCode =
  | 'user_not_found'
  | 'user_has_no_primary_extension'
  | 'user_has_no_user_profile'
  | 'user_profile_not_found'
  | 'feature_group_template_not_found'
  | 'self_provisioning_not_allowed'
  | 'user_profile_has_no_device_template'
  | 'user_profile_has_no_line_template'
  | 'device_template_not_found'
  | 'line_template_not_found'
  | 'provisioning_limit_reached';

/** Looks configuration up by name; a state with `exists: false` means "no such thing". `undefined`: not known yet. */
export interface ConfigurationLookups {
  userProfile(name: string): UserProfileState | undefined;
  featureGroupTemplate(name: string): FeatureGroupTemplateState | undefined;
  deviceTemplate(name: string): DeviceTemplateState | undefined;
  lineTemplate(name: string): LineTemplateState | undefined;
}

/** The user's effective self-provisioning setup, as far as it resolves. */
export interface UserSetup {
  /** Unmet prerequisites, most fundamental first. */
  readonly issues: readonly UserReadinessItem[];
  /** True when a lookup was not known yet (a planner must read more streams). */
  readonly pending: boolean;
  /** Where the profile comes from: the user's own setting, or their feature group template. */
  readonly profileSource?: 'user' | 'feature-group-template';
  readonly profileName?: string;
  readonly profile?: UserProfileState;
  readonly featureGroupTemplate?: FeatureGroupTemplateState;
  readonly deviceTemplate?: DeviceTemplateState;
  readonly lineTemplate?: LineTemplateState;
}

const item = (code: UserReadinessCode, setting: string, message: string, fix: string): UserReadinessItem => ({
  step: 'user',
  code,
  message,
  fix,
  setting,
});

export interface UserSetupOptions {
  /** Replacing a phone copies the old phone's configuration: the profile's templates are not needed. Default true. */
  readonly requireTemplates?: boolean;
}

/**
 * Resolves the user's profile (their own, else their feature group template's),
 * its templates and its rules. Decision: when a user has both a user profile and
 * a feature group template, their own profile wins (the vendor applies an FGT's
 * profile to the user when the user is created or synchronised).
 */
export const resolveUserSetup = (user: EndUserState, lookups: ConfigurationLookups, options: UserSetupOptions = {}): UserSetup => {
  const issues: UserReadinessItem[] = [];
  let pending = false;
  const who = JSON.stringify(user.userId);
  if (user.primaryExtension === undefined)
    issues.push(
      item(
        'user_has_no_primary_extension',
        'primaryExtension',
        `end user ${who} has no primary extension`,
        'End User Configuration: set the Primary Extension',
      ),
    );

  let profileName = user.userProfile;
  let profileSource: UserSetup['profileSource'] = profileName === undefined ? undefined : 'user';
  let featureGroupTemplate: FeatureGroupTemplateState | undefined;
  if (profileName === undefined && user.featureGroupTemplate !== undefined) {
    const fgtName = user.featureGroupTemplate;
    featureGroupTemplate = lookups.featureGroupTemplate(fgtName);
    if (featureGroupTemplate === undefined) pending = true;
    else if (!featureGroupTemplate.exists || featureGroupTemplate.clusterId !== user.clusterId) {
      issues.push(
        item(
          'feature_group_template_not_found',
          'featureGroupTemplate',
          `the feature group template ${JSON.stringify(fgtName)} of end user ${who} does not exist`,
          `create feature group template ${JSON.stringify(fgtName)}, or select another one (or a User Profile) in End User Configuration`,
        ),
      );
      return { issues, pending };
    } else {
      profileName = featureGroupTemplate.userProfile;
      profileSource = 'feature-group-template';
    }
  }
  if (pending) return { issues, pending };
  if (profileName === undefined) {
    issues.push(
      item(
        'user_has_no_user_profile',
        featureGroupTemplate ? 'featureGroupTemplate.userProfile' : 'userProfile',
        featureGroupTemplate
          ? `the feature group template ${JSON.stringify(featureGroupTemplate.name)} of end user ${who} names no user profile`
          : `end user ${who} has no user profile`,
        featureGroupTemplate
          ? `Feature Group Template ${JSON.stringify(featureGroupTemplate.name)}: select a User Profile`
          : 'End User Configuration: select a User Profile (or a Feature Group Template that names one)',
      ),
    );
    return { issues, pending, ...(featureGroupTemplate ? { featureGroupTemplate } : {}) };
  }

  const base = { profileSource, profileName, ...(featureGroupTemplate ? { featureGroupTemplate } : {}) } as const;
  const profile = lookups.userProfile(profileName);
  if (profile === undefined) return { issues, pending: true, ...base };
  const named = JSON.stringify(profileName);
  if (!profile.exists || profile.clusterId !== user.clusterId) {
    issues.push(
      item(
        'user_profile_not_found',
        profileSource === 'user' ? 'userProfile' : 'featureGroupTemplate.userProfile',
        `the user profile ${named} of end user ${who} does not exist`,
        `create user profile ${named}, or select an existing one in End User Configuration`,
      ),
    );
    return { issues, pending, ...base };
  }
  if (!profile.allowProvisioning)
    issues.push(
      item(
        'self_provisioning_not_allowed',
        'userProfile.allowProvisioning',
        `user profile ${named} does not allow end users to provision their own phones`,
        `User Profile ${named}: check "Allow End User to Provision their own phones"`,
      ),
    );

  let deviceTemplate: DeviceTemplateState | undefined;
  let lineTemplate: LineTemplateState | undefined;
  if (options.requireTemplates ?? true) {
    if (profile.deskPhoneTemplate === undefined)
      issues.push(
        item(
          'user_profile_has_no_device_template',
          'userProfile.deskPhoneTemplate',
          `user profile ${named} names no universal device template for desk phones`,
          `User Profile ${named}: select a Universal Device Template for desk phones`,
        ),
      );
    else {
      deviceTemplate = lookups.deviceTemplate(profile.deskPhoneTemplate);
      if (deviceTemplate === undefined) pending = true;
      else if (!deviceTemplate.exists || deviceTemplate.clusterId !== user.clusterId)
        issues.push(
          item(
            'device_template_not_found',
            'userProfile.deskPhoneTemplate',
            `the universal device template ${JSON.stringify(profile.deskPhoneTemplate)} of user profile ${named} does not exist`,
            `create universal device template ${JSON.stringify(profile.deskPhoneTemplate)}, or select another one in User Profile ${named}`,
          ),
        );
    }
    if (profile.lineTemplate === undefined)
      issues.push(
        item(
          'user_profile_has_no_line_template',
          'userProfile.lineTemplate',
          `user profile ${named} names no universal line template`,
          `User Profile ${named}: select a Universal Line Template`,
        ),
      );
    else {
      lineTemplate = lookups.lineTemplate(profile.lineTemplate);
      if (lineTemplate === undefined) pending = true;
      else if (!lineTemplate.exists || lineTemplate.clusterId !== user.clusterId)
        issues.push(
          item(
            'line_template_not_found',
            'userProfile.lineTemplate',
            `the universal line template ${JSON.stringify(profile.lineTemplate)} of user profile ${named} does not exist`,
            `create universal line template ${JSON.stringify(profile.lineTemplate)}, or select another one in User Profile ${named}`,
          ),
        );
    }
  }
  return {
    issues,
    pending,
    ...base,
    profile,
    ...(deviceTemplate?.exists ? { deviceTemplate } : {}),
    ...(lineTemplate?.exists ? { lineTemplate } : {}),
  };
};

/** The provisioning limit of a profile (default 10). */
export const provisioningLimitOf = (profile: Pick<UserProfileState, 'provisioningLimit'> | undefined): number =>
  profile?.provisioningLimit ?? DEFAULT_PROVISIONING_LIMIT;

/** The limit item, when the user already owns as many phones as their profile allows. */
export const limitIssue = (user: EndUserState, profile: UserProfileState, phones = user.phones.length): UserReadinessItem | undefined => {
  const limit = provisioningLimitOf(profile);
  if (phones < limit) return undefined;
  const named = JSON.stringify(profile.name);
  return item(
    'provisioning_limit_reached',
    'userProfile.provisioningLimit',
    `end user ${JSON.stringify(user.userId)} already has ${phones} phone(s); user profile ${named} allows ${limit}`,
    `User Profile ${named}: raise "Limit Provisioning once End User has this many phones" (at most 20), or remove one of the user's phones`,
  );
};

/**
 * Every unmet user-level prerequisite of `user` (empty: the user can provision a
 * phone, as far as user settings go). `undefined` user: the user does not exist.
 */
export const userReadiness = (user: EndUserState | undefined, lookups: ConfigurationLookups): readonly UserReadinessItem[] => {
  if (user === undefined || !user.exists)
    return [
      item(
        'user_not_found',
        'userId',
        'no such end user',
        'User Management > End User: create the user, or check the user id / self-provisioning id',
      ),
    ];
  const setup = resolveUserSetup(user, lookups);
  const limit = setup.profile?.exists ? limitIssue(user, setup.profile) : undefined;
  return limit ? [...setup.issues, limit] : setup.issues;
};
