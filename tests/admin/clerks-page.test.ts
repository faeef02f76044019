import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClerkPassword } from '../../src/admin/clerk-accounts.ts';
import { firstRow } from '../../src/database/connection.ts';
import { clerks, ticketEvents } from '../../src/database/schema.ts';
import { eventLabel } from '../../src/tickets/ticket-labels.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { AdminClient, textOf } from './admin-client.ts';

// Issue 18: the editor right is given in /admin too. Every clerk sees the list of clerks; only an
// editor gets the buttons and may post; each change is audited; the last editor cannot give it up.

let testApp: TestApp;
const passwords = { eva: 'editoarea-are-parola-lunga', ana: 'parola-anei-lunga-2026' };
let anaId: number;
let evaId: number;

function database() {
  return testApp.app.functionar.database.db;
}

async function signedIn(name: string, password: string): Promise<AdminClient> {
  const client = new AdminClient(testApp.app);
  const response = await client.logIn(name, password);
  expect(response.statusCode, textOf(response.body)).toBe(303);
  return client;
}

async function isEditor(id: number): Promise<boolean> {
  return (await firstRow(database().select({ editor: clerks.editor }).from(clerks).where(eq(clerks.id, id))))!.editor;
}

async function editorAudit() {
  return database().select().from(ticketEvents).where(inArray(ticketEvents.kind, ['editor_right_granted', 'editor_right_revoked'])).orderBy(ticketEvents.id);
}

/** The form of a clerk's row on the last page: its action and the value it posts. */
function rowForm(page: string, clerkId: number): { action: string; editor: string } | undefined {
  const row = new RegExp(`<tr data-testid="clerk-row" data-clerk="${clerkId}"[\\s\\S]*?</tr>`).exec(page)?.[0] ?? '';
  const action = /<form method="post" action="([^"]+)"/.exec(row)?.[1];
  const editor = /name="editor" value="(on|off)"/.exec(row)?.[1];
  return action && editor ? { action, editor } : undefined;
}

beforeAll(async () => {
  testApp = await startTestApp();
  const db = database();
  evaId = (await addClerk(db, { name: 'Eva Editor', department: 'urbanism', telegramId: '5001', editor: true })).id;
  anaId = (await addClerk(db, { name: 'Ana Pop', department: 'registratura', whatsapp: '0740123456' })).id;
  await setClerkPassword(db, 'Eva Editor', passwords.eva);
  await setClerkPassword(db, 'Ana Pop', passwords.ana);
}, 120_000);

afterAll(async () => {
  await testApp?.close();
});

describe('/admin/clerks', () => {
  it('lists the clerks with department, channels, active and editor; a non-editor sees no buttons and a post from them is 403', async () => {
    const ana = await signedIn('Ana Pop', passwords.ana);
    const page = await ana.get('/admin/clerks');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Eva Editor');
    expect(text).toMatch(/Eva Editor [^|]*?urbanism[^|]*? Telegram, web da editor/);
    expect(text).toMatch(/Ana Pop \(dvs\.\) [^|]*?[Rr]egistratur[^|]*? WhatsApp, web da nu/);
    expect(page.body).toContain('aria-current="page">Funcționari');
    expect(page.body).not.toContain('data-testid="editor-grant"');
    expect(page.body).not.toContain('data-testid="editor-revoke"');

    const refused = await ana.post(`/admin/clerks/${anaId}/editor`, { _csrf: ana.field('_csrf'), editor: 'on' });
    expect(refused.statusCode).toBe(403);
    expect(await isEditor(anaId)).toBe(false);
    expect(await editorAudit()).toEqual([]);
  });

  it('refuses a post without the CSRF token', async () => {
    const eva = await signedIn('Eva Editor', passwords.eva);
    const refused = await eva.post(`/admin/clerks/${anaId}/editor`, { _csrf: 'wrong', editor: 'on' });
    expect(refused.statusCode).toBe(403);
    expect(await isEditor(anaId)).toBe(false);
  });

  it('the only editor cannot revoke their own right, and is told why', async () => {
    const eva = await signedIn('Eva Editor', passwords.eva);
    await eva.get('/admin/clerks');
    const form = rowForm(eva.lastPage, evaId);
    expect(form).toEqual({ action: `/admin/clerks/${evaId}/editor`, editor: 'off' });
    const refused = await eva.submit(form!.action, { _csrf: eva.field('_csrf'), editor: form!.editor });
    expect(refused.statusCode).toBe(200);
    expect(textOf(refused.body)).toContain('Eva Editor este singurul editor activ');
    expect(await isEditor(evaId)).toBe(true);
    expect(await editorAudit()).toEqual([]);
  });

  it('an editor grants the right to another clerk, who can then edit; then gives up their own; both audited', async () => {
    const eva = await signedIn('Eva Editor', passwords.eva);
    await eva.get('/admin/clerks');
    const grant = rowForm(eva.lastPage, anaId);
    expect(grant).toEqual({ action: `/admin/clerks/${anaId}/editor`, editor: 'on' });
    const granted = await eva.submit(grant!.action, { _csrf: eva.field('_csrf'), editor: grant!.editor });
    expect(textOf(granted.body)).toContain('Ana Pop poate de acum edita procedurile');
    expect(await isEditor(anaId)).toBe(true);
    expect(granted.body).toMatch(new RegExp(`data-clerk="${anaId}" data-editor="yes"`));

    // Ana, now an editor, gets the buttons too.
    const ana = await signedIn('Ana Pop', passwords.ana);
    expect((await ana.get('/admin/clerks')).body).toContain('data-testid="editor-revoke"');

    const revokeOwn = rowForm(eva.lastPage, evaId)!;
    const revoked = await eva.submit(revokeOwn.action, { _csrf: eva.field('_csrf'), editor: revokeOwn.editor });
    expect(textOf(revoked.body)).toContain('Eva Editor nu mai poate edita procedurile');
    expect(await isEditor(evaId)).toBe(false);
    expect(revoked.body).not.toContain('data-testid="editor-grant"');

    const audit = await editorAudit();
    expect(audit).toEqual([
      expect.objectContaining({ ticketId: null, kind: 'editor_right_granted', actorType: 'clerk', actorId: String(evaId), channel: 'web', detail: { clerkId: anaId, clerkName: 'Ana Pop' } }),
      expect.objectContaining({ ticketId: null, kind: 'editor_right_revoked', actorType: 'clerk', actorId: String(evaId), channel: 'web', detail: { clerkId: evaId, clerkName: 'Eva Editor' } }),
    ]);
    expect(eventLabel('editor_right_granted', 'hu')).toBe('szerkesztői jog megadva egy ügyintézőnek');

    // Eva is no editor any more: her post is refused.
    const refused = await eva.post(`/admin/clerks/${anaId}/editor`, { _csrf: eva.field('_csrf'), editor: 'off' });
    expect(refused.statusCode).toBe(403);
    expect(await isEditor(anaId)).toBe(true);
  });
});
