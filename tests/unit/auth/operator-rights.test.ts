// The operator rights are one list (gateway/auth/client-registry.ts) that the clients schema
// allows exactly, and the development file gives two operators every right and one none.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadClientRegistry, OPERATOR_RIGHTS } from '../../../gateway/auth/client-registry.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';

describe('operator rights', () => {
  it('are exactly the rights the clients schema allows', () => {
    const schema = JSON.parse(readFileSync(projectPath('config/clients.schema.json'), 'utf8')) as {
      items: { properties: { rights: { items: { enum: string[] } } } };
    };
    expect(schema.items.properties.rights.items.enum).toEqual([...OPERATOR_RIGHTS]);
    expect(OPERATOR_RIGHTS).toEqual([
      'catalogue:edit',
      'catalogue:approve',
      'replay',
      'unmask',
      'audit:read',
      'appeal',
      'data-keys',
    ]);
  });

  it('give operator-dev and operator-dev-2 every right with different secrets, operator-readonly none', () => {
    const clients = loadClientRegistry({ env: 'development' });
    const dev = clients.get('operator-dev');
    const dev2 = clients.get('operator-dev-2');
    expect(dev?.rights).toEqual(OPERATOR_RIGHTS);
    expect(dev2?.rights).toEqual(OPERATOR_RIGHTS);
    expect(dev?.secret).not.toBe(dev2?.secret);
    expect(clients.get('operator-readonly')).toMatchObject({ kind: 'operator', rights: [] });
    const operators = clients.all().filter((c) => c.kind === 'operator');
    expect(operators.map((c) => c.id).sort()).toEqual([
      'operator-dev',
      'operator-dev-2',
      'operator-readonly',
    ]);
  });
});
