/**
 * The self-care stream catalogue. Self-care state lives in its own streams,
 * so a self-care change never conflicts with a provisioning change of the same
 * user or phone (see README, "Stream catalogue").
 */
export const selfCareStreams = {
  /** Domain rules: `CreateSelfCareAccounts`, `DefaultCUPMPassword`. */
  domain: (domain: string) => `selfcare-domain-${domain}`,
  /** Account: domain, roles, password state, login attempts, sessions, user settings. */
  account: (userId: string) => `selfcare-account-${userId}`,
  /** Phone (or profile) settings edited in the portal. */
  phoneSettings: (deviceName: string) => `phone-settings-${deviceName}`,
  /** Settings of one line (1-based index) of a phone or profile. */
  lineSettings: (deviceName: string, lineIndex: number) => `line-settings-${deviceName}-${lineIndex}`,
  /** Single number reach: the user's alternate numbers. */
  singleNumberReach: (userId: string) => `snr-${userId}`,
  /** The operator's feature lists per settings page. */
  visibility: () => 'selfcare-visibility',
} as const;

export type SelfCareStreamKind = keyof typeof selfCareStreams;

/** Which self-care stream an id names, or undefined for any other stream. */
export const selfCareStreamKind = (streamId: string): SelfCareStreamKind | undefined => {
  if (streamId === 'selfcare-visibility') return 'visibility';
  if (streamId.startsWith('selfcare-domain-')) return 'domain';
  if (streamId.startsWith('selfcare-account-')) return 'account';
  if (streamId.startsWith('phone-settings-')) return 'phoneSettings';
  if (streamId.startsWith('line-settings-')) return 'lineSettings';
  if (streamId.startsWith('snr-')) return 'singleNumberReach';
  return undefined;
};

/** The credential subject under which a domain's default password (`DefaultCUPMPassword` data) is stored. */
export const domainCredentialSubject = (domain: string) => `selfcare-domain:${domain}`;
