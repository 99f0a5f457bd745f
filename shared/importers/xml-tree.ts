import { SaxesParser } from 'saxes';
import { ImportAbort, checkDeadline, rawText, type ImportContext } from './types.js';

/** A small element tree (local names, attributes, text) for XML formats of moderate size (GPX, KML). */
export interface XmlNode {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlNode[];
  text: string;
  /** The line its start tag is on (1-based), and where the element starts and ends in the text (character offsets). */
  readonly line: number;
  readonly start: number;
  end: number;
}

const MAX_NODES = 5_000_000;
const MAX_DEPTH = 64;

const local = (name: string) => name.slice(name.indexOf(':') + 1);

/**
 * Parses XML with saxes: no DTD is interpreted (an entity reference other
 * than the five predefined ones is an error), so nothing can expand.
 */
export function parseXmlTree(text: string, ctx: ImportContext, what: string): XmlNode {
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '', line: 1, start: 0, end: text.length };
  let tagStart = { line: 1, offset: 0 };
  parser.on('opentagstart', () => {
    // saxes has read "<name" here: the element starts that many characters back.
    tagStart = { line: parser.line, offset: Math.max(0, parser.position - 1) };
  });
  const stack: XmlNode[] = [root];
  let nodes = 0;
  let failure: Error | undefined;
  parser.on('opentag', (tag) => {
    if (++nodes > MAX_NODES) failure ??= new Error(`more than ${MAX_NODES} elements`);
    if (stack.length > MAX_DEPTH) failure ??= new Error(`elements nested deeper than ${MAX_DEPTH}`);
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attrs[local(k)] = v;
    const node: XmlNode = { name: local(tag.name), attrs, children: [], text: '', line: tagStart.line, start: Math.max(0, tagStart.offset - tag.name.length), end: parser.position };
    (stack[stack.length - 1] as XmlNode).children.push(node);
    if (tag.isSelfClosing) return;
    stack.push(node);
    if (nodes % 20000 === 0) checkDeadline(ctx);
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1] as XmlNode;
    if (top.text.length < 1_000_000) top.text += t;
  });
  parser.on('cdata', (t) => {
    const top = stack[stack.length - 1] as XmlNode;
    if (top.text.length < 1_000_000) top.text += t;
  });
  parser.on('closetag', (tag) => {
    if (tag.isSelfClosing) return;
    const node = stack.pop();
    if (node) node.end = parser.position;
  });
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.write(text);
  if (!failure) parser.close();
  if (failure) throw new ImportAbort({ kind: 'malformed', message: `not a readable ${what} file: ${failure.message.split('\n')[0]?.slice(0, 200) ?? ''}` });
  return root;
}

/** Where an element is, for a skipped item: its line and its text as written (capped). */
export function nodeSource(text: string, n: XmlNode): { line: number; raw: string } {
  // saxes' positions sit a character or so inside the tags: widen to the '<' before and the '>' after.
  const start = Math.max(0, text.lastIndexOf('<', n.start));
  const close = text.indexOf('>', Math.max(start, n.end - 1));
  return { line: n.line, raw: rawText(text.slice(start, close < 0 ? n.end : close + 1).trim()) };
}

export function children(n: XmlNode | undefined, name: string): XmlNode[] {
  return n ? n.children.filter((c) => c.name === name) : [];
}

export function child(n: XmlNode | undefined, name: string): XmlNode | undefined {
  return n?.children.find((c) => c.name === name);
}

export function textOf(n: XmlNode | undefined, name: string): string | undefined {
  const t = child(n, name)?.text.trim();
  return t ? t : undefined;
}

/** Every descendant called `name`, depth first. */
export function descendants(n: XmlNode, name: string, out: XmlNode[] = []): XmlNode[] {
  for (const c of n.children) {
    if (c.name === name) out.push(c);
    descendants(c, name, out);
  }
  return out;
}
