/**
 * The configuration side of the self-provisioning domain: cluster (nodes, services,
 * auto-registration, self-provisioning settings, enterprise parameters, credential
 * policy), CTI route point, application user, universal device and line templates,
 * user profiles, feature group templates, the system readiness report and the
 * cross-aggregate reference check. All pure. See docs/domain.md (section 1).
 */
export * from './applicationUser/codecs.js';
export * from './applicationUser/commands.js';
export * from './applicationUser/decider.js';
export * from './applicationUser/events.js';
export * from './cluster/codecs.js';
export * from './cluster/commands.js';
export * from './cluster/decider.js';
export * from './cluster/events.js';
export * from './cluster/locales.js';
export * from './ctiRoutePoint/codecs.js';
export * from './ctiRoutePoint/commands.js';
export * from './ctiRoutePoint/decider.js';
export * from './ctiRoutePoint/events.js';
export * from './deviceTemplate/codecs.js';
export * from './deviceTemplate/commands.js';
export * from './deviceTemplate/decider.js';
export * from './deviceTemplate/events.js';
export * from './featureGroupTemplate/codecs.js';
export * from './featureGroupTemplate/commands.js';
export * from './featureGroupTemplate/decider.js';
export * from './featureGroupTemplate/events.js';
export * from './lineTemplate/codecs.js';
export * from './lineTemplate/commands.js';
export * from './lineTemplate/decider.js';
export * from './lineTemplate/events.js';
export * from './readiness/references.js';
export * from './readiness/systemReadiness.js';
export * from './userProfile/codecs.js';
export * from './userProfile/commands.js';
export * from './userProfile/decider.js';
export * from './userProfile/events.js';
