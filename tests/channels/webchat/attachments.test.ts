import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizenFileMaximumBytes } from '../../../src/attachments/accepted-files.ts';
import { tickets } from '../../../src/database/schema.ts';
import { ticketView } from '../../../src/admin/ticket-view.ts';
import { startTestApp, type TestApp } from '../../helpers/test-app.ts';
import { openWebchatSession, sayInWebchat } from './webchat-session.ts';

// A citizen sends a photo and a scan from the web chat: the same types and size as on Telegram and
// WhatsApp, kept under their SHA-256, and the clerk sees them on the request.

const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Reply {
  id: string;
  text: string;
  language?: string;
  buttons: { label: string; value: string }[];
}

let testApp: TestApp;

function openSession(language = 'ro'): Promise<string> {
  return openWebchatSession(testApp.app, language);
}

function upload(sessionId: string, bytes: Buffer, mediaType: string, fileName: string) {
  return testApp.app.inject({
    method: 'POST',
    url: `/api/webchat/sessions/${sessionId}/attachments`,
    headers: { 'content-type': mediaType, 'x-file-name': encodeURIComponent(fileName) },
    payload: bytes,
  });
}

function say(sessionId: string, text: string): Promise<Reply[]> {
  return sayInWebchat<Reply>(testApp.app, sessionId, text);
}

beforeAll(async () => {
  testApp = await startTestApp();
});

afterAll(async () => {
  await testApp?.close();
});

describe('files from the web chat', () => {
  it('a photo and a PDF are stored under their SHA-256, answered, and shown to the clerk on the request', async () => {
    const sessionId = await openSession();
    const photo = await upload(sessionId, png, 'image/png', 'groapă în drum.png');
    expect(photo.statusCode, photo.body).toBe(200);
    const photoBody = photo.json() as { attachment: { fileName: string; mediaType: string; size: number; sha256: string }; replies: Reply[] };
    expect(photoBody.attachment).toEqual({ fileName: 'groapă în drum.png', mediaType: 'image/png', size: png.length, sha256: sha256(png) });
    expect(photoBody.replies.map((reply) => reply.text).join('\n')).toMatch(/Am primit/);
    expect(photoBody.replies[0]?.language).toBe('ro');
    expect(fs.readFileSync(path.join(testApp.dataDirectory, 'attachments', `${sha256(png)}.png`)).equals(png)).toBe(true);

    const scan = await upload(sessionId, pdf, 'application/pdf', 'cerere.pdf');
    expect(scan.statusCode, scan.body).toBe(200);
    expect(fs.readFileSync(path.join(testApp.dataDirectory, 'attachments', `${sha256(pdf)}.pdf`)).equals(pdf)).toBe(true);

    // The history shows the citizen's files (name, type, size, hash), never where they are stored.
    const history = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
    const files = (history.json() as { messages: { from: string; language?: string; attachments?: Record<string, unknown>[] }[] }).messages.flatMap((message) => message.attachments ?? []);
    expect(files).toEqual([
      { fileName: 'groapă în drum.png', mediaType: 'image/png', size: png.length, sha256: sha256(png) },
      { fileName: 'cerere.pdf', mediaType: 'application/pdf', size: pdf.length, sha256: sha256(pdf) },
    ]);
    expect(history.body).not.toContain('storagePath');

    // The request is filed; the clerk's ticket page lists both files.
    await say(sessionId, 'Groapa mare pe strada Principala in fata scolii');
    await say(sessionId, 'Ion Popescu');
    await say(sessionId, 'Sari peste');
    const registered = await say(sessionId, 'Da');
    const label = /numărul (\d+)\/(\d{4})/.exec(registered.map((reply) => reply.text).join('\n'));
    expect(label, JSON.stringify(registered)).not.toBeNull();
    const db = testApp.app.functionar.database.db;
    const ticket = (await db.select().from(tickets).where(eq(tickets.number, Number(label?.[1])))).find((row) => row.year === Number(label?.[2]));
    expect(ticket).toBeDefined();
    const view = await ticketView(db, ticket!);
    expect(view.attachments.map((link) => [link.attachment.fileName, link.attachment.sha256])).toEqual([
      ['groapă în drum.png', sha256(png)],
      ['cerere.pdf', sha256(pdf)],
    ]);
  });

  it('refuses a program, a file whose content is not its type, an empty file and one above the limit, with a coded error', async () => {
    const sessionId = await openSession();
    const program = await upload(sessionId, Buffer.from('MZ\x90\x00program'), 'application/x-msdownload', 'setup.exe');
    expect(program.statusCode).toBe(415);
    expect(program.json()).toMatchObject({ error: { code: 'FV_ERR_ATTACHMENT_TYPE' } });

    const disguised = await upload(sessionId, Buffer.from('MZ\x90\x00program'), 'image/png', 'poza.png');
    expect(disguised.statusCode).toBe(415);
    expect(disguised.json()).toMatchObject({ error: { code: 'FV_ERR_ATTACHMENT_TYPE' } });

    const empty = await upload(sessionId, Buffer.alloc(0), 'image/png', 'gol.png');
    expect(empty.statusCode).toBe(400);

    const large = Buffer.concat([pdf, Buffer.alloc(citizenFileMaximumBytes)]);
    const tooLarge = await upload(sessionId, large, 'application/pdf', 'mare.pdf');
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ error: { code: 'FV_ERR_ATTACHMENT_TOO_LARGE' } });

    const unknown = await upload('no-such-session', png, 'image/png', 'a.png');
    expect(unknown.statusCode).toBe(404);

    // Nothing was stored and nothing reached the conversation.
    const history = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
    expect((history.json() as { messages: unknown[] }).messages).toEqual([]);
    const stored = fs.existsSync(path.join(testApp.dataDirectory, 'attachments')) ? fs.readdirSync(path.join(testApp.dataDirectory, 'attachments')) : [];
    expect(stored.filter((name) => !name.startsWith(sha256(png)) && !name.startsWith(sha256(pdf)))).toEqual([]);
  });

  it('takes a file up to the limit (far above the 64 KiB of other routes)', async () => {
    const sessionId = await openSession();
    const scan = Buffer.concat([pdf, Buffer.alloc(citizenFileMaximumBytes - pdf.length, 0x20)]);
    const response = await upload(sessionId, scan, 'application/pdf', 'scanare.pdf');
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    expect((response.json() as { attachment: { size: number; sha256: string } }).attachment).toMatchObject({ size: citizenFileMaximumBytes, sha256: sha256(scan) });
  });

  it('keeps the 64 KiB limit on every other web chat route', async () => {
    const sessionId = await openSession();
    const response = await testApp.app.inject({
      method: 'POST',
      url: `/api/webchat/sessions/${sessionId}/messages`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ text: 'x'.repeat(70 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
  });
});
