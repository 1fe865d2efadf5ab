/**
 * `@selfprov/core/audit`: the auditor's reads of the log: a subject's trail (who changed what,
 * when, through which channel) and the replay of the state at any past instant. Hash-chain
 * verification itself is the kernel's (`verifyStore`).
 * @packageDocumentation
 */

export {
  type AuditPhone,
  type AuditUser,
  type AuditView,
  auditView,
  createReplay,
  type Ownership,
  type Replay,
  type ReplayAtOptions,
  type ReplayExtension,
  type ReplayState,
  replayAt,
} from './replay.js';
export {
  concerns,
  describeActor,
  describeEvent,
  findTrail,
  type TrailEntry,
  type TrailOptions,
  type TrailSubject,
  trailEntry,
} from './trail.js';
