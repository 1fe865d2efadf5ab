// The benchmark's gateway: table lookups with fixed answers, so bench/ivr/run.ts measures the IVR
// driver (sessions, timers, prompts, the call log) and nothing of the domain or of hashing. It holds
// no rule of the product (no lockout, throttling, profile limits): it is not a stand-in for
// `createDomainGateway` (packages/ivr/src/domainGateway.ts) and nothing but this benchmark uses it.
import type { CallSettings, Identified, IvrGateway, Provisioned, Refused, Replaced, Verified } from '../../packages/ivr/src/index.js';

type Either<L, R> = { readonly _tag: 'Left'; readonly left: L } | { readonly _tag: 'Right'; readonly right: R };
const right = <R>(value: R): Either<never, R> => ({ _tag: 'Right', right: value });
const left = (refusal: Refused['refusal']): Either<Refused, never> => ({ _tag: 'Left', left: { refusal } });

export interface BenchUser {
  readonly userId: string;
  readonly extension: string;
  readonly pin: string;
}

export interface BenchGateway extends IvrGateway {
  /** Devices provisioned so far. */
  provisioned(): number;
}

export const createBenchGateway = (users: readonly BenchUser[]): BenchGateway => {
  const byExtension = new Map(users.map((u) => [u.extension, u]));
  const byId = new Map(users.map((u) => [u.userId, u]));
  const owners = new Map<string, string>();
  const settings: CallSettings = {
    languages: ['en_US'],
    authenticationMode: 'secure-users',
    ivrDirectoryNumber: '8000',
    dialledIsIvr: true,
  };
  const provision = (device: string, userId: string): Either<Refused, Provisioned & Replaced> => {
    const user = byId.get(userId);
    if (user === undefined) return left('unknown_id');
    owners.set(device, userId);
    return right({ extension: user.extension });
  };
  return {
    callSettings: () => async () => right(settings),
    identifyUser:
      ({ digits }) =>
      async (): Promise<Either<Refused, Identified>> => {
        const user = byExtension.get(digits);
        return user ? right({ userId: user.userId }) : left('unknown_id');
      },
    verifyCredential:
      ({ userId, secret }) =>
      async (): Promise<Either<Refused, Verified>> =>
        byId.get(userId)?.pin === secret ? right({ method: 'pin' }) : left('wrong_credential'),
    provisionPhone: (request) => async () => provision(request.device, request.userId),
    replacePhone: (request) => async () => provision(request.device, request.userId),
    provisioned: () => owners.size,
  };
};
