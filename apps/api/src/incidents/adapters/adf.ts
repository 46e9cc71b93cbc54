/**
 * Atlassian Document Format (Jira Cloud's rich text, REST API v3 and some webhooks) as plain text:
 * the text of every node, block nodes on lines of their own, list items bulleted, mentions and
 * emoji by their text. Unknown nodes give their children's text, so new node types lose no words.
 */
type AdfNode = { type?: unknown; text?: unknown; attrs?: Record<string, unknown>; content?: unknown };

const BLOCKS = new Set(['paragraph', 'heading', 'blockquote', 'codeBlock', 'panel', 'rule', 'mediaSingle', 'table', 'tableRow', 'expand', 'nestedExpand', 'decisionList', 'taskList']);

function walk(node: AdfNode, out: string[]): void {
  if (typeof node.text === 'string') out.push(node.text);
  else if (node.type === 'hardBreak') out.push('\n');
  else if (node.type === 'mention' || node.type === 'emoji' || node.type === 'status' || node.type === 'inlineCard') {
    const a = node.attrs ?? {};
    const text = [a.text, a.shortName, a.url].find((v) => typeof v === 'string');
    if (typeof text === 'string') out.push(text);
  }
  if (node.type === 'listItem' || node.type === 'taskItem' || node.type === 'decisionItem') out.push('\n- ');
  if (node.type === 'tableCell' || node.type === 'tableHeader') out.push(' | ');
  if (Array.isArray(node.content)) for (const child of node.content) if (child && typeof child === 'object') walk(child as AdfNode, out);
  if (typeof node.type === 'string' && BLOCKS.has(node.type)) out.push('\n');
}

/** The text of a description that may be a plain string or an ADF document. */
export function plainText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (!value || typeof value !== 'object' || (value as AdfNode).type !== 'doc') return undefined;
  const out: string[] = [];
  walk(value, out);
  const text = out.join('').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  return text || undefined;
}
