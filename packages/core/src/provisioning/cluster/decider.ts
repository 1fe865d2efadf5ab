import * as E from 'fp-ts/lib/Either.js';
import { type CredentialPolicy, defaultCredentialPolicy } from '../../credentials/codecs.js';
import type { Decider } from '../../kernel/decider.js';
import { type DomainError, domainError, type ValidationError } from '../../kernel/errors.js';
import { definedOnly, orNull, sameJson, withoutNulls } from '../shared/configurationCodecKit.js';
import { type AuthenticationMode, DEFAULT_SIP_PORTS } from './codecs.js';
import { type ClusterCommand, type ClusterCommandOf, decodeClusterCommand } from './commands.js';
import type { ClusterEvent } from './events.js';

export interface ClusterNode {
  readonly name: string;
  readonly publisher: boolean;
  readonly services: { readonly selfProvisioningIvr: boolean; readonly ctiManager: boolean };
}

export interface AutoRegistrationSettings {
  readonly enabled: boolean;
  readonly startDn?: string;
  readonly endDn?: string;
  readonly deviceTemplate?: string;
  readonly lineTemplate?: string;
  readonly sipPorts: { readonly udp: number; readonly tcp: number; readonly tls: number };
  readonly routePartition?: string;
  readonly e164Mask?: string;
}

export interface SelfProvisioningSettings {
  readonly authentication: AuthenticationMode;
  readonly languages: readonly string[];
  readonly ctiRoutePoint: string;
  readonly applicationUser: string;
}

/** A cluster: nodes and services, auto-registration, self-provisioning settings, enterprise parameters, credential policy. */
export interface ClusterState {
  readonly exists: boolean;
  readonly clusterId: string;
  readonly name: string;
  /** Exactly one node is the publisher (from creation on); the others are subscribers. */
  readonly nodes: readonly ClusterNode[];
  readonly autoRegistration: AutoRegistrationSettings;
  /** Absent until step 6 is saved. */
  readonly selfProvisioning?: SelfProvisioningSettings;
  readonly enterpriseParameters: { readonly legacyAutoRegistration: boolean; readonly replacedPhone: 'keep' | 'delete' };
  readonly credentialPolicy: CredentialPolicy;
  /** An authentication code was recorded in the credential store (the code is never here). */
  readonly authenticationCodeSet: boolean;
  /** IVR settings changed while the IVR service ran: they apply after a restart. */
  readonly ivrRestartRequired: boolean;
}

export const initialClusterState = (): ClusterState => ({
  exists: false,
  clusterId: '',
  name: '',
  nodes: [],
  autoRegistration: { enabled: false, sipPorts: { ...DEFAULT_SIP_PORTS } },
  enterpriseParameters: { legacyAutoRegistration: false, replacedPhone: 'keep' },
  credentialPolicy: { ...defaultCredentialPolicy },
  authenticationCodeSet: false,
  ivrRestartRequired: false,
});

/** The publisher node (present once the cluster exists). */
export const publisherOf = (state: ClusterState): ClusterNode | undefined => state.nodes.find((n) => n.publisher);

/** Host names compare case-insensitively. */
const findNode = (state: ClusterState, name: string): ClusterNode | undefined =>
  state.nodes.find((n) => n.name.toLowerCase() === name.toLowerCase());

type Result = E.Either<DomainError | ValidationError, readonly ClusterEvent[]>;
const refuse = (code: string, message: string, field?: string): Result =>
  E.left(domainError(code, message, field === undefined ? {} : { field }));
const accept = (...events: ClusterEvent[]): Result => E.right(events);

const decideOnExisting = (c: Exclude<ClusterCommand, { type: 'CreateCluster' }>, s: ClusterState): Result => {
  const clusterId = s.clusterId;
  switch (c.type) {
    case 'AddNode':
      if (findNode(s, c.node)) return refuse('node_already_exists', `node ${c.node} is already in the cluster`, 'node');
      return accept({ type: 'NodeAdded', data: { clusterId, node: c.node } });
    case 'RemoveNode': {
      const node = findNode(s, c.node);
      if (!node) return refuse('node_not_found', `node ${c.node} is not in the cluster`, 'node');
      if (node.publisher) return refuse('publisher_required', 'the publisher cannot be removed: a cluster needs exactly one', 'node');
      return accept({ type: 'NodeRemoved', data: { clusterId, node: node.name } });
    }
    case 'ActivateService': {
      const node = findNode(s, c.node);
      if (!node) return refuse('node_not_found', `node ${c.node} is not in the cluster`, 'node');
      // The Self-Provisioning IVR runs on the publisher only (docs/domain.md, "Cluster").
      if (c.service === 'selfProvisioningIvr' && !node.publisher)
        return refuse('service_not_on_publisher', 'the Self-Provisioning IVR service runs on the publisher only', 'node');
      if (node.services[c.service]) return accept();
      return accept({ type: 'ServiceActivated', data: { clusterId, node: node.name, service: c.service } });
    }
    case 'DeactivateService': {
      const node = findNode(s, c.node);
      if (!node) return refuse('node_not_found', `node ${c.node} is not in the cluster`, 'node');
      if (!node.services[c.service]) return accept();
      return accept({ type: 'ServiceDeactivated', data: { clusterId, node: node.name, service: c.service } });
    }
    case 'RestartIvrService': {
      const publisher = publisherOf(s);
      if (!publisher?.services.selfProvisioningIvr)
        return refuse('service_inactive', 'the Self-Provisioning IVR service is not active on the publisher', 'service');
      return accept({ type: 'IvrServiceRestarted', data: { clusterId, node: publisher.name } });
    }
    case 'ConfigureAutoRegistration':
      return configureAutoRegistration(c, s);
    case 'EnableAutoRegistration': {
      const a = s.autoRegistration;
      if (a.enabled) return accept();
      if (a.startDn === undefined || a.endDn === undefined)
        return refuse('autoregistration_range_required', 'configure a starting and an ending directory number first', 'startDn');
      if (a.deviceTemplate === undefined)
        return refuse('autoregistration_templates_required', 'select a universal device template first', 'deviceTemplate');
      if (a.lineTemplate === undefined)
        return refuse('autoregistration_templates_required', 'select a universal line template first', 'lineTemplate');
      return accept({ type: 'AutoRegistrationEnabled', data: { clusterId } });
    }
    case 'DisableAutoRegistration':
      return s.autoRegistration.enabled ? accept({ type: 'AutoRegistrationDisabled', data: { clusterId } }) : accept();
    case 'SetSipPorts': {
      const ports = { udp: c.udp, tcp: c.tcp, tls: c.tls };
      return sameJson(ports, s.autoRegistration.sipPorts) ? accept() : accept({ type: 'SipPortsSet', data: { clusterId, ...ports } });
    }
    case 'ConfigureSelfProvisioning': {
      const settings: SelfProvisioningSettings = {
        authentication: c.authentication,
        languages: c.languages,
        ctiRoutePoint: c.ctiRoutePoint,
        applicationUser: c.applicationUser,
      };
      if (s.selfProvisioning && sameJson(settings, s.selfProvisioning)) return accept();
      const configured: ClusterEvent = {
        type: 'SelfProvisioningConfigured',
        data: { clusterId, ...settings, languages: [...c.languages] },
      };
      const publisher = publisherOf(s);
      // The running IVR keeps its old settings until restarted (docs/domain.md, "Cluster").
      return publisher?.services.selfProvisioningIvr && !s.ivrRestartRequired
        ? accept(configured, { type: 'IvrRestartRequired', data: { clusterId, node: publisher.name } })
        : accept(configured);
    }
    case 'RecordAuthenticationCodeChanged':
      return accept({ type: 'AuthenticationCodeChanged', data: { clusterId } });
    case 'SetEnterpriseParameters': {
      const next = {
        ...s.enterpriseParameters,
        ...definedOnly({ legacyAutoRegistration: c.legacyAutoRegistration, replacedPhone: c.replacedPhone }),
      };
      return sameJson(next, s.enterpriseParameters) ? accept() : accept({ type: 'EnterpriseParametersSet', data: { clusterId, ...next } });
    }
    case 'UpdateCredentialPolicy': {
      const next: CredentialPolicy = { ...s.credentialPolicy, ...definedOnly(c.policy) };
      return sameJson(next, s.credentialPolicy) ? accept() : accept({ type: 'CredentialPolicySet', data: { clusterId, policy: next } });
    }
  }
};

const configureAutoRegistration = (c: ClusterCommandOf<'ConfigureAutoRegistration'>, s: ClusterState): Result => {
  // While auto-registration is on, phones need both templates: they cannot be taken away.
  if (s.autoRegistration.enabled && c.deviceTemplate === undefined)
    return refuse(
      'autoregistration_templates_required',
      'auto-registration is enabled: a universal device template is required',
      'deviceTemplate',
    );
  if (s.autoRegistration.enabled && c.lineTemplate === undefined)
    return refuse(
      'autoregistration_templates_required',
      'auto-registration is enabled: a universal line template is required',
      'lineTemplate',
    );
  const data = {
    clusterId: s.clusterId,
    startDn: c.startDn,
    endDn: c.endDn,
    deviceTemplate: orNull(c.deviceTemplate),
    lineTemplate: orNull(c.lineTemplate),
    routePartition: orNull(c.routePartition),
    e164Mask: orNull(c.e164Mask),
  };
  const { enabled: _e, sipPorts: _p, ...current } = s.autoRegistration;
  const { clusterId: _c, ...wanted } = data;
  return sameJson(withoutNulls(wanted), current) ? accept() : accept({ type: 'AutoRegistrationConfigured', data });
};

const decide = (input: ClusterCommand, state: ClusterState): Result => {
  // Commands are re-validated here too: a hand-built command cannot bypass the codecs.
  const decoded = decodeClusterCommand(input);
  if (E.isLeft(decoded)) return decoded;
  const c = decoded.right;
  if (c.type === 'CreateCluster') {
    if (state.exists) return refuse('cluster_already_exists', `cluster ${c.clusterId} already exists`, 'clusterId');
    return accept({ type: 'ClusterCreated', data: { clusterId: c.clusterId, name: c.name, publisher: c.publisher } });
  }
  if (!state.exists) return refuse('cluster_not_found', `cluster ${c.clusterId} does not exist`, 'clusterId');
  if (c.clusterId !== state.clusterId)
    return refuse('wrong_stream', `the command names cluster ${c.clusterId} but the stream holds ${state.clusterId}`, 'clusterId');
  return decideOnExisting(c, state);
};

const updateNode = (s: ClusterState, name: string, f: (n: ClusterNode) => ClusterNode): ClusterState => ({
  ...s,
  nodes: s.nodes.map((n) => (n.name === name ? f(n) : n)),
});

const evolve = (s: ClusterState, e: ClusterEvent): ClusterState => {
  switch (e.type) {
    case 'ClusterCreated':
      return {
        ...s,
        exists: true,
        clusterId: e.data.clusterId,
        name: e.data.name,
        nodes: [{ name: e.data.publisher, publisher: true, services: { selfProvisioningIvr: false, ctiManager: false } }],
      };
    case 'NodeAdded':
      return {
        ...s,
        nodes: [...s.nodes, { name: e.data.node, publisher: false, services: { selfProvisioningIvr: false, ctiManager: false } }],
      };
    case 'NodeRemoved':
      return { ...s, nodes: s.nodes.filter((n) => n.name !== e.data.node) };
    case 'ServiceActivated':
    case 'ServiceDeactivated': {
      const on = e.type === 'ServiceActivated';
      const next = updateNode(s, e.data.node, (n) => ({ ...n, services: { ...n.services, [e.data.service]: on } }));
      // A (re)started or stopped IVR no longer runs stale settings.
      return e.data.service === 'selfProvisioningIvr' ? { ...next, ivrRestartRequired: false } : next;
    }
    case 'IvrRestartRequired':
      return { ...s, ivrRestartRequired: true };
    case 'IvrServiceRestarted':
      return { ...s, ivrRestartRequired: false };
    case 'AutoRegistrationConfigured': {
      const { clusterId: _c, ...settings } = e.data;
      return {
        ...s,
        autoRegistration: { enabled: s.autoRegistration.enabled, sipPorts: s.autoRegistration.sipPorts, ...withoutNulls(settings) },
      } as ClusterState;
    }
    case 'AutoRegistrationEnabled':
      return { ...s, autoRegistration: { ...s.autoRegistration, enabled: true } };
    case 'AutoRegistrationDisabled':
      return { ...s, autoRegistration: { ...s.autoRegistration, enabled: false } };
    case 'SipPortsSet':
      return { ...s, autoRegistration: { ...s.autoRegistration, sipPorts: { udp: e.data.udp, tcp: e.data.tcp, tls: e.data.tls } } };
    case 'SelfProvisioningConfigured': {
      const { clusterId: _c, ...settings } = e.data;
      return { ...s, selfProvisioning: settings };
    }
    case 'AuthenticationCodeChanged':
      return { ...s, authenticationCodeSet: true };
    case 'EnterpriseParametersSet':
      return { ...s, enterpriseParameters: { legacyAutoRegistration: e.data.legacyAutoRegistration, replacedPhone: e.data.replacedPhone } };
    case 'CredentialPolicySet':
      return { ...s, credentialPolicy: { ...e.data.policy } };
    default:
      // Unknown (future) event types leave the state unchanged.
      return s;
  }
};

/**
 * The cluster aggregate (stream `cluster-<clusterId>`; several clusters live side by
 * side as separate streams). Refusals: `cluster_already_exists`, `cluster_not_found`,
 * `wrong_stream`, `node_already_exists`, `node_not_found`, `publisher_required`,
 * `service_not_on_publisher`, `service_inactive`, `autoregistration_range_required`,
 * `autoregistration_templates_required`; validation: see {@link decodeClusterCommand}.
 */
export const clusterDecider: Decider<ClusterCommand, ClusterEvent, ClusterState, DomainError | ValidationError> = {
  decide,
  evolve,
  initialState: initialClusterState,
};
