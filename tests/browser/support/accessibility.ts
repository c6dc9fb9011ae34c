// What assistive technology is told about a page's controls (README.md#browser-tests): the
// accessible name, description and state Chromium itself computes (its accessibility tree, read
// over the DevTools protocol), not a re-implementation of the naming rules in the test.
import type { Page } from 'playwright-core';

export interface Accessible {
  /** Which element: tag, id or data-pointer, as the page has it. */
  readonly element: string;
  readonly role: string;
  readonly name: string;
  readonly description: string;
  readonly invalid: boolean;
}

interface AxValue {
  value?: unknown;
}
interface AxNode {
  ignored?: boolean;
  role?: AxValue;
  name?: AxValue;
  description?: AxValue;
  properties?: { name: string; value: AxValue }[];
}

const text = (v: AxValue | undefined) => (typeof v?.value === 'string' ? v.value.trim() : '');

/** The rendered elements matching `selector` (document order), as the accessibility tree has them. */
export async function accessibleOf(page: Page, selector: string): Promise<Accessible[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
    const found: Accessible[] = [];
    for (const nodeId of nodeIds) {
      const { node: dom } = await cdp.send('DOM.describeNode', { nodeId });
      const attrs = new Map<string, string>();
      for (let i = 0; i + 1 < (dom.attributes ?? []).length; i += 2)
        attrs.set(dom.attributes![i]!, dom.attributes![i + 1]!);
      const { nodes } = (await cdp.send('Accessibility.getPartialAXTree', {
        nodeId,
        fetchRelatives: false,
      })) as { nodes: AxNode[] };
      const ax = nodes[0];
      // Not rendered, or hidden from assistive technology: nothing to name.
      if (!ax || ax.ignored) continue;
      const id = attrs.get('data-pointer') ?? (attrs.get('id') ? `#${attrs.get('id')}` : '');
      found.push({
        element: `${dom.localName}${id ? ` ${id}` : ''}`,
        role: text(ax.role),
        name: text(ax.name),
        description: text(ax.description),
        invalid:
          ax.properties?.some((p) => p.name === 'invalid' && p.value.value !== 'false') ?? false,
      });
    }
    return found;
  } finally {
    await cdp.detach();
  }
}
