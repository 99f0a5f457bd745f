/**
 * Health data: an Apple Health export.xml is streamed (never held whole), with
 * progress and cancel; entity tricks and cut files are refused whole; a FHIR
 * patient summary becomes health entries.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLocker, type ImportProgress } from '../shared/api/index.js';
import { writeAppleHealth } from '../bench/generate.js';
import { locker } from './helpers/cli.js';
import { homeAndFiles } from './helpers/home.js';

async function entries(home: string): Promise<Array<Record<string, unknown>>> {
  const list = JSON.parse((await locker(home, 'list', '--type', 'health', '--json')).stdout) as Array<{ id: string }>;
  const out: Array<Record<string, unknown>> = [];
  for (const { id } of list) out.push((JSON.parse((await locker(home, 'show', id, '--format', 'json')).stdout) as { properties: Record<string, unknown> }).properties);
  return out.sort((a, b) => String(a['observationDate']).localeCompare(String(b['observationDate'])) || String(a['name']).localeCompare(String(b['name'])));
}

const EXPORT = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
]>
<HealthData locale="de_CH">
 <ExportDate value="2024-03-01 08:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1985-04-12" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>
 <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Jörg’s Apple Watch" unit="count/min" creationDate="2024-02-10 07:31:02 +0100" startDate="2024-02-10 07:30:00 +0100" endDate="2024-02-10 07:30:00 +0100" value="62">
  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="1"/>
 </Record>
 <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Withings" unit="kg" startDate="2024-02-11 06:45:00 +0100" endDate="2024-02-11 06:45:00 +0100" value="71.3"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Jörg’s Apple Watch" startDate="2024-02-11 23:10:00 +0100" endDate="2024-02-12 06:40:00 +0100" value="HKCategoryValueSleepAnalysisAsleepCore"/>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone" unit="count" startDate="2024-06-01 12:00:00 -0700" endDate="2024-06-01 12:10:00 -0700" value="1.2e3"/>
 <Workout workoutActivityType="HKWorkoutActivityTypeCycling" duration="45.5" durationUnit="min" sourceName="Jörg’s Apple Watch" startDate="2024-02-12 17:00:00 +0100" endDate="2024-02-12 17:45:30 +0100">
  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceCycling" sum="18.2" unit="km"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" sum="410" unit="kcal"/>
  <WorkoutRoute sourceName="Jörg’s Apple Watch"><FileReference path="/workout-routes/route_2024-02-12_5.00pm.gpx"/></WorkoutRoute>
 </Workout>
 <ActivitySummary dateComponents="2024-02-12" activeEnergyBurned="512"/>
</HealthData>
`;

describe('Apple Health export', () => {
  it('becomes observations and workouts with their values, units, zones and LOINC codes; re-import changes nothing', async () => {
    const { home, files } = homeAndFiles('locker-health-');
    const file = path.join(files, 'export.xml');
    writeFileSync(file, EXPORT);
    const r = await locker(home, 'import', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 5, errors: [] });
    const all = await entries(home);
    expect(all.map((e) => [e['name'], e['observationDate'], e['value'], e['unitText'] ?? null])).toEqual([
      ['Heart rate', '2024-02-10T07:30:00+01:00', 62, 'count/min'],
      ['Weight', '2024-02-11T06:45:00+01:00', 71.3, 'kg'],
      ['Sleep', '2024-02-11T23:10:00+01:00', 'Asleep core', null],
      ['Workout: Cycling', '2024-02-12T17:00:00+01:00', 45.5, 'min'],
      ['Steps', '2024-06-01T12:00:00-07:00', 1200, 'count'],
    ]);
    expect(all[0]?.['measuredProperty']).toBe('https://loinc.org/8867-4/');
    expect(all[0]?.['description']).toBe('from Jörg’s Apple Watch');
    expect(all[3]?.['description']).toBe('18.2 km, 410 kcal, from Jörg’s Apple Watch');
    expect(JSON.parse((await locker(home, 'import', file, '--json')).stdout)).toMatchObject({ imported: 0, unchanged: 5 });
  });

  it('refuses entity expansion and a cut file as a whole, writing nothing', async () => {
    const { home, files } = homeAndFiles('locker-health-');
    const bomb = EXPORT.replace('<!ATTLIST HealthData locale CDATA #REQUIRED>', '<!ATTLIST HealthData locale CDATA #REQUIRED>\n<!ENTITY a "aaaaaaaaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">').replace('sourceName="Withings"', 'sourceName="&b;"');
    writeFileSync(path.join(files, 'bomb.xml'), bomb);
    const b = await locker(home, 'import', path.join(files, 'bomb.xml'));
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/not a readable Apple Health export: .*entity/i);
    writeFileSync(path.join(files, 'cut.xml'), EXPORT.slice(0, EXPORT.indexOf('<Workout') + 40));
    const c = await locker(home, 'import', path.join(files, 'cut.xml'));
    expect(c.code).toBe(1);
    expect(c.stderr).toContain('not a readable Apple Health export');
    expect(await entries(home)).toEqual([]);
  });

  it('streams a large export with progress in bytes, and a cancel keeps nothing', { timeout: 120_000 }, async () => {
    const { home, files } = homeAndFiles('locker-health-');
    const file = path.join(files, 'big-export.xml');
    const made = await writeAppleHealth(file, 6 * 1024 * 1024, 5);
    const o = openLocker(home, {});
    if (o.kind !== 'ok') throw new Error(o.message);
    try {
      const ctrl = new AbortController();
      const seen: ImportProgress[] = [];
      const cancelled = await o.locker.importFiles([file], {
        signal: ctrl.signal,
        onProgress: (p) => {
          seen.push(p);
          if (p.phase === 'writing' && p.done >= 2000) ctrl.abort();
        },
      });
      expect(cancelled.errors[0]?.message).toContain('cancelled');
      // Cancelled while being written: the stable code callers switch on, as before reading.
      expect(cancelled.errors[0]?.code).toBe('cancelled');
      expect(o.locker.list({ type: 'health' })).toEqual([]);

      const progress: ImportProgress[] = [];
      const done = await o.locker.importFiles([file], { onProgress: (p) => progress.push(p) });
      expect(done.errors).toEqual([]);
      expect(done.imported).toBe(made.records + made.workouts);
      const bytes = progress.filter((p) => p.phase === 'writing').map((p) => p.bytes);
      expect(bytes.length).toBeGreaterThan(3);
      expect(bytes.every((b, i) => i === 0 || b >= (bytes[i - 1] ?? 0))).toBe(true);
      expect(bytes[0]).toBeLessThan(made.bytes);
      expect(progress.at(-1)?.phase).toBe('done');
    } finally {
      o.locker.close();
    }
  });
});

const BUNDLE = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    { fullUrl: 'urn:uuid:p1', resource: { resourceType: 'Patient', id: 'p1', name: [{ family: 'Müller', given: ['Jörg'] }], birthDate: '1985-04-12' } },
    { resource: { resourceType: 'Condition', id: 'c1', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, code: { coding: [{ system: 'http://snomed.info/sct', code: '195967001', display: 'Asthma' }] }, onsetDateTime: '2009-03-14T10:00:00+01:00', note: [{ text: 'Mild, seasonal' }] } },
    { resource: { resourceType: 'MedicationStatement', id: 'm1', status: 'active', medicationCodeableConcept: { text: 'Salbutamol 100 µg inhaler' }, effectivePeriod: { start: '2023-01-01' }, dosage: [{ text: '2 puffs as needed' }] } },
    { resource: { resourceType: 'Immunization', id: 'i1', status: 'completed', vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '208', display: 'COVID-19, mRNA' }] }, occurrenceDateTime: '2021-06-02', lotNumber: 'FE1234' } },
    { resource: { resourceType: 'AllergyIntolerance', id: 'a1', code: { text: 'Penicillin' }, onsetDateTime: '2015' } },
    { resource: { resourceType: 'Observation', id: 'o1', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] }, effectiveDateTime: '2024-01-15T09:30:00Z', valueQuantity: { value: 71.8, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } } },
    {
      resource: {
        resourceType: 'Observation',
        id: 'o2',
        code: { coding: [{ system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure panel' }] },
        effectiveDateTime: '2024-01-15T09:35:00Z',
        component: [
          { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 128, unit: 'mmHg' } },
          { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 82, unit: 'mmHg' } },
        ],
      },
    },
    { resource: { resourceType: 'Claim', id: 'x1' } },
  ],
};

describe('FHIR bundle', () => {
  it('conditions, medications, immunizations, allergies and observations become health entries', async () => {
    const { home, files } = homeAndFiles('locker-health-');
    const file = path.join(files, 'summary.json');
    writeFileSync(file, JSON.stringify(BUNDLE, null, 2));
    const r = await locker(home, 'import', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    const all = await entries(home);
    expect(all.map((e) => [e['name'], e['observationDate'], e['value'] ?? null, e['unitText'] ?? null])).toEqual([
      ['Condition: Asthma', '2009-03-14T10:00:00+01:00', 'active', null],
      ['Allergy: Penicillin', '2015-01-01', null, null],
      ['Immunization: COVID-19, mRNA', '2021-06-02', 'lot FE1234', null],
      ['Medication: Salbutamol 100 µg inhaler', '2023-01-01', '2 puffs as needed', null],
      ['Body weight', '2024-01-15T09:30:00Z', 71.8, 'kg'],
      ['Blood pressure panel', '2024-01-15T09:35:00Z', '128/82', 'mmHg'],
    ]);
    expect(all[1]?.['description']).toBe('date given as 2015');
    expect(all[4]?.['measuredProperty']).toBe('https://loinc.org/29463-7/');
    expect(JSON.parse((await locker(home, 'import', file, '--json')).stdout)).toMatchObject({ imported: 0, unchanged: 6 });
    expect(readFileSync(file, 'utf8')).toContain('Claim');
  });
});
