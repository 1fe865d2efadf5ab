import * as t from 'io-ts';
import { CredentialPolicy } from '../../credentials/codecs.js';
import { RoutePointName } from '../ctiRoutePoint/codecs.js';
import { ClusterId, DirectoryNumber, intBetween, Name, UserId } from '../shared/codecs.js';
import { checkedString, commandCodec, withDefault } from '../shared/configurationCodecKit.js';
import { DEFAULT_IVR_LANGUAGES, IvrLanguages } from './locales.js';

/** A node's host name or IPv4 address, e.g. `cucm-pub.example.com` (RFC 1123 labels, at most 253 characters). */
export const NodeName = checkedString(
  'NodeName',
  (s) => s.length <= 253 && /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(s),
  'must be a host name or IPv4 address (letters, digits, - and . separated labels)',
);

/** The two services of step 1. */
export const ClusterService = t.keyof({ selfProvisioningIvr: null, ctiManager: null }, 'ClusterService');
export type ClusterService = t.TypeOf<typeof ClusterService>;

/** A TCP/UDP port, 1..65535. */
export const Port = intBetween(1, 65535, 'Port');

/** The vendor's SIP registration ports. */
export const DEFAULT_SIP_PORTS = { udp: 5060, tcp: 5060, tls: 5061 } as const;

/**
 * Self-provisioning authentication: `non-secure` ("No Authentication Required", the
 * vendor's default, not recommended), `secure-users` (end users enter their PIN or
 * password), `secure-users-and-admins` (also administrators, with the authentication code).
 */
export const AuthenticationMode = t.keyof(
  { 'non-secure': null, 'secure-users': null, 'secure-users-and-admins': null },
  'AuthenticationMode',
);
export type AuthenticationMode = t.TypeOf<typeof AuthenticationMode>;

/** An E.164 or external phone number mask: optional `+`, then digits or `X`, 1-24 characters. */
export const PhoneMask = checkedString('PhoneMask', (s) => /^\+?[0-9X]{1,24}$/.test(s), 'must be an optional + then 1-24 digits or X');

/** What happens to a phone replaced through the IVR ("native phone migration"). */
export const ReplacedPhone = t.keyof({ keep: null, delete: null }, 'ReplacedPhone');

/**
 * Partial credential policy (only the given fields change). The policy is the
 * credentials module's `CredentialPolicy` (vendor ranges and defaults, docs/domain.md "Credentials");
 * the cluster holds the one in force.
 */
export const CredentialPolicyUpdate = t.exact(t.partial(CredentialPolicy.type.props), 'CredentialPolicyUpdate');

/** Largest auto-registration range (numbers), so a read model of free DNs stays small. */
export const MAX_AUTOREGISTRATION_RANGE = 10_000;

const id = { clusterId: ClusterId };

/** A cluster and its publisher node (a cluster always has exactly one publisher). */
export const CreateCluster = commandCodec('CreateCluster', { ...id, name: Name, publisher: NodeName });
/** A subscriber node. */
export const AddNode = commandCodec('AddNode', { ...id, node: NodeName });
export const RemoveNode = commandCodec('RemoveNode', { ...id, node: NodeName });
/** Step 1 (Cisco Unified Serviceability > Tools > Service Activation). */
export const ActivateService = commandCodec('ActivateService', { ...id, node: NodeName, service: ClusterService });
export const DeactivateService = commandCodec('DeactivateService', { ...id, node: NodeName, service: ClusterService });
/** Restarts the Self-Provisioning IVR so that changed settings take effect. */
export const RestartIvrService = commandCodec('RestartIvrService', id);
/**
 * Step 2, the publisher's auto-registration form: the DN range (same number of
 * digits, start <= end) and, optionally while auto-registration is disabled, the templates.
 */
export const ConfigureAutoRegistration = commandCodec(
  'ConfigureAutoRegistration',
  { ...id, startDn: DirectoryNumber, endDn: DirectoryNumber },
  { deviceTemplate: Name, lineTemplate: Name, routePartition: Name, e164Mask: PhoneMask },
);
/** Step 2, unchecking "Auto-registration Disabled on this Cisco Unified Communications Manager". */
export const EnableAutoRegistration = commandCodec('EnableAutoRegistration', id);
/** Disables auto-registration; the range and templates are kept. */
export const DisableAutoRegistration = commandCodec('DisableAutoRegistration', id);
/** SIP registration ports; TCP and TLS cannot share a port (both are TCP listeners). */
export const SetSipPorts = commandCodec('SetSipPorts', { ...id, udp: Port, tcp: Port, tls: Port });
/** Step 6 (User Management > Self-Provisioning); a full save of that page. */
export const ConfigureSelfProvisioning = commandCodec('ConfigureSelfProvisioning', {
  ...id,
  authentication: withDefault(AuthenticationMode, 'non-secure'),
  languages: withDefault(IvrLanguages, [...DEFAULT_IVR_LANGUAGES]),
  ctiRoutePoint: RoutePointName,
  applicationUser: UserId,
});
/**
 * Records that the authentication code was changed in the credential store. The code
 * itself never reaches a command, an event or the state.
 */
export const RecordAuthenticationCodeChanged = commandCodec('RecordAuthenticationCodeChanged', id);
/** Enterprise parameters; only the given ones change. */
export const SetEnterpriseParameters = commandCodec('SetEnterpriseParameters', id, {
  legacyAutoRegistration: t.boolean,
  replacedPhone: ReplacedPhone,
});
/** Credential policy; only the given fields change. */
export const UpdateCredentialPolicy = commandCodec('UpdateCredentialPolicy', { ...id, policy: CredentialPolicyUpdate });

export const clusterCommandCodecs = {
  CreateCluster,
  AddNode,
  RemoveNode,
  ActivateService,
  DeactivateService,
  RestartIvrService,
  ConfigureAutoRegistration,
  EnableAutoRegistration,
  DisableAutoRegistration,
  SetSipPorts,
  ConfigureSelfProvisioning,
  RecordAuthenticationCodeChanged,
  SetEnterpriseParameters,
  UpdateCredentialPolicy,
} as const;
