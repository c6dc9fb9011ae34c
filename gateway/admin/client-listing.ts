// The registered clients as an operator reads them (GET /v1/admin/clients, the console's 接入客户端
// and `npm run cli -- clients list`): this gateway's clients file, and for each client whether a
// secret rotation is under way here and when each of its secrets was last accepted by any gateway
// (auth/secret-use.ts). Built field by field from the registry, never by spreading a client: no
// secret, previous secret, password hash, or the variables naming them can reach the answer.
import type { ClientKind, ClientRegistry, OperatorRight } from '../auth/client-registry.ts';
import type { SignatureMethod } from '../client/signing.ts';
import {
  HORIZON_MS,
  THROTTLE_MS,
  type SecretUse,
  type SecretUseLedger,
} from '../auth/secret-use.ts';

export interface ClientListingDeps {
  clients: ClientRegistry;
  secretUse: SecretUseLedger;
  /** GW_RATE_LIMIT_PER_SECOND: the rate of a client that names none. */
  rateLimitPerSecond: number;
}

export interface ClientRotation {
  /** This gateway's clients file names a previous secret for the client (steps 1–3). */
  readonly previousSecret: boolean;
  /** The current secret's last acceptance by any gateway (recorded only while rotating). */
  readonly current: SecretUse | null;
  readonly previous: SecretUse | null;
}

export interface ListedClient {
  readonly id: string;
  readonly kind: ClientKind;
  readonly province?: string;
  readonly adapter?: string;
  readonly signatureMethods: readonly SignatureMethod[];
  readonly ratePerSecond: number;
  /** `client`: the clients file's ratePerSecond; `default`: GW_RATE_LIMIT_PER_SECOND. */
  readonly rateFrom: 'client' | 'default';
  readonly rights?: readonly OperatorRight[];
  /** An operator with a console password (never the hash). */
  readonly consoleSignIn?: boolean;
  readonly rotation: ClientRotation;
}

export interface ClientListing {
  /** The gateway process that answered, from its own clients file. */
  readonly gateway: string;
  /** A process records a secret's use at most this often: a time may be this much early. */
  readonly recordedEverySeconds: number;
  /** Uses older than this are forgotten. */
  readonly keptDays: number;
  readonly items: readonly ListedClient[];
}

export async function listClients(deps: ClientListingDeps): Promise<ClientListing> {
  const all = deps.clients.all();
  const uses = await deps.secretUse.read(all.map((c) => c.id));
  return {
    gateway: deps.secretUse.gateway,
    recordedEverySeconds: THROTTLE_MS / 1000,
    keptDays: HORIZON_MS / 86_400_000,
    items: all.map((c) => {
      const use = uses.get(c.id);
      return {
        id: c.id,
        kind: c.kind,
        ...(c.province === undefined ? {} : { province: c.province }),
        ...(c.adapter === undefined ? {} : { adapter: c.adapter }),
        signatureMethods: [...c.signatureMethods],
        ratePerSecond: c.ratePerSecond ?? deps.rateLimitPerSecond,
        rateFrom: c.ratePerSecond === undefined ? 'default' : 'client',
        ...(c.kind === 'operator'
          ? { rights: [...c.rights], consoleSignIn: c.passwordHash !== undefined }
          : {}),
        rotation: {
          previousSecret: c.previousSecret !== undefined,
          current: use?.current ?? null,
          previous: use?.previous ?? null,
        },
      };
    }),
  };
}
