declare module 'shacl-engine' {
  import type { DataFactory, DatasetCore, Quad, Term } from '@rdfjs/types';

  export interface ShaclFactory extends DataFactory {
    dataset(quads?: Quad[]): DatasetCore;
  }

  export interface ValidationResult {
    readonly constraintComponent: Term;
    readonly focusNode: { readonly term: Term; readonly terms: Term[] };
    readonly path: ReadonlyArray<{ readonly predicates: Term[]; readonly quantifier?: string; readonly start?: string }> | null;
    readonly value?: { readonly term: Term } | null;
    readonly message: Term[];
    readonly severity: Term;
    readonly args: Record<string, unknown>;
  }

  export interface ValidationReport {
    readonly conforms: boolean;
    readonly results: ValidationResult[];
  }

  export class Validator {
    constructor(shapes: DatasetCore, options: { factory: ShaclFactory; debug?: boolean; details?: boolean });
    validate(data: { dataset: DatasetCore; terms?: Iterable<Term> }, shapes?: ReadonlyArray<{ terms: Term[] }>): Promise<ValidationReport>;
  }
}
