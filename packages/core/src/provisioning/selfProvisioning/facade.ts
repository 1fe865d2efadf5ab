import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import {
  type CommandContext,
  type CommandResult,
  handleCommand,
  handleMultiStreamCommand,
  type MultiStreamCommand,
  type RetryPolicy,
} from '../../kernel/command/handler.js';
import { contextWith } from '../../kernel/command/workflow.js';
import { type DomainError, domainError, type ValidationError } from '../../kernel/errors.js';
import type { StoreError } from '../../kernel/eventstore/errors.js';
import type { EventStore } from '../../kernel/eventstore/port.js';
import type { CheckpointStore } from '../../kernel/projection/projection.js';
import type { Runtime } from '../../kernel/runtime/ports.js';
import { decodeWith } from '../../kernel/validation/decode.js';
import type { ClusterState } from '../cluster/decider.js';
import { deviceTemplateDecider } from '../deviceTemplate/decider.js';
import type { EndUserState } from '../endUser/decider.js';
import { featureGroupTemplateDecider } from '../featureGroupTemplate/decider.js';
import { lineTemplateDecider } from '../lineTemplate/decider.js';
import { RequestPhoneReset } from '../phone/codecs.js';
import { type PhoneState, phoneDecider } from '../phone/decider.js';
import { type ConfigurationAggregate, configurationCommand } from '../readiness/references.js';
import { type ReadinessItem, systemReadiness } from '../readiness/systemReadiness.js';
import { createReadModels, type ReadModels } from '../readModels/index.js';
import { streams } from '../shared/streams.js';
import { userProfileDecider } from '../userProfile/decider.js';
import { type AutoRegistrationResult, autoRegisterPhone, type RegistrationResult, recordRegistration } from './autoRegistration.js';
import { type ProvisioningResult, provisionPhone } from './provisioning.js';
import { type ReplacementResult, replacePhone } from './replacement.js';
import type { WorkflowContext, WorkflowDeps, WorkflowError } from './support.js';
import { endUserCommand } from './userCommands.js';
import { type ConfigurationLookups, type UserReadinessItem, userReadiness } from './userReadiness.js';

/** What the facade needs: a store, the runtime ports, and optionally where read-model checkpoints live. */
export interface SelfProvisioningOptions {
  readonly store: EventStore;
  readonly runtime: Runtime;
  readonly checkpoints?: CheckpointStore;
  readonly retry?: RetryPolicy;
}

/**
 * The self-provisioning domain in one value: the workflows, the administration
 * commands, and queries over its read models. Read models are caught up inline
 * after the facade's own appends, and before each workflow and query, so writes
 * of other processes sharing the store are seen.
 */
export interface SelfProvisioning {
  readonly readModels: ReadModels;
  /** Loads checkpoints (if any) and catches the read models up. */
  start(): TE.TaskEither<StoreError, void>;

  /** A new phone registers: device `SEP<MAC>`, lowest free DN of the range. */
  autoRegisterPhone(input: unknown, context?: WorkflowContext): TE.TaskEither<WorkflowError, AutoRegistrationResult>;
  /** The registrar reports a phone registered or unregistered. */
  recordRegistration(input: unknown, context?: WorkflowContext): TE.TaskEither<WorkflowError, RegistrationResult>;
  /** The IVR's new-phone flow (or an administrator for a user). */
  provisionPhone(input: unknown, context?: WorkflowContext): TE.TaskEither<WorkflowError, ProvisioningResult>;
  /** The IVR's replace-a-phone flow ("native phone migration"). */
  replacePhone(input: unknown, context?: WorkflowContext): TE.TaskEither<WorkflowError, ReplacementResult>;
  /** Asks a phone to reset (re-read its configuration). Input `{ deviceName, reason }`. */
  requestPhoneReset(input: unknown, context?: WorkflowContext): TE.TaskEither<WorkflowError, CommandResult>;

  /** A configuration command (cluster, route point, application user, templates, profiles), references checked. */
  configure(aggregate: ConfigurationAggregate, command: unknown, context?: WorkflowContext): TE.TaskEither<WorkflowError, CommandResult>;
  /**
   * An end-user command (`CreateEndUser`, `ChangePrimaryExtension`, `ChangeSelfProvisioningId`,
   * `ChangeUserProfile`, `ChangePersonalDetails`), references checked. Refuses a self-provisioning id
   * another user of the cluster already has (`self_provisioning_id_in_use`, best effort: see docs/domain.md, section 2).
   */
  endUser(command: unknown, context?: WorkflowContext): TE.TaskEither<WorkflowError, CommandResult>;

  user(userId: string): TE.TaskEither<StoreError, EndUserState | undefined>;
  /** Users of a cluster with this self-provisioning id (the IVR's lookup before it verifies the PIN; more than one is ambiguous). */
  usersBySelfProvisioningId(clusterId: string, selfProvisioningId: string): TE.TaskEither<StoreError, readonly EndUserState[]>;
  /** Users of a cluster with this primary extension (the replace-a-phone flow's lookup). */
  usersByPrimaryExtension(clusterId: string, primaryExtension: string): TE.TaskEither<StoreError, readonly EndUserState[]>;
  phone(deviceName: string): TE.TaskEither<StoreError, PhoneState | undefined>;
  phonesOf(userId: string): TE.TaskEither<StoreError, readonly PhoneState[]>;
  cluster(clusterId: string): TE.TaskEither<StoreError, ClusterState | undefined>;
  freeDirectoryNumbers(clusterId: string, max?: number): TE.TaskEither<StoreError, readonly string[]>;
  /** The six system steps (`systemReadiness`, readiness/systemReadiness.ts) for a cluster. */
  systemReadiness(clusterId: string): TE.TaskEither<StoreError, readonly ReadinessItem[]>;
  /** A user's user-level prerequisites. */
  userReadiness(userId: string): TE.TaskEither<StoreError, readonly UserReadinessItem[]>;
}

const defaults = { actor: { kind: 'system', id: 'selfprov' }, channel: 'system' } as const;

/** Lookups over the read models; an unknown name folds to the aggregate's initial state (`exists: false`). */
export const readModelLookups = (rm: ReadModels): ConfigurationLookups => ({
  userProfile: (name) => rm.userProfile(name) ?? userProfileDecider.initialState(),
  featureGroupTemplate: (name) => rm.featureGroupTemplate(name) ?? featureGroupTemplateDecider.initialState(),
  deviceTemplate: (name) => rm.deviceTemplate(name) ?? deviceTemplateDecider.initialState(),
  lineTemplate: (name) => rm.lineTemplate(name) ?? lineTemplateDecider.initialState(),
});

/** Creates the facade over a store. Call `start()` once before use (it is also safe to skip: every call catches up). */
export const createSelfProvisioning = (options: SelfProvisioningOptions): SelfProvisioning => {
  const { store, runtime } = options;
  const readModels = createReadModels({ store, ...(options.checkpoints ? { checkpoints: options.checkpoints } : {}) });
  // Inline catch-up after the facade's own appends. Its failure must not turn a written command into a
  // reported failure (the append stands): every workflow and query catches up again before reading.
  const afterAppend = () =>
    pipe(
      readModels.catchUp(),
      TE.orElse(() => TE.right<StoreError, void>(undefined)),
    );
  const deps: WorkflowDeps = {
    store,
    runtime,
    readModels,
    afterAppend,
    claimedNumbers: new Map(),
    ...(options.retry ? { retry: options.retry } : {}),
  };
  const commandDeps = { store, runtime, afterAppend, ...(options.retry ? { retry: options.retry } : {}) };

  const run = (
    described: E.Either<ValidationError, { readonly command: MultiStreamCommand<DomainError | ValidationError> }>,
    context: WorkflowContext | undefined,
  ): TE.TaskEither<WorkflowError, CommandResult> =>
    E.isLeft(described)
      ? TE.left(described.left)
      : handleMultiStreamCommand(commandDeps, described.right.command, contextWith(runtime, context, defaults));

  const query = <A>(read: () => A): TE.TaskEither<StoreError, A> =>
    pipe(
      readModels.catchUp(),
      TE.map(() => read()),
    );

  /** Best effort: another user of the cluster with the same effective self-provisioning id. */
  const spIdClash = (command: unknown): DomainError | undefined => {
    const c = command as {
      type?: unknown;
      userId?: unknown;
      clusterId?: unknown;
      selfProvisioningId?: unknown;
      primaryExtension?: unknown;
    };
    if (typeof c.userId !== 'string') return undefined;
    const current = readModels.user(c.userId);
    let clusterId: string | undefined;
    let next: unknown;
    if (c.type === 'CreateEndUser') {
      clusterId = typeof c.clusterId === 'string' ? c.clusterId : undefined;
      next = c.selfProvisioningId ?? c.primaryExtension;
    } else if (c.type === 'ChangeSelfProvisioningId' && current) {
      clusterId = current.clusterId;
      next = c.selfProvisioningId ?? current.primaryExtension;
    } else if (c.type === 'ChangePrimaryExtension' && current && current.customSelfProvisioningId === undefined) {
      clusterId = current.clusterId;
      next = c.primaryExtension;
    }
    if (clusterId === undefined || typeof next !== 'string') return undefined;
    const others = readModels.usersBySelfProvisioningId(clusterId, next).filter((u) => u.userId !== c.userId);
    if (others.length === 0) return undefined;
    return domainError('self_provisioning_id_in_use', 'another end user of the cluster already has this self-provisioning id', {
      field:
        c.type === 'ChangePrimaryExtension'
          ? 'primaryExtension'
          : c.selfProvisioningId !== undefined
            ? 'selfProvisioningId'
            : 'primaryExtension',
    });
  };

  return {
    readModels,
    start: () => readModels.start(),

    autoRegisterPhone: (input, context) => autoRegisterPhone(deps, input, context),
    recordRegistration: (input, context) => recordRegistration(deps, input, context),
    provisionPhone: (input, context) => provisionPhone(deps, input, context),
    replacePhone: (input, context) => replacePhone(deps, input, context),
    requestPhoneReset: (input, context) => {
      const decoded = decodeWith(RequestPhoneReset)({ type: 'RequestPhoneReset', ...(input as object) });
      if (E.isLeft(decoded)) return TE.left(decoded.left);
      const ctx: CommandContext = contextWith(runtime, context, defaults);
      return handleCommand(commandDeps, phoneDecider, streams.phone(decoded.right.deviceName), decoded.right, ctx);
    },

    configure: (aggregate, command, context) => run(configurationCommand(aggregate, command), context),
    endUser: (command, context) =>
      pipe(
        readModels.catchUp(),
        TE.mapLeft((e): WorkflowError => e),
        TE.chain(() => {
          const described = endUserCommand(command);
          if (E.isLeft(described)) return TE.left(described.left);
          const clash = spIdClash(command);
          return clash ? TE.left(clash) : run(described, context);
        }),
      ),

    user: (userId) => query(() => readModels.user(userId)),
    usersBySelfProvisioningId: (clusterId, id) => query(() => readModels.usersBySelfProvisioningId(clusterId, id)),
    usersByPrimaryExtension: (clusterId, dn) => query(() => readModels.usersByPrimaryExtension(clusterId, dn)),
    phone: (deviceName) => query(() => readModels.phone(deviceName)),
    phonesOf: (userId) => query(() => readModels.phonesOf(userId)),
    cluster: (clusterId) => query(() => readModels.cluster(clusterId)),
    freeDirectoryNumbers: (clusterId, max) => query(() => readModels.freeDirectoryNumbers(clusterId, max)),
    systemReadiness: (clusterId) =>
      query(() => {
        const cluster = readModels.cluster(clusterId);
        const settings = cluster?.selfProvisioning;
        const auto = cluster?.autoRegistration;
        return systemReadiness({
          cluster,
          routePoint: settings ? readModels.ctiRoutePoint(settings.ctiRoutePoint) : undefined,
          applicationUser: settings ? readModels.applicationUser(settings.applicationUser) : undefined,
          deviceTemplate: auto?.deviceTemplate === undefined ? undefined : readModels.deviceTemplate(auto.deviceTemplate),
          lineTemplate: auto?.lineTemplate === undefined ? undefined : readModels.lineTemplate(auto.lineTemplate),
        });
      }),
    userReadiness: (userId) => query(() => userReadiness(readModels.user(userId), readModelLookups(readModels))),
  };
};
