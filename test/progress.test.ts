import { describe, expect, it } from 'vitest';
import { progressLine } from '../cli/format.js';

describe('import progress line', () => {
  it('shows records done of total, bytes read of a streamed file, and records per second', () => {
    expect(progressLine({ file: '/x/calendar.ics', phase: 'writing', fileIndex: 0, fileCount: 2, done: 500, total: 1000, bytes: 0 }, 2000)).toBe('[1/2] calendar.ics: writing 500/1000, 250 records/s');
    expect(progressLine({ file: '/x/export.xml', phase: 'writing', fileIndex: 0, fileCount: 1, done: 12000, total: 0, bytes: 50 * 1024 * 1024 }, 1000)).toBe('[1/1] export.xml: writing 12000 (50 MB read), 12000 records/s');
    expect(progressLine({ file: 'a.vcf', phase: 'reading', fileIndex: 0, fileCount: 1, done: 0, total: 0, bytes: 0 })).toBe('[1/1] a.vcf: reading');
  });
});
