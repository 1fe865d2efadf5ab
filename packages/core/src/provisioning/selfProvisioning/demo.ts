import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { type CommandContext, type CommandDeps, handleMultiStreamCommand } from '../../kernel/command/handler.js';
import type { DomainError, ValidationError } from '../../kernel/errors.js';
import type { StoreError } from '../../kernel/eventstore/errors.js';
import type { EventStore } from '../../kernel/eventstore/port.js';
import type { Runtime } from '../../kernel/runtime/ports.js';
import { type ConfigurationAggregate, configurationCommand } from '../readiness/references.js';
import { endUserCommand } from './userCommands.js';

/**
 * The demo configuration of docs/architecture.md section 7, seeded through the
 * real commands: a cluster with both services active on the publisher,
 * auto-registration on (DNs 1000-1099, SIP 5060/5061), CTI route point
 * `SelfProvIVR` on DN 8000, application user `selfprov-ivr` controlling it,
 * secure mode for users and administrators, IVR languages en_US then fr_FR, ULT
 * `Standard Line`, UDT `Standard Desk Phone` (with a speed dial to the IVR, the
 * seed's tip), profiles `Standard` (allowed, limit 10) and `Restricted` (not
 * allowed), and users alice (2001), bob (2002), carol (no extension), dave (2004,
 * Restricted).
 *
 * Secrets are NOT set here: PINs, passwords and the authentication code belong to
 * the credential store, and self-care accounts to the self-care package.
 */
export const demo = {
  clusterId: 'cluster-1',
  clusterName: 'Demo cluster',
  publisher: 'cucm-pub.example.com',
  autoRegistration: { startDn: '1000', endDn: '1099' },
  sipPorts: { udp: 5060, tcp: 5060, tls: 5061 },
  ctiRoutePoint: 'SelfProvIVR',
  ivrExtension: '8000',
  applicationUser: 'selfprov-ivr',
  authentication: 'secure-users-and-admins',
  languages: ['en_US', 'fr_FR'],
  lineTemplate: 'Standard Line',
  deviceTemplate: 'Standard Desk Phone',
  profiles: { standard: 'Standard', restricted: 'Restricted' },
  users: [
    {
      userId: 'alice',
      firstName: 'Alice',
      lastName: 'Martin',
      email: 'alice@example.com',
      primaryExtension: '2001',
      userProfile: 'Standard',
    },
    { userId: 'bob', firstName: 'Bob', lastName: 'Dupont', email: 'bob@example.com', primaryExtension: '2002', userProfile: 'Standard' },
    { userId: 'carol', firstName: 'Carol', lastName: 'Nguyen', email: 'carol@example.com', userProfile: 'Standard' },
    {
      userId: 'dave',
      firstName: 'Dave',
      lastName: 'Okafor',
      email: 'dave@example.com',
      primaryExtension: '2004',
      userProfile: 'Restricted',
    },
  ],
} as const;

export interface SeedDemoDeps {
  readonly store: EventStore;
  readonly runtime: Runtime;
}

export interface SeedDemoOptions {
  /** Cluster id to seed (default `cluster-1`). */
  readonly clusterId?: string;
  /** Prefix of the deterministic command ids (default `demo-seed`): seeding twice with one prefix writes nothing the second time. */
  readonly commandIdPrefix?: string;
}

export interface DemoSeed {
  readonly clusterId: string;
  readonly ivrExtension: string;
  readonly users: readonly string[];
  /** How many events the seed wrote (0 when it had been seeded already). */
  readonly eventsWritten: number;
}

/** One seeding command: a configuration command (configuration.ts), or an end-user command. */
export interface DemoStep {
  readonly aggregate: ConfigurationAggregate | 'endUser';
  readonly command: Record<string, unknown>;
}

const step = (aggregate: DemoStep['aggregate'], command: Record<string, unknown>): DemoStep => ({ aggregate, command });

/** The seed's commands, in the order an administrator would follow the task flow. */
export const demoSteps = (clusterId: string = demo.clusterId): readonly DemoStep[] => {
  const d = demo;
  return [
    step('cluster', { type: 'CreateCluster', clusterId, name: d.clusterName, publisher: d.publisher }),
    // Step 1: services on the publisher.
    step('cluster', { type: 'ActivateService', clusterId, node: d.publisher, service: 'ctiManager' }),
    step('cluster', { type: 'ActivateService', clusterId, node: d.publisher, service: 'selfProvisioningIvr' }),
    // Templates first: auto-registration (step 2) and the profiles name them.
    step('lineTemplate', {
      type: 'CreateLineTemplate',
      name: d.lineTemplate,
      clusterId,
      lineDescription: '#FirstName# #LastName#',
      alertingName: '#FirstName# #LastName#',
    }),
    step('deviceTemplate', {
      type: 'CreateDeviceTemplate',
      name: d.deviceTemplate,
      clusterId,
      deviceDescription: '#FirstName# #LastName# (#Product#)',
      devicePool: 'Default',
      deviceSecurityProfile: 'Universal Device Template - Model-independent Security Profile',
      sipProfile: 'Standard SIP Profile',
      phoneButtonTemplate: 'Universal Device Template Button Layout',
      speedDials: [{ index: 2, number: d.ivrExtension, label: 'Self-Provisioning' }],
    }),
    // Step 2: auto-registration.
    step('cluster', {
      type: 'ConfigureAutoRegistration',
      clusterId,
      startDn: d.autoRegistration.startDn,
      endDn: d.autoRegistration.endDn,
      deviceTemplate: d.deviceTemplate,
      lineTemplate: d.lineTemplate,
    }),
    step('cluster', { type: 'SetSipPorts', clusterId, ...d.sipPorts }),
    step('cluster', { type: 'EnableAutoRegistration', clusterId }),
    // Steps 3 and 4: the route point and its DN.
    step('ctiRoutePoint', {
      type: 'CreateCtiRoutePoint',
      name: d.ctiRoutePoint,
      clusterId,
      devicePool: 'Default',
    }),
    step('ctiRoutePoint', {
      type: 'AssignCtiRoutePointLine1Dn',
      name: d.ctiRoutePoint,
      dn: d.ivrExtension,
    }),
    // Step 5: the application user controlling the route point.
    step('applicationUser', {
      type: 'CreateApplicationUser',
      userId: d.applicationUser,
      clusterId,
    }),
    step('applicationUser', {
      type: 'AssociateControlledDevice',
      userId: d.applicationUser,
      device: d.ctiRoutePoint,
    }),
    // Step 6: the system's self-provisioning settings; the running IVR then needs a restart.
    step('cluster', {
      type: 'ConfigureSelfProvisioning',
      clusterId,
      authentication: d.authentication,
      languages: [...d.languages],
      ctiRoutePoint: d.ctiRoutePoint,
      applicationUser: d.applicationUser,
    }),
    step('cluster', { type: 'RestartIvrService', clusterId }),
    // User profiles.
    step('userProfile', {
      type: 'CreateUserProfile',
      name: d.profiles.standard,
      clusterId,
      deskPhoneTemplate: d.deviceTemplate,
      lineTemplate: d.lineTemplate,
      allowProvisioning: true,
      provisioningLimit: 10,
    }),
    step('userProfile', {
      type: 'CreateUserProfile',
      name: d.profiles.restricted,
      clusterId,
      deskPhoneTemplate: d.deviceTemplate,
      lineTemplate: d.lineTemplate,
      allowProvisioning: false,
    }),
    // End users.
    ...d.users.map((u) =>
      step('endUser', {
        type: 'CreateEndUser',
        userId: u.userId,
        clusterId,
        personal: { firstName: u.firstName, lastName: u.lastName, email: u.email },
        ...('primaryExtension' in u ? { primaryExtension: u.primaryExtension } : {}),
        userProfile: u.userProfile,
      }),
    ),
  ];
};

/**
 * Seeds the demo configuration through the real commands (each validated and
 * decided by its aggregate). Command ids are deterministic, so seeding a store a
 * second time writes nothing. Stops at the first refusal.
 */
export const seedDemo =
  (deps: SeedDemoDeps, options: SeedDemoOptions = {}): TE.TaskEither<DomainError | ValidationError | StoreError, DemoSeed> =>
  async () => {
    const clusterId = options.clusterId ?? demo.clusterId;
    const prefix = options.commandIdPrefix ?? 'demo-seed';
    const commandDeps: CommandDeps = { store: deps.store, runtime: deps.runtime };
    let written = 0;
    const steps = demoSteps(clusterId);
    for (let i = 0; i < steps.length; i++) {
      const { aggregate, command } = steps[i] as DemoStep;
      const described = aggregate === 'endUser' ? endUserCommand(command) : configurationCommand(aggregate, command);
      if (E.isLeft(described)) return described;
      const context: CommandContext = {
        commandId: `${prefix}:${clusterId}:${i}`,
        actor: { kind: 'system', id: 'demo-seed' },
        channel: 'system',
      };
      const result = await handleMultiStreamCommand(commandDeps, described.right.command, context)();
      if (E.isLeft(result)) return result;
      if (!result.right.alreadyHandled) written += result.right.events.length;
    }
    return E.right({ clusterId, ivrExtension: demo.ivrExtension, users: demo.users.map((u) => u.userId), eventsWritten: written });
  };
