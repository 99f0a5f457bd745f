import { SaxesParser } from 'saxes';
import { ImportAbort, checkDeadline, type ImportContext } from './types.js';

/** A small element tree (local names, attributes, text) for XML formats of moderate size (GPX, KML). */
export interface XmlNode {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlNode[];
  text: string;
}

const MAX_NODES = 5_000_000;
const MAX_DEPTH = 64;

const local = (name: string) => name.slice(name.indexOf(':') + 1);

/**
 * Parses XML with saxes: no DTD is interpreted (an entity reference other
 * than the five predefined ones is an error), so nothing can expand.
 */
export function parseXmlTree(text: string, ctx: ImportContext, what: string): XmlNode {
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  let nodes = 0;
  let failure: Error | undefined;
  parser.on('opentag', (tag) => {
    if (++nodes > MAX_NODES) failure ??= new Error(`more than ${MAX_NODES} elements`);
    if (stack.length > MAX_DEPTH) failure ??= new Error(`elements nested deeper than ${MAX_DEPTH}`);
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attrs[local(k)] = v;
    const node: XmlNode = { name: local(tag.name), attrs, children: [], text: '' };
    (stack[stack.length - 1] as XmlNode).children.push(node);
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
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.write(text);
  if (!failure) parser.close();
  if (failure) throw new ImportAbort({ kind: 'malformed', message: `not a readable ${what} file: ${failure.message.split('\n')[0]?.slice(0, 200) ?? ''}` });
  return root;
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
