/**
 * Text and IRIs from documents Locker does not trust (an app's access request,
 * what a server answered), made safe to show or to use: control, bidi-override
 * and invisible formatting characters are never shown, and lines are capped.
 */

const MAX_IRI = 2048;

/** Control, bidi-override and invisible formatting characters: never shown to people. */
function isControl(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x061c || cp === 0x00ad || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) || cp === 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

/** One line of text safe to show: no control characters, whitespace collapsed, at most `max` characters. */
export function displayText(text: string, max: number): string {
  let out = '';
  let count = 0;
  let space = false;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const blank = cp === 0x09 || cp === 0x0a || cp === 0x0d || cp === 0x2028 || cp === 0x2029 || /\s/.test(ch);
    if (blank) {
      space = out.length > 0;
      continue;
    }
    if (isControl(cp)) continue;
    if (space) {
      out += ' ';
      count++;
      space = false;
    }
    if (count >= max) return `${[...out].slice(0, Math.max(0, max - 1)).join('')}…`;
    out += ch;
    count++;
  }
  return out;
}

/** An IRI or address as it may appear in a message. */
export const showIri = (iri: string): string => displayText(iri, 160);

/** An error in one line safe to show, with its cause when it has one. */
export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message) return displayText(`${e.message}: ${cause.message}`, 200);
    return displayText(e.message, 200);
  }
  return displayText(String(e), 200);
}

/** An absolute IRI without control characters or spaces, or undefined. */
export function safeIri(value: string): string | undefined {
  if (value.length === 0 || value.length > MAX_IRI) return undefined;
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (isControl(cp) || cp === 0x20 || cp === 0x7f) return undefined;
  }
  return URL.canParse(value) ? value : undefined;
}
