import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { iri, lit, namedNode, RecordBuilder, stableId } from '../model/index.js';
import { checkDeadline, ImportAbort, rawText, type ImportContext, type Importer, type ParsedItem, type ParseResult, type StreamSource } from './types.js';

const S = (l: string) => iri('schema', l);

/**
 * Apple Health `export.xml` (hundreds of MB): read as a stream with saxes,
 * one `<Record>` or `<Workout>` at a time, so memory stays flat whatever the
 * size. Records become health observations, workouts health entries with
 * their duration, distance and energy. The DOCTYPE's internal subset is never
 * interpreted: an entity reference is an error, so nothing can expand.
 */
const LOINC: Readonly<Record<string, string>> = {
  HKQuantityTypeIdentifierHeartRate: '8867-4',
  HKQuantityTypeIdentifierBodyMass: '29463-7',
  HKQuantityTypeIdentifierHeight: '8302-2',
  HKQuantityTypeIdentifierStepCount: '55423-8',
  HKQuantityTypeIdentifierBloodPressureSystolic: '8480-6',
  HKQuantityTypeIdentifierBloodPressureDiastolic: '8462-4',
  HKQuantityTypeIdentifierOxygenSaturation: '59408-5',
  HKQuantityTypeIdentifierBodyTemperature: '8310-5',
  HKQuantityTypeIdentifierRespiratoryRate: '9279-1',
  HKQuantityTypeIdentifierBloodGlucose: '2339-0',
  HKQuantityTypeIdentifierBodyMassIndex: '39156-5',
  HKQuantityTypeIdentifierRestingHeartRate: '40443-4',
};

const NAMES: Readonly<Record<string, string>> = {
  HKQuantityTypeIdentifierHeartRate: 'Heart rate',
  HKQuantityTypeIdentifierStepCount: 'Steps',
  HKQuantityTypeIdentifierBodyMass: 'Weight',
  HKQuantityTypeIdentifierDistanceWalkingRunning: 'Walking and running distance',
  HKQuantityTypeIdentifierActiveEnergyBurned: 'Active energy',
  HKCategoryTypeIdentifierSleepAnalysis: 'Sleep',
  HKQuantityTypeIdentifierOxygenSaturation: 'Blood oxygen',
};

/** `HKQuantityTypeIdentifierFlightsClimbed` → `Flights climbed`. */
export function humanize(identifier: string): string {
  const known = NAMES[identifier];
  if (known) return known;
  const core = identifier.replace(/^HK(Quantity|Category|Correlation|DataType|Workout)TypeIdentifier|^HKWorkoutActivityType|^HKCategoryValue/g, '');
  const words = core.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase();
  return words ? words[0]?.toUpperCase() + words.slice(1) : identifier;
}

/** `2019-01-01 10:00:00 +0100` → `2019-01-01T10:00:00+01:00`. */
export function appleDate(s: string | undefined): string | undefined {
  const t = (s ?? '').trim();
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})\s*([+-])(\d{2}):?(\d{2})$/.exec(t);
  if (m) return `${m[1]}T${m[2]}${m[3]}${m[4]}:${m[5]}`;
  // Exports of 2014–2015 (iOS 8) wrote them compact: 20141018163235+0100.
  const c = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([+-])(\d{2})(\d{2})$/.exec(t);
  return c ? `${c[1]}-${c[2]}-${c[3]}T${c[4]}:${c[5]}:${c[6]}${c[7]}${c[8]}:${c[9]}` : undefined;
}

/**
 * Early exports wrote a record's metadata as attributes whose names have spaces in them
 * (`Health Mate App Version="2.6.2"`), which is not XML: the spaces become underscores so that the
 * record is read. Applied to text that ends at a tag's end, so a name is never cut in two.
 */
export function repairAttributeNames(xml: string): string {
  return xml.replace(/(\s)([A-Za-z][\w-]*(?: [A-Za-z0-9][\w-]*)+)(?==")/g, (_m, space: string, name: string) => `${space}${name.replace(/ /g, '_')}`);
}

/** A tag as it was written, for a skipped record. */
const tagText = (name: string, a: Record<string, string>) => rawText(`<${name} ${Object.entries(a).map(([k, v]) => `${k}="${v}"`).join(' ')}/>`);

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

function decimal(v: string): string {
  if (!/[eE]/.test(v)) return v;
  const n = Number(v);
  return Number.isFinite(n) ? n.toFixed(10).replace(/\.?0+$/, '') : v;
}

function recordItem(a: Record<string, string>, line: number): ParsedItem {
  const type = a['type'];
  const when = appleDate(a['startDate']) ?? appleDate(a['creationDate']);
  if (!type || !when) return { skipped: { line, raw: tagText('Record', a), reason: type ? `a ${humanize(type)} record without a readable date (${JSON.stringify((a['startDate'] ?? '').slice(0, 40))})` : 'a record without a type' } };
  const raw = a['value'];
  const id = stableId('health', `apple-health\u0000${type}\u0000${a['startDate'] ?? ''}\u0000${a['endDate'] ?? ''}\u0000${raw ?? ''}\u0000${a['sourceName'] ?? ''}`);
  const b = new RecordBuilder('health', id);
  b.set(S('name'), lit.string(humanize(type)));
  b.set(S('observationDate'), lit.dateTime(when));
  // Category values repeat their type: HKCategoryValueSleepAnalysisAsleepCore → "Asleep core".
  const categoryValue = (v: string) => humanize(v.replace(`HKCategoryValue${type.replace(/^HKCategoryTypeIdentifier/, '')}`, 'HKCategoryValue'));
  if (raw !== undefined && raw !== '') b.set(S('value'), NUMBER.test(raw) ? lit.decimal(decimal(raw)) : lit.string(categoryValue(raw).slice(0, 200)));
  if (a['unit']) b.set(S('unitText'), lit.string(a['unit'].slice(0, 50)));
  const loinc = LOINC[type];
  if (loinc) b.set(S('measuredProperty'), namedNode(`https://loinc.org/${loinc}/`));
  const end = appleDate(a['endDate']);
  const notes = [a['sourceName'] && `from ${a['sourceName']}`, end && end !== when && `until ${end}`].filter(Boolean).join(', ');
  if (notes) b.set(S('description'), lit.string(notes.slice(0, 500)));
  return { record: b.build(), source: { line, raw: tagText('Record', a) } };
}

function workoutItem(a: Record<string, string>, stats: Record<string, string>, line: number): ParsedItem {
  const when = appleDate(a['startDate']);
  const activity = a['workoutActivityType'];
  if (!when || !activity) return { skipped: { line, raw: tagText('Workout', a), reason: activity ? `a workout without a readable start (${JSON.stringify((a['startDate'] ?? '').slice(0, 40))})` : 'a workout without its activity type' } };
  const id = stableId('health', `apple-health-workout\u0000${activity}\u0000${a['startDate'] ?? ''}\u0000${a['endDate'] ?? ''}\u0000${a['sourceName'] ?? ''}`);
  const b = new RecordBuilder('health', id);
  b.set(S('name'), lit.string(`Workout: ${humanize(activity)}`));
  b.set(S('observationDate'), lit.dateTime(when));
  const duration = a['duration'];
  if (duration && NUMBER.test(duration)) {
    b.set(S('value'), lit.decimal(decimal(duration)));
    b.set(S('unitText'), lit.string(a['durationUnit'] ?? 'min'));
  }
  const distance = a['totalDistance'] ?? stats['distance'];
  const energy = a['totalEnergyBurned'] ?? stats['energy'];
  const notes = [
    distance && `${distance} ${a['totalDistanceUnit'] ?? stats['distanceUnit'] ?? ''}`.trim(),
    energy && `${energy} ${a['totalEnergyBurnedUnit'] ?? stats['energyUnit'] ?? ''}`.trim(),
    a['sourceName'] && `from ${a['sourceName']}`,
  ].filter(Boolean);
  if (notes.length) b.set(S('description'), lit.string(notes.join(', ').slice(0, 500)));
  return { record: b.build(), source: { line, raw: tagText('Workout', a) } };
}

async function* items(src: StreamSource, ctx: ImportContext, progress: { bytes: number }): AsyncGenerator<ParsedItem> {
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  const ready: ParsedItem[] = [];
  let failure: Error | undefined;
  let sawRoot = false;
  let workout: { attrs: Record<string, string>; stats: Record<string, string>; line: number } | undefined;
  let count = 0;
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const a = tag.attributes;
    switch (tag.name) {
      case 'HealthData':
        sawRoot = true;
        break;
      case 'Record': {
        if (workout) break; // samples inside a workout route are not separate observations
        ready.push(recordItem(a, parser.line));
        break;
      }
      case 'Workout':
        workout = { attrs: a, stats: {}, line: parser.line };
        break;
      case 'WorkoutStatistics':
        if (workout && /Distance/.test(a['type'] ?? '') && a['sum']) Object.assign(workout.stats, { distance: a['sum'], distanceUnit: a['unit'] ?? '' });
        if (workout && /ActiveEnergyBurned/.test(a['type'] ?? '') && a['sum']) Object.assign(workout.stats, { energy: a['sum'], energyUnit: a['unit'] ?? '' });
        break;
      default:
        break;
    }
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    if (tag.name === 'Workout' && workout) {
      ready.push(workoutItem(workout.attrs, workout.stats, workout.line));
      workout = undefined;
    }
  });
  parser.on('error', (e: Error) => {
    failure ??= e;
  });
  const decoder = new TextDecoder('utf-8');
  const abort = (e: Error) => new ImportAbort({ kind: 'malformed', message: `not a readable Apple Health export: ${e.message.split('\n')[0]?.slice(0, 200) ?? ''}` });
  // Text is handed on up to the last '>' of what has come, so a tag is always repaired whole (the rest waits
  // for the next chunk; past 16 MB without a '>' it goes on as it is and saxes judges it).
  let pending = '';
  for await (const chunk of src.chunks()) {
    progress.bytes += chunk.byteLength;
    pending += decoder.decode(chunk, { stream: true });
    const cut = pending.length > 16 * 1024 * 1024 ? pending.length : pending.lastIndexOf('>') + 1;
    parser.write(repairAttributeNames(pending.slice(0, cut)));
    pending = pending.slice(cut);
    if (failure) throw abort(failure);
    if (!sawRoot && progress.bytes > 1024 * 1024) throw new ImportAbort({ kind: 'invalid', message: 'no <HealthData> element in the first megabyte: not an Apple Health export' });
    count += ready.length;
    if (count > ctx.caps.maxRecordsPerFile) throw new ImportAbort({ kind: 'too-large', message: `more than ${ctx.caps.maxRecordsPerFile} records in one file` });
    while (ready.length) yield ready.shift() as ParsedItem;
    checkDeadline(ctx);
  }
  parser.write(repairAttributeNames(pending + decoder.decode()));
  parser.close();
  if (failure) throw abort(failure);
  if (!sawRoot) throw new ImportAbort({ kind: 'invalid', message: 'no <HealthData> element: not an Apple Health export' });
  while (ready.length) yield ready.shift() as ParsedItem;
}

function streamParse(src: StreamSource, ctx: ImportContext): ParseResult {
  const progress = { bytes: 0 };
  return { kind: 'ok', parsed: { count: 0, items: items(src, ctx, progress), bytesRead: () => progress.bytes } };
}

export const appleHealthImporter: Importer = {
  id: 'apple-health',
  mediaType: 'application/xml',
  stream: streamParse,
  parse(text: string, ctx: ImportContext): ParseResult {
    const bytes = new TextEncoder().encode(text);
    return streamParse(
      {
        size: bytes.byteLength,
        async *chunks() {
          for (let i = 0; i < bytes.byteLength; i += 1 << 16) yield bytes.subarray(i, i + (1 << 16));
        },
      },
      ctx,
    );
  },
};
