// The operator row listing the registered clients and their secret rotations
// (README.md#rotating-a-clients-secret): an operator read, as the dead letters' list, needing no
// right — it holds no personal data and no secret (client-listing.ts).
import { OPERATOR_RIGHTS } from '../auth/client-registry.ts';
import { SIGNATURE_METHODS } from '../client/signing.ts';
import { routesFor } from '../http/api-route.ts';
import { jsonResponse } from '../openapi/shared-components.ts';
import { listClients, type ClientListingDeps } from './client-listing.ts';

const route = routesFor<ClientListingDeps>();

const SECRET_USE = {
  type: ['object', 'null'],
  description:
    'The last time any gateway accepted a request signed with this secret, and which gateway ' +
    'process (host/pid); null when none is recorded.',
  properties: {
    at: { type: 'string', format: 'date-time' },
    gateway: { type: 'string' },
  },
  required: ['at', 'gateway'],
} as const;

const LISTED_CLIENT = {
  type: 'object',
  description: 'A registered client: never a secret, a hash of one, or the variable naming one.',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['portal', 'province', 'operator'] },
    province: { type: 'string', description: 'Two-digit province code (portals and provinces).' },
    adapter: { type: 'string', description: 'The adapter a province client speaks for.' },
    signatureMethods: { type: 'array', items: { type: 'string', enum: [...SIGNATURE_METHODS] } },
    ratePerSecond: { type: 'integer', description: 'Requests per second this gateway allows.' },
    rateFrom: {
      type: 'string',
      enum: ['client', 'default'],
      description: "`client`: the entry's ratePerSecond; `default`: GW_RATE_LIMIT_PER_SECOND.",
    },
    rights: {
      type: 'array',
      items: { type: 'string', enum: [...OPERATOR_RIGHTS] },
      description: "An operator's rights.",
    },
    consoleSignIn: {
      type: 'boolean',
      description: 'An operator with a console password (its hash is never shown).',
    },
    rotation: {
      type: 'object',
      properties: {
        previousSecret: {
          type: 'boolean',
          description:
            "This gateway's clients file names a previous secret (steps 1–3 of a rotation). " +
            'Each gateway answers from its own file: during a rolling restart two may differ.',
        },
        current: SECRET_USE,
        previous: SECRET_USE,
      },
      required: ['previousSecret', 'current', 'previous'],
    },
  },
  required: ['id', 'kind', 'signatureMethods', 'ratePerSecond', 'rateFrom', 'rotation'],
} as const;

export const CLIENT_ROUTES = [
  route({
    method: 'get',
    path: '/v1/admin/clients',
    clients: ['operator'],
    operation: {
      operationId: 'listClients',
      tags: ['admin'],
      summary: 'The registered clients, and how far each secret rotation has got (operators)',
      description:
        "Every client of the answering gateway's clients file, in its order. While a client has a " +
        'previous secret, each gateway records when it last accepted each of its two secrets ' +
        '(at most once per `recordedEverySeconds` per process, so a time may be that much ' +
        'earlier than the last use; kept `keptDays`): the old secret no longer used anywhere is ' +
        'what makes dropping it safe (README.md#rotating-a-clients-secret, step 3).',
      responses: {
        '200': jsonResponse('The clients.', {
          type: 'object',
          properties: {
            gateway: { type: 'string', description: 'The gateway process that answered.' },
            recordedEverySeconds: { type: 'integer' },
            keptDays: { type: 'integer' },
            items: { type: 'array', items: LISTED_CLIENT },
          },
          required: ['gateway', 'recordedEverySeconds', 'keptDays', 'items'],
        }),
      },
    },
    handler: async ({ deps }) => ({ status: 200, body: await listClients(deps) }),
  }),
];
