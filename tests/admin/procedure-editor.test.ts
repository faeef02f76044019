import fs from 'node:fs';
import path from 'node:path';
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClerkPassword } from '../../src/admin/clerk-accounts.ts';
import { knowledgeVersions, ticketEvents } from '../../src/database/schema.ts';
import type { KnowledgeReload } from '../../src/knowledge/knowledge-base.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { copyKnowledge, realKnowledgeDirectory } from '../helpers/chroma.ts';
import { eventually, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { AdminClient, textOf } from './admin-client.ts';

// Issue 18: a clerk with the editor right changes a procedure in /admin and the running bot answers with
// the new text, without a restart. Everything runs on a copy of knowledge/ (KNOWLEDGE_DIR), never the repository's.

let testApp: TestApp;
let knowledgeDirectory: string;
const editorPassword = 'editoarea-are-parola-lunga';
const slug = 'certificat-urbanism';
const newFee = 'Taxa este de 17 lei conform HCL Bălăușeri nr. 41/2026.';

function database() {
  return testApp.app.functionar.database.db;
}

function knowledge() {
  return testApp.app.answering.knowledge!;
}

async function signedIn(name: string, password: string): Promise<AdminClient> {
  const client = new AdminClient(testApp.app);
  const response = await client.logIn(name, password);
  expect(response.statusCode, textOf(response.body)).toBe(303);
  return client;
}

/** The form's fields as the browser would post them, read from the edit page. */
function formFields(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const form = /<form method="post" action="[^"]*\/preview"[\s\S]*?<\/form>/.exec(page)?.[0] ?? '';
  const decode = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  for (const match of form.matchAll(/<input ([^>]*)>/g)) {
    const attributes = match[1]!;
    const name = /name="([^"]*)"/.exec(attributes)?.[1];
    if (!name) continue;
    if (/type="checkbox"/.test(attributes)) {
      if (/\bchecked\b/.test(attributes)) fields[name] = /value="([^"]*)"/.exec(attributes)?.[1] ?? 'on';
      continue;
    }
    fields[name] = decode(/value="([^"]*)"/.exec(attributes)?.[1] ?? '');
  }
  for (const match of form.matchAll(/<textarea [^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g)) fields[match[1]!] = decode(match[2]!);
  for (const match of form.matchAll(/<select [^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) fields[match[1]!] = /<option value="([^"]*)"\s+selected/.exec(match[2]!)?.[1] ?? '';
  return fields;
}

async function citizenAsks(text: string): Promise<string> {
  const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  const sessionId = (session.json() as { sessionId: string }).sessionId;
  const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { replies: { text: string }[] }).replies.map((reply) => reply.text).join('\n');
}

/** The next reload of this kind that read this file (the watcher also reports the editor's own writes). */
function nextReload(trigger: KnowledgeReload['trigger'], file: string): Promise<KnowledgeReload> {
  return new Promise((resolve) => {
    const unsubscribe = knowledge().onReloaded((reload) => {
      if (reload.trigger !== trigger || !reload.files.includes(file)) return;
      unsubscribe();
      resolve(reload);
    });
  });
}

beforeAll(async () => {
  knowledgeDirectory = copyKnowledge(realKnowledgeDirectory);
  testApp = await startTestApp({ KNOWLEDGE_DIR: knowledgeDirectory });
  await addClerk(database(), { name: 'Ana Pop', department: 'registratura' });
  await addClerk(database(), { name: 'Eva Editor', department: 'urbanism', editor: true });
  await setClerkPassword(database(), 'Ana Pop', 'parola-anei-lunga-2026');
  await setClerkPassword(database(), 'Eva Editor', editorPassword);
}, 120_000);

afterAll(async () => {
  await testApp?.close();
  fs.rmSync(knowledgeDirectory, { recursive: true, force: true });
});

describe('the procedure editor', () => {
  it('refuses a clerk without the editor right (403) on every editor page', async () => {
    const client = await signedIn('Ana Pop', 'parola-anei-lunga-2026');
    for (const url of ['/admin/procedures', `/admin/procedures/${slug}`, '/admin/knowledge/town-hall', `/admin/procedures/${slug}/history`]) {
      const response = await client.get(url);
      expect(response.statusCode, url).toBe(403);
    }
    const response = await client.post(`/admin/procedures/${slug}/unpublish`, { _csrf: client.field('_csrf') });
    expect(response.statusCode).toBe(403);
    expect(fs.existsSync(path.join(knowledgeDirectory, 'procedures', `${slug}.md`))).toBe(true);
  });

  it('lists the procedures with RO and HU titles, department and counts', async () => {
    const client = await signedIn('Eva Editor', editorPassword);
    const response = await client.get('/admin/procedures');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`data-slug="${slug}"`);
    expect(textOf(response.body)).toContain('Településrendezési bizonyítvány');
  });

  it('edits the fee, previews it in each language, publishes, and the web chat answers with the new fee at once', async () => {
    const client = await signedIn('Eva Editor', editorPassword);
    const edit = await client.get(`/admin/procedures/${slug}`);
    expect(edit.statusCode).toBe(200);
    const fields = formFields(edit.body);
    expect(fields.fee_ro).toMatch(/HCL/);
    fields.fee_ro = newFee;
    const preview = await client.post(`/admin/procedures/${slug}/preview`, fields);
    expect(preview.statusCode, textOf(preview.body)).toBe(200);
    expect(preview.body.match(/data-testid="answer-preview"/g)).toHaveLength(3);
    expect(textOf(preview.body)).toContain(newFee);
    expect(textOf(preview.body)).toContain('Ce se schimbă');
    // Not yet published: the citizen still gets the old fee.
    expect(await citizenAsks('cat costa certificatul de urbanism?')).not.toContain('17 lei');

    const content = /name="content" value="([^"]*)"/.exec(preview.body)?.[1];
    expect(content).toBeDefined();
    const published = await client.submit(`/admin/procedures/${slug}/publish`, { _csrf: client.field('_csrf'), content: content!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'), summary: 'taxa nouă' });
    expect(published.statusCode, textOf(published.body)).toBe(200);
    expect(textOf(published.body)).toContain('a fost publicată');
    expect(fs.readFileSync(path.join(knowledgeDirectory, 'procedures', `${slug}.md`), 'utf8')).toContain(newFee);
    expect(await citizenAsks('cat costa certificatul de urbanism?')).toContain('17 lei');

    const versions = await database().select().from(knowledgeVersions).where(eq(knowledgeVersions.file, path.join('procedures', `${slug}.md`)));
    expect(versions.map((version) => version.action)).toEqual(['disk', 'publish']);
    const audit = await database().select().from(ticketEvents).where(eq(ticketEvents.kind, 'knowledge_published'));
    expect(audit.at(-1)).toMatchObject({ ticketId: null, actorType: 'clerk', channel: 'web' });
  });

  it('restores the previous version from the history, and the bot answers with the old fee again', async () => {
    const client = await signedIn('Eva Editor', editorPassword);
    const history = await client.get(`/admin/procedures/${slug}/history`);
    expect(history.statusCode).toBe(200);
    const restoreAction = /action="(\/admin\/procedures\/[^"]+\/restore\/\d+)"/.exec(history.body)?.[1];
    expect(restoreAction).toBeDefined();
    const restored = await client.submit(restoreAction!, { _csrf: client.field('_csrf') });
    expect(textOf(restored.body)).toContain('restaurată');
    expect(fs.readFileSync(path.join(knowledgeDirectory, 'procedures', `${slug}.md`), 'utf8')).not.toContain(newFee);
    expect(await citizenAsks('cat costa certificatul de urbanism?')).not.toContain('17 lei');
  });

  it('says what to fix: a fee amount without its source, no legal basis, a document list empty in Hungarian', async () => {
    const client = await signedIn('Eva Editor', editorPassword);
    const fields = formFields((await client.get(`/admin/procedures/${slug}`)).body);
    fields.fee_ro = 'Taxa este 25 lei.';
    fields.legal_basis = '';
    for (const name of Object.keys(fields)) if (/^document_\d+_hu$/.test(name)) fields[name] = '';
    const preview = await client.post(`/admin/procedures/${slug}/preview`, fields);
    expect(preview.statusCode).toBe(400);
    const text = textOf(preview.body);
    expect(text).toContain('Taxa nu spune de unde vine');
    expect(text).toContain('nu au temei legal');
    expect(text).toContain('Lista de acte este goală în limba maghiară');
    expect(preview.body).not.toContain('data-testid="procedure-publish"');
  });

  it('creates a new procedure from the blank template, then unpublishes it', async () => {
    const client = await signedIn('Eva Editor', editorPassword);
    const blank = await client.get('/admin/procedures/new');
    expect(blank.statusCode).toBe(200);
    const fields = formFields(blank.body);
    Object.assign(fields, {
      slug: 'autorizatie-foraj-fantana',
      title_ro: 'Autorizație pentru forarea unei fântâni',
      title_hu: 'Kútfúrási engedély',
      department: 'urbanism',
      where_ro: 'Compartimentul urbanism',
      where_hu: 'Településrendezési részleg',
      deadline_days: '30',
      deadline_ro: 'Răspuns în 30 de zile.',
      deadline_hu: 'Válasz 30 napon belül.',
      fee_ro: 'Gratuit.',
      fee_hu: 'Ingyenes.',
      legal_basis: 'Legea apelor 107/1996',
      source: 'Legea 107/1996 – https://legislatie.just.ro',
      keywords_ro: 'forare fantana\nfantana forata\nput forat',
      keywords_hu: 'kútfúrás\nfúrt kút',
      document_0_ro: 'Cerere',
      document_0_hu: 'Kérelem',
    });
    const preview = await client.post('/admin/procedures/new/preview', fields);
    expect(preview.statusCode, textOf(preview.body)).toBe(200);
    expect(preview.body).toContain('data-testid="missing-translation"');
    const content = /name="content" value="([^"]*)"/.exec(preview.body)![1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const created = await client.submit('/admin/procedures/autorizatie-foraj-fantana/publish', { _csrf: client.field('_csrf'), content, summary: 'procedură nouă' });
    expect(created.statusCode, textOf(created.body)).toBe(200);
    expect(knowledge().procedure('autorizatie-foraj-fantana')?.title.hu).toBe('Kútfúrási engedély');
    expect(await citizenAsks('vreau sa fac o fantana forata, ce acte trebuie pentru forare fantana?')).toContain('Autorizație pentru forarea unei fântâni');

    const unpublished = await client.submit('/admin/procedures/autorizatie-foraj-fantana/unpublish', { _csrf: client.field('_csrf') });
    expect(textOf(unpublished.body)).toContain('a fost retrasă');
    expect(knowledge().procedure('autorizatie-foraj-fantana')).toBeUndefined();
    expect(fs.existsSync(path.join(knowledgeDirectory, '.unpublished', 'autorizatie-foraj-fantana.md'))).toBe(true);
    const versions = await database().select().from(knowledgeVersions).where(eq(knowledgeVersions.file, path.join('procedures', 'autorizatie-foraj-fantana.md')));
    const actions = versions.map((version) => version.action);
    expect(actions).toEqual(['create', 'unpublish']);
  });

  it('keeps example questions per language: the preview shows which procedure each finds, publishing writes them to the file', async () => {
    const client = await signedIn('Eva Editor', editorPassword);
    const fields = formFields((await client.get(`/admin/procedures/${slug}`)).body);
    expect(fields).toHaveProperty('examples_ro', '');
    fields.examples_ro = 'cat costa certificatul de urbanism?\nce acte trebuie pentru autorizatia de construire a casei?';
    fields.examples_hu = 'mennyibe kerül a településrendezési bizonyítvány?';
    const preview = await client.post(`/admin/procedures/${slug}/preview`, fields);
    expect(preview.statusCode, textOf(preview.body)).toBe(200);
    const checks = [...preview.body.matchAll(/data-testid="example-check" data-found="([^"]*)" lang="([a-z]{2})"/g)].map((match) => [match[2], match[1]]);
    expect(checks).toEqual([
      ['ro', slug],
      ['ro', 'autorizatie-construire'],
      ['hu', slug],
    ]);
    expect(textOf(preview.body)).toContain('găsește altă procedură: Autorizație de construire');

    const content = /name="content" value="([^"]*)"/.exec(preview.body)![1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const published = await client.submit(`/admin/procedures/${slug}/publish`, { _csrf: client.field('_csrf'), content, summary: 'exemple de întrebări' });
    expect(published.statusCode, textOf(published.body)).toBe(200);
    const file = fs.readFileSync(path.join(knowledgeDirectory, 'procedures', `${slug}.md`), 'utf8');
    expect(file).toMatch(/^ {2}en: \[[^\n]*\]\nexamples:\n {2}ro:\n {4}- "cat costa certificatul de urbanism\?"\n/m);
    expect(knowledge().procedure(slug)?.examples).toEqual({ ro: ['cat costa certificatul de urbanism?', 'ce acte trebuie pentru autorizatia de construire a casei?'], hu: ['mennyibe kerül a településrendezési bizonyítvány?'], en: [] });
    // The edit page offers them again, one per line.
    expect(formFields(published.body).examples_hu).toBe('mennyibe kerül a településrendezési bizonyítvány?');
  });

  it('edits town-hall.md as raw YAML: a schema error is shown with its line, a valid change publishes', async () => {
    const client = await signedIn('Eva Editor', editorPassword);
    const page = await client.get('/admin/knowledge/town-hall');
    expect(page.statusCode).toBe(200);
    const original = fs.readFileSync(path.join(knowledgeDirectory, 'town-hall.md'), 'utf8');
    const broken = await client.post('/admin/knowledge/town-hall/preview', { _csrf: client.field('_csrf'), content: original.replace(/^email: .*$/m, 'email: nu-este-email'), intent: 'preview' });
    expect(broken.statusCode).toBe(400);
    expect(textOf(broken.body)).toMatch(/town-hall\.md:\d+: email/);
    const changed = original.replace(/^phone: .*$/m, 'phone: "0265 000 111"');
    const published = await client.submit('/admin/knowledge/town-hall/preview', { _csrf: client.field('_csrf'), content: changed, intent: 'publish', summary: 'telefon nou' });
    expect(textOf(published.body)).toContain('a fost publicat');
    expect(knowledge().townHall().phone).toBe('0265 000 111');
  });

  it('picks up a file changed by hand on the server and records it in the history', async () => {
    const file = path.join(knowledgeDirectory, 'procedures', 'petitie.md');
    const reloaded = nextReload('disk', path.join('procedures', 'petitie.md'));
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^fee:\n {2}ro: .*$/m, 'fee:\n  ro: "Petiția este gratuită (modificat de mână)."'));
    const reload = await reloaded;
    expect(reload.files).toContain(path.join('procedures', 'petitie.md'));
    expect(knowledge().procedure('petitie')?.fee.ro).toBe('Petiția este gratuită (modificat de mână).');
    // Recorded by a listener of the reload, in its own transaction: on PostgreSQL it commits a moment later.
    const latest = async () => (await database().select().from(knowledgeVersions).where(eq(knowledgeVersions.file, path.join('procedures', 'petitie.md'))).orderBy(desc(knowledgeVersions.id)).limit(1))[0];
    const recorded = await eventually(
      async () => {
        const version = await latest();
        return version?.action === 'disk' ? version : undefined;
      },
      5000,
      'the disk version in the history',
    );
    expect(recorded?.summary).toBe('modificat pe disc');
  });
});
