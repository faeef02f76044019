import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstRow } from '../../src/database/connection.ts';
import { receipts, tickets } from '../../src/database/schema.ts';
import { receiptFor } from '../../src/receipts/index.ts';
import { findPdfSignature } from '../../src/receipts/pdf-signature.ts';
import { checkReceiptFile } from '../../src/receipts/receipt-file-check.ts';
import { createReceiptService } from '../../src/receipts/receipt-registry.ts';
import { repositoryRoot, runCli } from '../helpers/cli.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';

// A citizen registers a report in the web chat of the town hall's site and downloads the signed
// "confirmare de înregistrare" from the link in the confirmation. Anyone holding the PDF can check it:
// the verification page, `functionar receipt verify`, and independent tools (poppler's pdfsig, openssl cms).

const artifacts = path.join(repositoryRoot, 'tests/artifacts/receipts');
const publicUrl = 'https://asistent.balauseri.ro';
let workDirectory: string;
let certificateFile: string;
let signedApp: TestApp;

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: workDirectory, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The real CLI, on the data directory of an app under test. */
function functionar(testApp: TestApp, args: string[]) {
  return runCli(args, { environment: { DATA_DIR: testApp.dataDirectory } });
}

async function say(testApp: TestApp, sessionId: string, text: string): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { replies: { text: string }[] }).replies.map((reply) => reply.text).join('\n');
}

async function openSession(testApp: TestApp): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  return (response.json() as { sessionId: string }).sessionId;
}

/** Files a report through the web chat; returns the confirmation text. */
async function fileReport(testApp: TestApp, sessionId: string): Promise<string> {
  await say(testApp, sessionId, 'Vreau să depun o sesizare');
  await say(testApp, sessionId, 'Becul de pe strada Morii nr. 7 din Chendu nu mai funcționează de o săptămână');
  await say(testApp, sessionId, 'Ion Popescu');
  await say(testApp, sessionId, '0740 123 456');
  return say(testApp, sessionId, 'da');
}

function receiptLink(confirmation: string): string {
  const url = /(https:\/\/\S+\/receipt\.pdf)/.exec(confirmation)?.[1];
  expect(url, confirmation).toBeDefined();
  return (url ?? '').slice(publicUrl.length);
}

function pdfText(file: string): string {
  return run('pdftotext', ['-layout', file, '-']).output;
}

/** Page 1 as a PNG under tests/artifacts/ (git-ignored), to look at the layout and the diacritics. */
function renderPage(file: string, name: string): void {
  fs.mkdirSync(artifacts, { recursive: true });
  const result = run('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', file, path.join(artifacts, name)]);
  expect(result.status, result.output).toBe(0);
}

beforeAll(async () => {
  workDirectory = temporaryDirectory();
  // A throw-away certificate, as a town hall would get a real one from a qualified provider.
  const key = path.join(workDirectory, 'receipt.key');
  const certificate = path.join(workDirectory, 'receipt.crt');
  certificateFile = path.join(workDirectory, 'receipt.p12');
  const request = run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=Primaria Balauseri Test', '-days', '2', '-keyout', key, '-out', certificate]);
  expect(request.status, request.output).toBe(0);
  const bundle = run('openssl', ['pkcs12', '-export', '-inkey', key, '-in', certificate, '-out', certificateFile, '-passout', 'pass:parola-de-test']);
  expect(bundle.status, bundle.output).toBe(0);
  signedApp = await startTestApp({ PUBLIC_URL: publicUrl, RECEIPT_CERTIFICATE_PATH: certificateFile, RECEIPT_CERTIFICATE_PASSWORD: 'parola-de-test' });
});

afterAll(async () => {
  await signedApp?.close();
  if (workDirectory) fs.rmSync(workDirectory, { recursive: true, force: true });
});

describe('a signed registration receipt', () => {
  let sessionId: string;
  let link: string;
  let receiptFile: string;
  let receiptBytes: Buffer;
  let label: string;
  let code: string;

  it('is downloaded from the link in the web chat confirmation, as a PDF made once and kept', async () => {
    sessionId = await openSession(signedApp);
    const confirmation = await fileReport(signedApp, sessionId);
    label = /numărul (\d+\/\d{4})/.exec(confirmation)?.[1] ?? '';
    expect(label).not.toBe('');
    link = receiptLink(confirmation);
    // The link names the request and a token, never the session id (the citizen's only credential).
    expect(link).toMatch(new RegExp(`^/api/webchat/receipts/${label.replace('/', '-')}/[A-Za-z0-9_-]{22}/receipt\\.pdf$`));
    expect(confirmation).not.toContain(sessionId);

    // Two downloads at once (a double tap) still make one receipt.
    const [first, second] = await Promise.all([signedApp.app.inject({ method: 'GET', url: link }), signedApp.app.inject({ method: 'GET', url: link })]);
    expect(first?.statusCode, first?.body).toBe(200);
    expect(first?.headers['content-type']).toBe('application/pdf');
    expect(first?.headers['content-disposition']).toBe(`attachment; filename="confirmare-${label.replace('/', '-')}.pdf"`);
    receiptBytes = first?.rawPayload ?? Buffer.alloc(0);
    expect(receiptBytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(second?.rawPayload.equals(receiptBytes)).toBe(true);
    const later = await signedApp.app.inject({ method: 'GET', url: link });
    expect(later.rawPayload.equals(receiptBytes)).toBe(true);

    const db = signedApp.app.functionar.database.db;
    const [number, year] = label.split('/').map(Number);
    const ticket = (await db.select().from(tickets).where(eq(tickets.number, number ?? 0))).find((row) => row.year === year);
    const rows = await db.select().from(receipts).where(eq(receipts.ticketId, ticket?.id ?? 0));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ signed: true, signer: 'CN=Primaria Balauseri Test', sha256: createHash('sha256').update(receiptBytes).digest('hex') });
    code = rows[0]?.code ?? '';
    // What a Telegram or WhatsApp adapter sends as a document: the same stored file.
    const forAdapters = await receiptFor({ config: signedApp.config, database: db }, { id: ticket?.id ?? 0 });
    expect(forAdapters.fileName).toBe(`confirmare-${label.replace('/', '-')}.pdf`);
    expect(forAdapters.bytes.equals(receiptBytes)).toBe(true);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/);

    receiptFile = path.join(workDirectory, `confirmare-${label.replace('/', '-')}.pdf`);
    fs.writeFileSync(receiptFile, receiptBytes);
    const text = pdfText(receiptFile);
    for (const expected of [
      'Primăria Comunei Bălăușeri',
      'Balavásár Község Polgármesteri Hivatala',
      'CONFIRMARE DE ÎNREGISTRARE',
      label,
      'Becul de pe strada Morii',
      'sesizare',
      `Termen legal de răspuns                 ${ticket?.dueDate.split('-').reverse().join('.')}`,
      `Temei legal al termenului               ${ticket?.dueRule.slice(0, 40)}`,
      'OG 27/2002',
      'Ce urmează',
      'Magyarul: kérelmét',
      code,
      `${publicUrl}/verify/${code}`,
      'Semnat electronic de: Primaria Balauseri Test',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('[de completat]');
    expect(text).not.toContain('nesemnat');
    renderPage(receiptFile, 'receipt-signed');
  });

  it('carries a signature that independent tools (poppler pdfsig, openssl cms) validate over the whole file', () => {
    const result = run('pdfsig', [receiptFile]);
    expect(result.output).toContain('Signature Type: ETSI.CAdES.detached');
    expect(result.output).toContain('Signer full Distinguished Name: CN=Primaria Balauseri Test');
    expect(result.output).toContain('Signing Hash Algorithm: SHA-256');
    expect(result.output).toContain('Total document signed');
    expect(result.output).toContain('Signature Validation: Signature is Valid.');
    // A throw-away certificate is trusted by nobody; that is the certificate's business, not the signature's.
    expect(result.output).toMatch(/Certificate Validation: (Certificate issuer isn't Trusted|Unknown issuer)/);

    // OpenSSL checks the CMS itself, including that the signing-certificate-v2 attribute names the signer.
    const signature = findPdfSignature(receiptBytes);
    expect(signature?.coversWholeFile).toBe(true);
    const cmsFile = path.join(workDirectory, 'signature.der');
    const contentFile = path.join(workDirectory, 'signed-ranges.bin');
    fs.writeFileSync(cmsFile, signature?.cms ?? Buffer.alloc(0));
    fs.writeFileSync(contentFile, signature?.signedContent ?? Buffer.alloc(0));
    const cms = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cmsFile, '-content', contentFile, '-noverify', '-out', '/dev/null']);
    expect(cms.output).toContain('CMS Verification successful');
    expect(run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', cmsFile]).output).toContain('id-smime-aa-signingCertificateV2');
  });

  it('is confirmed authentic and unchanged by `functionar receipt verify`', async () => {
    const result = await functionar(signedApp, ['receipt', 'verify', receiptFile]);
    expect(result.status, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toContain(`(request ${label})`);
    expect(result.stdout).toMatch(new RegExp(`ok +code +${code} belongs to request ${label}`));
    expect(result.stdout).toMatch(/ok +sha256 +[0-9a-f]{64} — identical to the receipt issued/);
    expect(result.stdout).toMatch(/ok +signature valid \(ETSI\.CAdES\.detached\), covers the whole file, signed by CN=Primaria Balauseri Test/);
    expect(result.stdout).toContain('AUTHENTIC AND UNCHANGED');
  });

  it('with one byte changed, is refused by `receipt verify` and by pdfsig', async () => {
    const tampered = Buffer.from(receiptBytes);
    // Change a digit of the creation date in the document information: still a well-formed PDF.
    const text = tampered.toString('latin1');
    const at = text.indexOf('/CreationDate (D:') + '/CreationDate (D:'.length;
    expect(at).toBeGreaterThan(20);
    tampered[at] = tampered[at] === 0x32 ? 0x33 : 0x32;
    const tamperedFile = path.join(workDirectory, 'modificat.pdf');
    fs.writeFileSync(tamperedFile, tampered);

    const verify = await functionar(signedApp, ['receipt', 'verify', tamperedFile]);
    expect(verify.status).toBe(1);
    expect(verify.stdout).toMatch(/FAIL sha256 +[0-9a-f]{64} differs from [0-9a-f]{64} recorded at issue: the file was changed/);
    expect(verify.stdout).toMatch(/FAIL signature INVALID: the signed content was changed/);
    expect(verify.stdout).toContain('NOT VERIFIED');

    const pdfsig = run('pdfsig', [tamperedFile]);
    expect(pdfsig.output).not.toContain('Signature is Valid');
    expect(pdfsig.output).toMatch(/Signature Validation: (Digest Mismatch|Signature is Invalid)/);
  });

  it('is refused when bytes are appended after signing, or when the file is not a receipt at all', async () => {
    const appended = path.join(workDirectory, 'adaugat.pdf');
    fs.writeFileSync(appended, Buffer.concat([receiptBytes, Buffer.from('\n% added later\n')]));
    const result = await functionar(signedApp, ['receipt', 'verify', appended]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('FAIL signature');

    const unrelated = await checkReceiptFile(signedApp.app.functionar.database.db, Buffer.from('%PDF-1.7\n%%EOF\n'));
    expect(unrelated.authentic).toBe(false);
    expect(unrelated.lines[0]?.detail).toContain('no verification code in the file');
  });

  it('has a code that /verify confirms with the number and date, and no personal data', async () => {
    const json = await signedApp.app.inject({ method: 'GET', url: `/verify/${code}`, headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(200);
    const body = json.json() as { valid: boolean; ticket: { number: string; type: string; dueDate: string }; receipt: { sha256: string; signed: boolean } };
    expect(body).toMatchObject({ valid: true, code, ticket: { number: label, type: 'sesizare' }, receipt: { signed: true, sha256: createHash('sha256').update(receiptBytes).digest('hex') } });
    expect(json.body).not.toMatch(/Popescu|0740|Morii|Becul/);

    // Typed by hand from the paper: lower case, no dashes, O for 0.
    const typed = code.replace(/-/g, '').toLowerCase().replace(/0/g, 'o');
    const page = await signedApp.app.inject({ method: 'GET', url: `/verify/${typed}`, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<html lang="ro">');
    expect(page.body).toContain('Cod valid');
    expect(page.body).toContain(label);
    expect(page.body).not.toMatch(/Popescu|0740|Morii|Becul/);

    const form = await signedApp.app.inject({ method: 'GET', url: `/verify?code=${encodeURIComponent(` ${typed} `)}` });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe(`/verify/${code}`);
  });

  it('answers an unknown code with 404 and "valid": false', async () => {
    const json = await signedApp.app.inject({ method: 'GET', url: '/verify/AAAAA-BBBBB-CCCCC-DDDDD', headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(404);
    expect(json.json()).toMatchObject({ valid: false, error: { code: 'FV_ERR_RECEIPT_CODE_UNKNOWN' } });
    const page = await signedApp.app.inject({ method: 'GET', url: '/verify/nu-e-un-cod' });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Cod necunoscut');
  });

  it('cannot be downloaded by another chat session: 404, the same as a request that does not exist', async () => {
    // The older form of the link (session id in the path) still works for its own session.
    const older = await signedApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/tickets/${label.replace('/', '-')}/receipt.pdf` });
    expect(older.statusCode).toBe(200);
    const stranger = await openSession(signedApp);
    const ticketPart = label.replace('/', '-');
    const attempts = [
      `/api/webchat/sessions/${stranger}/tickets/${ticketPart}/receipt.pdf`,
      `/api/webchat/sessions/${sessionId}/tickets/9999-2026/receipt.pdf`,
      `/api/webchat/sessions/no-such-session/tickets/${ticketPart}/receipt.pdf`,
      // The shown link with another session's token, or for another request: the same 404.
      link.replace(/\/receipts\/[^/]+\/[^/]+\//, `/receipts/${ticketPart}/${'A'.repeat(22)}/`),
      link.replace(/\/receipts\/[0-9]+-/, '/receipts/9999-'),
    ];
    for (const url of attempts) {
      const response = await signedApp.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toEqual({ error: { code: 'FV_ERR_RECEIPT_NOT_FOUND', message: 'No receipt for this request in this chat session' } });
    }
  });

  it("goes into the person's data export, and its file is deleted with their data while its code still verifies", async () => {
    const zipFile = path.join(workDirectory, 'export.zip');
    const exported = await functionar(signedApp, ['gdpr', 'export', '--contact', `webchat:${sessionId}`, '--out', zipFile]);
    expect(exported.status, exported.stderr).toBe(0);
    const inZip = spawnSync('unzip', ['-p', zipFile, `receipts/confirmare-${label.replace('/', '-')}.pdf`]).stdout;
    expect(Buffer.from(inZip).equals(receiptBytes)).toBe(true);

    const stored = await firstRow(signedApp.app.functionar.database.db.select().from(receipts).where(eq(receipts.code, code)));
    const storedFile = path.join(signedApp.dataDirectory, stored?.storagePath ?? 'missing');
    expect(fs.existsSync(storedFile)).toBe(true);
    // A copy left unrecorded by a crash between writing and recording it holds the same personal data.
    const [number, year] = label.split('/');
    const leftOver = path.join(signedApp.dataDirectory, 'receipts', `${year}-${number}-LEFT0-OVER0-AFTER-CRASH.pdf`);
    fs.copyFileSync(storedFile, leftOver);
    const erased = await functionar(signedApp, ['gdpr', 'erase', '--contact', `ticket:${label}`]);
    expect(erased.status, erased.stderr).toBe(0);
    expect(erased.stdout).toContain('2 files deleted');
    expect(fs.existsSync(storedFile)).toBe(false);
    expect(fs.existsSync(leftOver)).toBe(false);

    // The copy the citizen kept is still the town hall's receipt.
    expect(await checkReceiptFile(signedApp.app.functionar.database.db, receiptBytes)).toMatchObject({ authentic: true, ticket: label });
    const check = await signedApp.app.inject({ method: 'GET', url: `/verify/${code}`, headers: { accept: 'application/json' } });
    expect(check.json()).toMatchObject({ valid: true, ticket: { number: label } });
    expect((await signedApp.app.inject({ method: 'GET', url: link })).statusCode).toBe(404);
    await expect(receiptFor({ config: signedApp.config, database: signedApp.app.functionar.database.db }, { id: stored?.ticketId ?? 0 })).rejects.toMatchObject({
      code: 'FV_ERR_RECEIPT_ERASED',
      statusCode: 410,
    });
  });

  it('refuses a certificate file opened with the wrong password, naming the setting (the server does not start)', () => {
    const config = { ...signedApp.config, receipts: { certificatePath: certificateFile, certificatePassword: 'gresita' } };
    expect(() => createReceiptService({ config, database: signedApp.app.functionar.database.db })).toThrow(
      expect.objectContaining({ code: 'FV_ERR_RECEIPT_CERTIFICATE', message: expect.stringContaining('wrong RECEIPT_CERTIFICATE_PASSWORD') }),
    );
  });
});

describe('without a configured certificate', () => {
  let unsignedApp: TestApp;

  beforeAll(async () => {
    unsignedApp = await startTestApp({ PUBLIC_URL: publicUrl });
  });

  afterAll(async () => {
    await unsignedApp?.close();
  });

  it('the receipt is still issued, unsigned, and says so on the page', async () => {
    const sessionId = await openSession(unsignedApp);
    const link = receiptLink(await fileReport(unsignedApp, sessionId));
    const response = await unsignedApp.app.inject({ method: 'GET', url: link });
    expect(response.statusCode, response.body).toBe(200);
    const file = path.join(workDirectory, 'nesemnat.pdf');
    fs.writeFileSync(file, response.rawPayload);

    expect(pdfText(file)).toContain('Document nesemnat electronic');
    expect(run('pdfsig', [file]).output).toContain('does not contain any signatures');
    renderPage(file, 'receipt-unsigned');

    const code = /Cod de verificare[^\n]*\n\s*([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})/.exec(pdfText(file))?.[1] ?? '';
    const check = await unsignedApp.app.inject({ method: 'GET', url: `/verify/${code}`, headers: { accept: 'application/json' } });
    expect(check.json()).toMatchObject({ valid: true, receipt: { signed: false } });

    const verify = await functionar(unsignedApp, ['receipt', 'verify', file]);
    expect(verify.status, verify.stdout).toBe(0);
    expect(verify.stdout).toContain('none: this receipt was issued unsigned');
  });
});
