/**
 * @selfprov/ivr: the self-provisioning IVR. The call flow and authentication
 * modes are an xstate v5 machine (pure data); a session driver runs it with
 * pure transitions, records each call as `ivr-call-<callId>` events (secrets
 * only as counts), owns timers and effects, and survives restarts. Prompt
 * catalogs (en_US, fr_FR), a transport port, a terminal transport.
 * @packageDocumentation
 */

export { createDomainGateway, type DomainGatewayOptions, refusalForDomainError } from './domainGateway.js';
export { ivrCallStream } from './driver/record.js';
export { checkDigits } from './driver/requests.js';
export { stateName } from './driver/session.js';
export type {
  IvrDriver,
  IvrDriverDependencies,
  IvrError,
  IvrErrorCode,
  IvrLogEntry,
  IvrSessionView,
  IvrTransportPort,
  IvrTurn,
  StartCallRequest,
} from './driver/types.js';
export { createIvrDriver, resumeIvrSession } from './driver.js';
export {
  type DtmfKey,
  decodeIvrCallEvent,
  type EffectName,
  type IvrCallEvent,
  type IvrCallEventType,
  type IvrCallStartedData,
  ivrCallEventCodecs,
  ivrCallEventTypes,
  machineEventOf,
} from './events.js';
export {
  type AuthenticatedBy,
  type AuthenticationMode,
  allowedMethods,
  authenticationModes,
  type CallSettings,
  type CredentialMethod,
  type Identified,
  type IdentifyRequest,
  type IvrGateway,
  type IvrRefusal,
  ivrRefusals,
  type Provisioned,
  type ProvisionRequest,
  type Refused,
  type Replaced,
  type ReplaceRequest,
  type Verified,
  type VerifyRequest,
} from './gateway.js';
export { promptArgs, refusalPrompt, refusalPrompts } from './machine/announcements.js';
export {
  type AwaitedInput,
  type CommandParams,
  type Dtmf,
  defaultIvrOptions,
  type EntryKind,
  type Flow,
  type IdentifyParams,
  type IvrContext,
  type IvrEvent,
  type IvrMachineInput,
  type IvrOptions,
  type Outcome,
  type PlayParams,
  type VerifyParams,
} from './machine/model.js';
export { type IvrMachine, type IvrSnapshot, ivrMachine } from './machine.js';
export { type ActionLike, type IvrEffect, type IvrOutput, outputsOf } from './outputs.js';
export {
  type AudioSegment,
  audioPath,
  defaultCatalogs,
  englishUnitedStates,
  frenchFrance,
  missingPrompts,
  type PromptArgs,
  type PromptCatalog,
  type PromptEntry,
  type PromptId,
  promptIds,
  type RenderedPrompt,
  renderPrompt,
} from './prompts.js';
export { type IvrScheduler, runtimeScheduler, type SimulatedScheduler, simulatedScheduler, systemScheduler } from './scheduler.js';
export { runTerminalIvr, type TerminalIvrOptions, type TerminalIvrResult } from './terminal.js';
export { actionsOf, diagramMarkers, promptIdsOf, toMermaid, withDiagram } from './walk.js';
