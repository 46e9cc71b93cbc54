/**
 * Mail and page wording lives in templates (this folder): Preact components rendered to HTML, which
 * escapes every value it puts in text or attributes, so no template has to remember to. Markup is
 * only ever the templates' own; data is always text.
 */
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** A whole HTML document. */
export function renderPage(page: VNode): string {
  return `<!doctype html>${renderToString(page)}`;
}

export { renderToString as renderFragment };
