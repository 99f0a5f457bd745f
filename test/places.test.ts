/**
 * Places and travel: GPX, KML/KMZ, GeoJSON and Google location history become
 * places, visits and tracks; a track keeps its points in one geometry (not
 * one record per point) with its times, and its distance is computed.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { distanceMeters } from '../shared/importers/geo.js';
import { locker } from './helpers/cli.js';
import { homeAndFiles } from './helpers/home.js';
import { makeZip } from './helpers/zip.js';

async function records(home: string, type: string): Promise<Array<Record<string, unknown>>> {
  const list = JSON.parse((await locker(home, 'list', '--type', type, '--json')).stdout) as Array<{ id: string }>;
  const out: Array<Record<string, unknown>> = [];
  for (const { id } of list) out.push((JSON.parse((await locker(home, 'show', id, '--format', 'json')).stdout) as { properties: Record<string, unknown> }).properties);
  return out.sort((a, b) => String(a['name']).localeCompare(String(b['name'])) || String(a['startDate'] ?? a['departureTime']).localeCompare(String(b['startDate'] ?? b['departureTime'])));
}

const wkt = (r: Record<string, unknown> | undefined) => String((r?.['hasGeometry'] as { asWKT?: string } | undefined)?.asWKT ?? '');

const GPX = `<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<gpx xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1" creator="Garmin Connect" version="1.1">
  <metadata><name>Zugspitze</name><time>2024-07-20T05:58:00Z</time></metadata>
  <wpt lat="47.421066" lon="10.985365"><ele>2962</ele><name>Gipfel Zugspitze</name><desc>Höchster Punkt</desc><sym>Summit</sym></wpt>
  <wpt lat="47.4106" lon="11.0183"><name>Knorrhütte</name></wpt>
  <trk>
    <name>Aufstieg über das Reintal</name>
    <type>hiking</type>
    <trkseg>
      <trkpt lat="47.4926" lon="11.0953"><ele>708.2</ele><time>2024-07-20T06:00:00Z</time><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>98</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>
      <trkpt lat="47.4901" lon="11.0899"><ele>720.0</ele><time>2024-07-20T06:05:00Z</time></trkpt>
      <trkpt lat="47.4850" lon="11.0800"><ele>760.4</ele><time>2024-07-20T06:20:00Z</time></trkpt>
    </trkseg>
    <trkseg>
      <trkpt lat="47.4400" lon="11.0300"><ele>1800</ele><time>2024-07-20T10:00:00+02:00</time></trkpt>
      <trkpt lat="47.4210" lon="10.9854"><ele>2962</ele><time>2024-07-20T14:30:00+02:00</time></trkpt>
    </trkseg>
  </trk>
  <rte><name>Abstieg (geplant)</name><rtept lat="47.4210" lon="10.9854"/><rtept lat="47.4300" lon="10.9900"/></rte>
</gpx>
`;

describe('GPX', () => {
  it('waypoints become places, tracks and routes one record each with their points, times and distance', async () => {
    const { home, files } = homeAndFiles('locker-geo-');
    writeFileSync(path.join(files, 'zugspitze.gpx'), GPX);
    const r = await locker(home, 'import', path.join(files, 'zugspitze.gpx'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 4 });
    const places = await records(home, 'place');
    expect(places.map((p) => [p['name'], (p['geo'] as Record<string, unknown>)['latitude'], (p['geo'] as Record<string, unknown>)['longitude']])).toEqual([
      ['Gipfel Zugspitze', 47.421066, 10.985365],
      ['Knorrhütte', 47.4106, 11.0183],
    ]);
    expect((places[0]?.['geo'] as Record<string, unknown>)['elevation']).toBe(2962);
    const tracks = await records(home, 'track');
    expect(tracks.map((t) => t['name'])).toEqual(['Abstieg (geplant)', 'Aufstieg über das Reintal']);
    const up = tracks[1];
    expect(up?.['departureTime']).toBe('2024-07-20T06:00:00Z');
    expect(up?.['arrivalTime']).toBe('2024-07-20T12:30:00Z');
    expect(wkt(up)).toMatch(/^MULTILINESTRING ZM \(\(11\.0953 47\.4926 708\.2 1721455200, /);
    const expected = distanceMeters({ lat: 47.4926, lon: 11.0953 }, { lat: 47.4901, lon: 11.0899 }) + distanceMeters({ lat: 47.4901, lon: 11.0899 }, { lat: 47.485, lon: 11.08 }) + distanceMeters({ lat: 47.44, lon: 11.03 }, { lat: 47.421, lon: 10.9854 });
    expect(up?.['distance']).toBe(`${(expected / 1000).toFixed(2)} km`);
    expect(wkt(tracks[0])).toBe('LINESTRING (10.9854 47.421, 10.99 47.43)');
    // One record per track, not per point; and a re-import adds nothing.
    expect(JSON.parse((await locker(home, 'import', path.join(files, 'zugspitze.gpx'), '--json')).stdout)).toMatchObject({ imported: 0, unchanged: 4 });
  });

  it('refuses entity expansion', async () => {
    const { home, files } = homeAndFiles('locker-geo-');
    writeFileSync(path.join(files, 'bomb.gpx'), GPX.replace('<gpx ', '<!DOCTYPE gpx [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n<gpx ').replace('<name>Knorrhütte</name>', '<name>&b;</name>'));
    const r = await locker(home, 'import', path.join(files, 'bomb.gpx'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a readable GPX file/);
    expect(await records(home, 'place')).toEqual([]);
  });
});

const KML = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document>
  <name>Lisboa</name>
  <Folder>
    <Placemark><name>Pastéis de Belém</name><description><![CDATA[<b>Best</b> custard tarts]]></description><Point><coordinates>-9.2032,38.6975,0</coordinates></Point></Placemark>
    <Placemark><name>Tram 28</name><TimeSpan><begin>2023-05-02T10:00:00+01:00</begin><end>2023-05-02T10:40:00+01:00</end></TimeSpan><LineString><coordinates>
      -9.1445,38.7166 -9.1390,38.7130
      -9.1335,38.7110
    </coordinates></LineString></Placemark>
    <Placemark><name>Walk to the castle</name><gx:Track><when>2023-05-02T11:00:00Z</when><when>2023-05-02T11:10:00Z</when><gx:coord>-9.1335 38.7110 60</gx:coord><gx:coord>-9.1330 38.7139 95</gx:coord></gx:Track></Placemark>
  </Folder>
</Document>
</kml>`;

describe('KML and KMZ', () => {
  it('placemarks become places and tracks, also from inside a KMZ', async () => {
    const { home, files } = homeAndFiles('locker-geo-');
    writeFileSync(path.join(files, 'lisboa.kmz'), makeZip([{ name: 'doc.kml', data: KML }]));
    const r = await locker(home, 'import', path.join(files, 'lisboa.kmz'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const places = await records(home, 'place');
    expect(places.map((p) => [p['name'], p['description']])).toEqual([['Pastéis de Belém', 'Best custard tarts']]);
    const tracks = await records(home, 'track');
    expect(tracks.map((t) => [t['name'], t['departureTime'], t['arrivalTime'] ?? null])).toEqual([
      ['Tram 28', '2023-05-02T09:00:00Z', '2023-05-02T09:40:00Z'],
      ['Walk to the castle', '2023-05-02T11:00:00Z', '2023-05-02T11:10:00Z'],
    ]);
    expect(wkt(tracks[1])).toBe('LINESTRING ZM (-9.1335 38.711 60 1683025200, -9.133 38.7139 95 1683025800)');
  });
});

describe('GeoJSON', () => {
  it('points become places, lines tracks (with coordTimes), polygons are passed over', async () => {
    const { home, files } = homeAndFiles('locker-geo-');
    const geo = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: 'Kraków Główny' }, geometry: { type: 'Point', coordinates: [19.9474, 50.0677] } },
        { type: 'Feature', properties: { name: 'Morning run', coordTimes: ['2024-04-01T05:00:00Z', '2024-04-01T05:30:00Z'] }, geometry: { type: 'LineString', coordinates: [[19.93, 50.06], [19.95, 50.05]] } },
        { type: 'Feature', properties: { name: 'Park' }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } },
      ],
    };
    writeFileSync(path.join(files, 'map.geojson'), JSON.stringify(geo));
    const r = await locker(home, 'import', path.join(files, 'map.geojson'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 2 });
    expect((await records(home, 'track'))[0]).toMatchObject({ name: 'Morning run', departureTime: '2024-04-01T05:00:00Z', arrivalTime: '2024-04-01T05:30:00Z' });
  });
});

describe('Google location history', () => {
  it('raw Records.json: one track per day, inaccurate fixes left out', async () => {
    const { home, files } = homeAndFiles('locker-geo-');
    const fix = (lat: number, lon: number, ts: string, accuracy = 12) => ({ latitudeE7: Math.round(lat * 1e7), longitudeE7: Math.round(lon * 1e7), accuracy, timestamp: ts, source: 'WIFI' });
    const locations = [fix(52.52, 13.405, '2022-03-01T08:00:00.123Z'), fix(52.5205, 13.41, '2022-03-01T08:10:00Z'), fix(48.0, 11.0, '2022-03-01T08:15:00Z', 5000), fix(52.53, 13.42, '2022-03-02T09:00:00Z'), { latitudeE7: 525300000, longitudeE7: 134300000, timestampMs: String(Date.parse('2022-03-02T09:30:00Z')) }];
    writeFileSync(path.join(files, 'Records.json'), JSON.stringify({ locations }));
    const r = await locker(home, 'import', path.join(files, 'Records.json'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const tracks = await records(home, 'track');
    expect(tracks.map((t) => [t['name'], t['departureTime'], t['arrivalTime']])).toEqual([
      ['Location history, 2022-03-01', '2022-03-01T08:00:00.123Z', '2022-03-01T08:10:00Z'],
      ['Location history, 2022-03-02', '2022-03-02T09:00:00Z', '2022-03-02T09:30:00Z'],
    ]);
    expect(wkt(tracks[0])).not.toContain('48 ');
  });

  it('semantic history (Takeout) and the device Timeline: visits become events at places, activities tracks', async () => {
    const { home, files } = homeAndFiles('locker-geo-');
    const semantic = {
      timelineObjects: [
        { activitySegment: { startLocation: { latitudeE7: 485200000, longitudeE7: 93900000 }, endLocation: { latitudeE7: 487800000, longitudeE7: 91800000 }, duration: { startTimestamp: '2023-03-04T08:00:00Z', endTimestamp: '2023-03-04T08:40:00Z' }, distance: 31200, activityType: 'IN_TRAIN', waypointPath: { waypoints: [{ latE7: 485200000, lngE7: 93900000 }, { latE7: 486500000, lngE7: 92500000 }, { latE7: 487800000, lngE7: 91800000 }] } } },
        { placeVisit: { location: { latitudeE7: 487839000, longitudeE7: 91823000, placeId: 'ChIJ-stuttgart-hbf', address: 'Arnulf-Klett-Platz 2\n70173 Stuttgart\nDeutschland', name: 'Stuttgart Hauptbahnhof' }, duration: { startTimestamp: '2023-03-04T08:40:00Z', endTimestamp: '2023-03-04T09:05:00Z' } } },
        { placeVisit: { location: { latitudeE7: 487839000, longitudeE7: 91823000, placeId: 'ChIJ-stuttgart-hbf', name: 'Stuttgart Hauptbahnhof' }, duration: { startTimestampMs: String(Date.parse('2023-03-05T18:00:00Z')), endTimestampMs: String(Date.parse('2023-03-05T18:20:00Z')) } } },
      ],
    };
    writeFileSync(path.join(files, '2023_MARCH.json'), JSON.stringify(semantic));
    const device = { semanticSegments: [{ startTime: '2024-05-01T07:30:00.000+02:00', endTime: '2024-05-01T08:00:00.000+02:00', activity: { start: { latLng: '48.1374°, 11.5755°' }, end: { latLng: '48.1500°, 11.5800°' }, distanceMeters: 1800.5, topCandidate: { type: 'WALKING' } } }] };
    writeFileSync(path.join(files, 'Timeline.json'), JSON.stringify(device));
    const r = await locker(home, 'import', files, '--json');
    expect(r.code, r.stderr).toBe(0);
    const events = await records(home, 'event');
    expect(events.map((e) => [e['name'], e['startDate'], e['endDate']])).toEqual([
      ['Visit: Stuttgart Hauptbahnhof', '2023-03-04T08:40:00Z', '2023-03-04T09:05:00Z'],
      ['Visit: Stuttgart Hauptbahnhof', '2023-03-05T18:00:00Z', '2023-03-05T18:20:00Z'],
    ]);
    expect(await records(home, 'place')).toHaveLength(1);
    const tracks = await records(home, 'track');
    expect(tracks.map((t) => [t['name'], t['departureTime'], t['distance']])).toEqual([
      ['Train', '2023-03-04T08:00:00Z', '31.20 km'],
      ['Walk', '2024-05-01T05:30:00Z', '1.80 km'],
    ]);
  });
});

describe('one bad place or track does not cost the file (issue 17 point 1)', () => {
  it('GPX: a waypoint without a valid position and a one-point track are skipped with their line and text; the rest imports', async () => {
    const gpx = `<?xml version="1.0"?>\n<gpx version="1.1" creator="t">\n  <wpt lat="47.4" lon="11.0"><name>Good</name></wpt>\n  <wpt lat="abc" lon="11.0"><name>Bad</name></wpt>\n  <trk><name>Short</name><trkseg><trkpt lat="47.4" lon="11.0"/></trkseg></trk>\n</gpx>\n`;
    const { home, files } = homeAndFiles();
    writeFileSync(path.join(files, 'mixed.gpx'), gpx);
    {
      const r = await locker(home, 'import', path.join(files, 'mixed.gpx'), '--json');
      expect(r.code).toBe(3);
      const s = JSON.parse(r.stdout) as { imported: number; skipped: number; seen: number; skippedItems: Array<{ line?: number; reason: string; raw: string }> };
      expect(s).toMatchObject({ imported: 1, skipped: 2, seen: 3 });
      expect(s.skippedItems.map((i) => [i.line, i.raw.split('\n')[0]])).toEqual([
        [4, '<wpt lat="abc" lon="11.0"><name>Bad</name></wpt>'],
        [5, '<trk><name>Short</name><trkseg><trkpt lat="47.4" lon="11.0"/></trkseg></trk>'],
      ]);
      expect(s.skippedItems[1]?.reason).toMatch(/one point/);
    }
  });

  it('GeoJSON and FHIR: a skipped item says where it is in the JSON (features[i], entry[i])', async () => {
    const geo = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'ok' }, geometry: { type: 'Point', coordinates: [11, 47] } }, { type: 'Feature', properties: { name: 'off the globe' }, geometry: { type: 'Point', coordinates: [200, 95] } }] });
    const fhir = JSON.stringify({ resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Observation', id: 'a', code: { text: 'Pulse' }, valueQuantity: { value: 60, unit: 'bpm' }, effectiveDateTime: '2024-01-01T10:00:00Z' } }, { resource: { resourceType: 'Observation', id: 'b', code: { text: 'Glucose' } } }] });
    const { home, files } = homeAndFiles();
    writeFileSync(path.join(files, 'p.geojson'), geo);
    writeFileSync(path.join(files, 'b.json'), fhir);
    {
      for (const [name, position] of [['p.geojson', 'features[1]'], ['b.json', 'entry[1]']] as const) {
        const r = await locker(home, 'import', path.join(files, name), '--json');
        const s = JSON.parse(r.stdout) as { imported: number; skippedItems: Array<{ position?: string; raw: string }> };
        expect(s.imported).toBe(1);
        expect(s.skippedItems.map((i) => i.position)).toEqual([position]);
        expect(s.skippedItems[0]?.raw).toMatch(/^\{"/);
      }
      const plain = await locker(home, 'import', path.join(files, 'p.geojson'));
      expect(plain.stderr).toContain('p.geojson (features[1]): point "off the globe" has no valid position');
    }
  });
});
