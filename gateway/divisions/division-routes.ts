// The division row of the route table (gateway/README.md#read-endpoints): GET /v1/divisions/{code},
// a current division, or a 404 naming the successor of a retired one.
import { routesFor } from '../http/api-route.ts';
import { jsonResponse, schemaRef } from '../openapi/shared-components.ts';
import { GatewayError } from '../shared/errors.ts';
import type { DivisionTable } from './division-table.ts';

const route = routesFor<{ divisions: DivisionTable }>();

export const DIVISION_ROUTES = [
  route({
    method: 'get',
    path: '/v1/divisions/:code',
    clients: ['portal', 'province', 'operator'],
    operation: {
      operationId: 'readDivision',
      tags: ['routing'],
      summary: 'A current division',
      parameters: ['DivisionCode'],
      responses: { '200': jsonResponse('The division.', schemaRef('Division')) },
      problems: [404],
    },
    handler: ({ deps, params }) => {
      const code = String(params.code);
      const wellFormed = /^[0-9]{6}$/.test(code);
      const division = wellFormed ? deps.divisions.get(code) : undefined;
      if (!division) {
        const retired = wellFormed ? deps.divisions.retired(code) : undefined;
        throw new GatewayError('GW_DIVISION_NOT_FOUND', {
          detail: retired
            ? `${code} (${retired.name}) was retired; use ${retired.successor.code} ${retired.successor.name}`
            : `No current division ${code.slice(0, 20)}`,
        });
      }
      return { status: 200, body: division };
    },
  }),
];
