// The console's navigation (gateway/console/README.md#adding-a-page): one row per section, in
// menu order. A row with a right is shown only to operators holding it; its pages must refuse
// the others as well (requireRight in console-guard.ts), since hiding a link stops nobody.
import type { OperatorRight } from '../auth/client-registry.ts';

export interface NavEntry {
  /** Section key, also the `active` value its pages pass to the layout. */
  readonly key: string;
  readonly href: string;
  readonly zh: string;
  readonly en: string;
  readonly right?: OperatorRight;
}

export const CONSOLE_NAV: readonly NavEntry[] = [
  { key: 'home', href: '/console/', zh: '概览', en: 'Overview' },
  { key: 'cases', href: '/console/cases', zh: '办件', en: 'Cases' },
  { key: 'catalogue', href: '/console/catalogue', zh: '目录', en: 'Catalogue' },
  { key: 'board', href: '/console/board', zh: '督办', en: 'Supervision' },
  { key: 'dead-letters', href: '/console/dead-letters', zh: '死信', en: 'Dead letters' },
  { key: 'queues', href: '/console/queues/', zh: '队列', en: 'Queues' },
  { key: 'audit', href: '/console/audit', zh: '审计', en: 'Audit', right: 'audit:read' },
  {
    key: 'data-keys',
    href: '/console/data-keys',
    zh: '数据密钥',
    en: 'Data keys',
    right: 'data-keys',
  },
  { key: 'clients', href: '/console/clients', zh: '接入客户端', en: 'Clients' },
];
