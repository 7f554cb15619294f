import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_EVIDENCE_BYTES, pdfActiveContent, prepareEvidence } from '../src/reports/evidence.ts';
import { postForm } from './support/auth.ts';
import { testEngines } from './support/databases.ts';
import { approvePlanDirectly, cookieOf, jpeg, png, upload } from './support/reports.ts';
import { openTrackedDemo, type TrackedDemo } from './support/tracking.ts';

/** Evidence uploads: the type decided by content, what is refused, metadata gone, and how files are served. */

const ELF = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, ...new Array(120).fill(0)]);
const PE = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, ...new Array(112).fill(0)]);
const SVG = new TextEncoder().encode('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>');
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** A PDF whose objects are the given dictionaries, plus extra raw bytes before the trailer. */
const pdfOf = (...parts: (string | Uint8Array)[]) => {
  const chunks = ['%PDF-1.7\n', '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n', ...parts, 'trailer << /Root 1 0 R >>\n%%EOF\n'];
  return new Uint8Array(Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c)))));
};
/** An object stream (PDF 1.5): its objects' dictionaries compressed, where a raw scan sees nothing. */
const objectStream = (objects: string) => {
  const data = deflateSync(Buffer.from(objects, 'latin1'));
  return Buffer.concat([Buffer.from(`5 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
};
/**
 * A polyglot: a PDF that is also an HTML page (a browser sniffing it would run the script), whose
 * catalog's action on opening runs JavaScript, hidden in an object stream.
 */
const POLYGLOT = pdfOf('%<html><body><script>alert(document.cookie)</script></body></html>\n', objectStream('3 0 << /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>'));

describe('PDFs with active or embedded content', () => {
  it('finds scripts, actions, launches, attachments, media and XFA in the raw bytes and in compressed object streams, names escaped or not', () => {
    expect(pdfActiveContent(PDF)).toEqual([]);
    expect(pdfActiveContent(pdfOf('3 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n'))).toEqual(['JS', 'JavaScript']);
    expect(pdfActiveContent(pdfOf('3 0 obj << /Type /Action /S /Launch /F (cmd.exe) >> endobj\n'))).toEqual(['Launch']);
    expect(pdfActiveContent(pdfOf('3 0 obj << /Names << /EmbeddedFiles 4 0 R >> /AA << /O 5 0 R >> >> endobj\n'))).toEqual(['AA', 'EmbeddedFiles']);
    expect(pdfActiveContent(pdfOf('3 0 obj << /AcroForm << /XFA 6 0 R >> /RichMedia 7 0 R >> endobj\n'))).toEqual(['RichMedia', 'XFA']);
    expect(pdfActiveContent(pdfOf(objectStream('3 0 << /OpenAction 4 0 R >>')))).toEqual(['OpenAction']);
    expect(pdfActiveContent(POLYGLOT)).toEqual(['JS', 'JavaScript', 'OpenAction']);
    // Names that only begin like one are no content: /JSON, /AAB, /Launcher.
    expect(pdfActiveContent(pdfOf('3 0 obj << /JSON 1 /AAB 2 /Launcher 3 >> endobj\n'))).toEqual([]);
  });

  it('refuses such a PDF, and keeps a plain one', async () => {
    expect(await prepareEvidence(POLYGLOT)).toEqual({ ok: false, reason: 'active-pdf' });
    expect(await prepareEvidence(pdfOf(objectStream('3 0 << /Type /Font >>')))).toMatchObject({ ok: true, file: { mediaType: 'application/pdf' } });
  });
});

describe('prepareEvidence', () => {
  it('refuses by content whatever the name: an executable, an SVG with a script, an empty file, an oversize one', async () => {
    expect(await prepareEvidence(ELF)).toEqual({ ok: false, reason: 'type' });
    expect(await prepareEvidence(PE)).toEqual({ ok: false, reason: 'type' });
    expect(await prepareEvidence(SVG)).toEqual({ ok: false, reason: 'type' });
    expect(await prepareEvidence(new Uint8Array())).toEqual({ ok: false, reason: 'empty' });
    expect(await prepareEvidence(new Uint8Array(MAX_EVIDENCE_BYTES + 1))).toEqual({ ok: false, reason: 'too-large' });
  });

  it('re-encodes a photo without its EXIF and GPS, upright and no larger than 2048 px', async () => {
    const original = await sharp({ create: { width: 3000, height: 1000, channels: 3, background: '#884422' } }).jpeg()
      .withMetadata({ orientation: 6 }).withExifMerge({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '29/1 2/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '119/1 10/1 0/1' } }).toBuffer();
    expect(await sharp(original).metadata()).toMatchObject({ orientation: 6, exif: expect.anything() });
    const prepared = await prepareEvidence(new Uint8Array(original));
    if (!prepared.ok) throw new Error(prepared.reason);
    const meta = await sharp(prepared.file.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    // Orientation 6 turns the 3000×1000 picture upright (1000×3000), then it is scaled to fit 2048.
    expect([meta.width, meta.height]).toEqual([683, 2048]);
    expect(prepared.file).toMatchObject({ mediaType: 'image/jpeg', width: 683, height: 2048 });
  });

  it('keeps a PDF byte for byte', async () => {
    const prepared = await prepareEvidence(PDF);
    expect(prepared.ok && prepared.file.mediaType).toBe('application/pdf');
    expect(prepared.ok && Buffer.from(prepared.file.bytes).equals(Buffer.from(PDF))).toBe(true);
  });

  it('refuses a file that starts like a photo but does not decode', async () => {
    const good = await jpeg();
    expect(await prepareEvidence(new Uint8Array(good.subarray(0, 40)))).toMatchObject({ ok: false });
  });
});

describe.each(testEngines())('POST /workspace/reports/:id/evidence and GET /evidence/:sha256 on $name', (engine) => {
  let demo: TrackedDemo;
  let jiaoyu: string;
  let mishu: string;
  let reportId: number;

  beforeAll(async () => {
    demo = await openTrackedDemo(engine);
    const db = demo.database.db;
    const department = (await db.selectFrom('departments').select('id').where('name', '=', '教育局').executeTakeFirstOrThrow()).id;
    const own = demo.projects.find((p) => p.leadDepartmentId === department)!.id;
    await approvePlanDirectly(db, own);
    jiaoyu = await cookieOf(db, demo.t.clock, 'jiaoyu');
    mishu = await cookieOf(db, demo.t.clock, 'mishu');
    const res = await postForm(demo.t.app, `/workspace/projects/${own}/reports`, { kind: 'progress', period: '2023-Q4', narrative: '现场照片', spent: '0' }, { Cookie: jiaoyu });
    reportId = Number(/\/workspace\/reports\/(\d+)/.exec(res.headers.get('location')!)![1]);
  });
  afterAll(async () => { await demo.database.close(); });

  const evidenceCount = async () => (await demo.database.db.selectFrom('report_evidence').select('position').where('report_id', '=', reportId).execute()).length;
  const send = (content: Uint8Array, name: string, caption = '照片') => upload(demo.t.app, `/workspace/reports/${reportId}/evidence`, jiaoyu, { caption, file: new Blob([new Uint8Array(content)], { type: 'image/jpeg' }) }, name);

  it('refuses a renamed executable, an SVG with a script, an empty and an oversize file, with a translated message, storing nothing', async () => {
    for (const [bytes, name, status, text] of [
      [ELF, 'photo.jpg', 422, '只接受'], [PE, '现场.jpg', 422, '只接受'], [SVG, 'pic.png', 422, '只接受'], [new Uint8Array(), 'empty.jpg', 422, '文件是空的'],
      [new Uint8Array(MAX_EVIDENCE_BYTES + 1), 'big.jpg', 413, '10 MB'], [POLYGLOT, 'plan.pdf', 422, '含有脚本'],
    ] as const) {
      const res = await send(bytes, name);
      expect(res.status, name).toBe(status);
      expect(await res.text(), name).toContain(text);
    }
    expect(await evidenceCount()).toBe(0);
    expect((await demo.database.db.selectFrom('evidence_files').select('sha256').execute()).length).toBe(0);
  });

  it('refuses evidence without a caption (422)', async () => {
    expect((await send(new Uint8Array(await png()), 'a.png', '')).status).toBe(422);
    expect(await evidenceCount()).toBe(0);
  });

  it('stores a photo with GPS EXIF without any of it, once per content', async () => {
    const photo = new Uint8Array(await jpeg({ gps: true }));
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    expect((await send(photo, 'gps.jpg')).status).toBe(303);
    expect((await send(photo, 'gps-again.jpg', '同一张')).status).toBe(303);
    const files = await demo.database.db.selectFrom('evidence_files').selectAll().execute();
    expect(files).toHaveLength(1);
    const meta = await sharp(files[0]!.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(await evidenceCount()).toBe(2);
  });

  it('serves a file with its type, nosniff, a sandboxing CSP, an ETag and 304', async () => {
    const file = await demo.database.db.selectFrom('evidence_files').select(['sha256', 'byte_size']).executeTakeFirstOrThrow();
    const res = await demo.t.app.request(`/evidence/${file.sha256}`, { headers: { Cookie: jiaoyu } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(res.headers.get('content-disposition')).toBe('inline');
    expect(res.headers.get('etag')).toBe(`"${file.sha256}"`);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect((await res.arrayBuffer()).byteLength).toBe(file.byte_size);
    const again = await demo.t.app.request(`/evidence/${file.sha256}`, { headers: { Cookie: mishu, 'If-None-Match': `"${file.sha256}"` } });
    expect(again.status).toBe(304);
    expect((await demo.t.app.request(`/evidence/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await demo.t.app.request('/evidence/not-a-hash')).status).toBe(404);
  });

  it('serves a PDF as an attachment, and publicly with long caching once the report is approved', async () => {
    expect((await send(PDF, 'plan.pdf', '施工合同')).status).toBe(303);
    await postForm(demo.t.app, `/workspace/reports/${reportId}/submit`, {}, { Cookie: jiaoyu });
    expect((await postForm(demo.t.app, `/admin/tracking/reports/${reportId}/approve`, {}, { Cookie: mishu })).status).toBe(303);
    const pdf = await demo.database.db.selectFrom('evidence_files').select('sha256').where('media_type', '=', 'application/pdf').executeTakeFirstOrThrow();
    const res = await demo.t.app.request(`/evidence/${pdf.sha256}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="evidence-[0-9a-f]{12}\.pdf"$/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
  });
});
