// sax (isaacs) ships no types: what test/corpus-ref/apple-health.ts uses of it.
declare module 'sax' {
  export interface Tag {
    name: string;
    attributes: Record<string, string>;
    isSelfClosing: boolean;
  }
  export interface SAXParser {
    error: Error | null;
    onopentag: (tag: Tag) => void;
    onclosetag: (name: string) => void;
    onerror: (e: Error) => void;
    write(text: string): SAXParser;
    close(): SAXParser;
    resume(): SAXParser;
  }
  export function parser(strict: boolean, options?: { lowercase?: boolean; trim?: boolean; normalize?: boolean; xmlns?: boolean; position?: boolean }): SAXParser;
  const sax: { parser: typeof parser };
  export default sax;
}
