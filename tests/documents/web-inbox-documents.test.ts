import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClerkPassword } from '../../src/admin/clerk-accounts.ts';
import { documents } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { AdminClient, textOf } from '../admin/admin-client.ts';
import { startTestApp, temporaryDirectory, type TestApp } from '../helpers/test-app.ts';

// A clerk in the web inbox opens a request, follows "Emite document", previews the PDF (no number, no
// signature), issues it, and finds it in the outgoing register, searchable and exported as CSV.

const password = 'parola-lunga-de-test-17';
let testApp: TestApp;
let workDirectory: string;

async function fileRequest(): Promise<string> {
  const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  const { sessionId } = session.json() as { sessionId: string };
  let last = '';
  for (const text of ['vreau sa depun o cerere', 'Solicit certificat de nomenclatură stradală pentru casa nouă', 'Ilona Bartha', 'sari peste', 'da']) {
    const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
    last = (response.json() as { replies: { text: string }[] }).replies.map((reply) => reply.text).join('\n');
  }
  const label = /numărul (\d+\/\d{4})/.exec(last)?.[1];
  expect(label, last).toBeDefined();
  return label ?? '';
}

beforeAll(async () => {
  workDirectory = temporaryDirectory();
  // The documents have their own certificate (e.g. the mayor's); the receipts none.
  const key = path.join(workDirectory, 'documents.key');
  const certificate = path.join(workDirectory, 'documents.crt');
  const bundle = path.join(workDirectory, 'documents.p12');
  expect(spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=Primar Balauseri Test', '-days', '2', '-keyout', key, '-out', certificate]).status).toBe(0);
  expect(spawnSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', certificate, '-out', bundle, '-passout', 'pass:alta-parola']).status).toBe(0);
  testApp = await startTestApp({ PUBLIC_URL: 'https://bot.primaria-balauseri.ro', DOCUMENT_CERTIFICATE_PATH: bundle, DOCUMENT_CERTIFICATE_PASSWORD: 'alta-parola' });
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'urbanism' });
  await setClerkPassword(testApp.app.functionar.database.db, 'Ana Pop', password);
}, 60_000);

afterAll(async () => {
  await testApp?.close();
  if (workDirectory) fs.rmSync(workDirectory, { recursive: true, force: true });
});

describe('issuing from the web inbox', () => {
  it('previews the PDF before issuing, issues it, and lists it in the searchable, exportable registers', async () => {
    const label = await fileRequest();
    const [number, year] = label.split('/');
    const client = new AdminClient(testApp.app);
    expect((await client.logIn('Ana Pop', password)).statusCode).toBe(303);

    const ticketPage = await client.get(`/admin/tickets/${year}/${number}`);
    expect(ticketPage.body).toContain(`href="/admin/tickets/${year}/${number}/issue"`);
    const form = await client.get(`/admin/tickets/${year}/${number}/issue`);
    expect(form.statusCode).toBe(200);
    expect(textOf(form.body)).toContain('CERTIFICAT DE NOMENCLATURĂ STRADALĂ ȘI ADRESĂ');
    // The civil-status duplicate is offered but cannot be chosen: it is handed over in person.
    expect(form.body).toMatch(/value="certificate-stare-civila-duplicat"\s+disabled/);

    const fields = { _csrf: client.field('_csrf'), template: 'certificat-nomenclatura-adresa', text: 'adresa: sat Chendu nr. 45\nscop: intabulare\nImobilului situat în sat Chendu, înscris în CF 50123, i s-a atribuit numărul administrativ 45.' };
    const preview = await client.post(`/admin/tickets/${year}/${number}/issue/preview`, fields);
    expect(preview.statusCode, preview.body.slice(0, 300)).toBe(200);
    expect(preview.headers['content-type']).toBe('application/pdf');
    const previewFile = path.join(workDirectory, 'preview.pdf');
    fs.writeFileSync(previewFile, preview.rawPayload);
    const previewText = spawnSync('pdftotext', [previewFile, '-'], { encoding: 'utf8' }).stdout;
    expect(previewText).toContain('PREVIZUALIZARE');
    expect(previewText).toContain('numărul administrativ 45');
    expect(await testApp.app.functionar.database.db.select().from(documents)).toHaveLength(0);

    const issued = await client.submit(`/admin/tickets/${year}/${number}/issue`, fields);
    expect(textOf(issued.body)).toMatch(/CERTIFICAT DE NOMENCLATURĂ STRADALĂ ȘI ADRESĂ nr\. 1\/\d{4} emis/);
    const [row] = await testApp.app.functionar.database.db.select().from(documents);
    expect(row).toMatchObject({ number: 1, template: 'certificat-nomenclatura-adresa', archiveEntry: 'II-3', signed: true, signer: 'CN=Primar Balauseri Test' });
    // …while the registration receipts, without RECEIPT_CERTIFICATE_PATH, stay unsigned.
    expect(testApp.logLines.some((line) => String(line.msg).startsWith('registration receipts are issued unsigned'))).toBe(true);

    const register = await client.get(`/admin/documents?register=iesire&year=${year}&q=nomenclatur`);
    expect(textOf(register.body)).toContain(`1/${year}`);
    expect((await client.get(`/admin/documents?register=iesire&year=${year}&q=inexistent`)).body).not.toContain('data-testid="outgoing-entry"');
    const incoming = await client.get(`/admin/documents?register=intrare&year=${year}`);
    expect(textOf(incoming.body)).toContain(label);
    const csv = await client.get(`/admin/documents/export.csv?register=iesire&year=${year}`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain(`1/${year}`);
  }, 60_000);
});
