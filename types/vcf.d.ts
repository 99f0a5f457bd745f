/** The part of the `vcf` package (2.1.2) that test/corpus-ref/vcard.ts uses: it ships no types. */
declare module 'vcf' {
  interface VCardStatic {
    parse(text: string): readonly unknown[];
  }
  const vCard: VCardStatic;
  export default vCard;
}
