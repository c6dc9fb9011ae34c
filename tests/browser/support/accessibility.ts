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
    // Every node's two questions sent at once, not one round trip after another: the payment
    // form's forty-odd controls took a hundred-odd round trips, in turn, on every page.
    const found = await Promise.all(
      nodeIds.map(async (nodeId): Promise<Accessible | undefined> => {
        const [{ node: dom }, { nodes }] = await Promise.all([
          cdp.send('DOM.describeNode', { nodeId }),
          cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false }) as Promise<{
            nodes: AxNode[];
          }>,
        ]);
        const attrs = new Map<string, string>();
        for (let i = 0; i + 1 < (dom.attributes ?? []).length; i += 2)
          attrs.set(dom.attributes![i]!, dom.attributes![i + 1]!);
        const ax = nodes[0];
        // Not rendered, or hidden from assistive technology: nothing to name.
        if (!ax || ax.ignored) return undefined;
        const id = attrs.get('data-pointer') ?? (attrs.get('id') ? `#${attrs.get('id')}` : '');
        return {
          element: `${dom.localName}${id ? ` ${id}` : ''}`,
          role: text(ax.role),
          name: text(ax.name),
          description: text(ax.description),
          invalid:
            ax.properties?.some((p) => p.name === 'invalid' && p.value.value !== 'false') ?? false,
        };
      }),
    );
    return found.filter((a) => a !== undefined);
  } finally {
    await cdp.detach();
  }
}
