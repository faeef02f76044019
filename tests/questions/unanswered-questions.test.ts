import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClerkPassword } from '../../src/admin/clerk-accounts.ts';
import { ticketEvents } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { AdminClient, textOf } from '../admin/admin-client.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// Issue 14, item 4: what the bot could not answer is kept (masked, counted per phrasing); a clerk teaches
// a phrasing a procedure or marks it out of scope, from /admin or the CLI, and the running app answers
// that phrasing so at once — the CLI is another process sharing the SQLite file.

let testApp: TestApp;
const clerkPassword = 'corect-cal-baterie-capsa';

interface ChatReply {
  text: string;
  sources: { slug: string; title: string }[];
}

interface ListedQuestion {
  id: number;
  text: string;
  language: string;
  count: number;
  lastAskedAt: string;
  outcome: string;
  taughtSlug: string | null;
  taughtOutOfScope: boolean;
}

async function ask(text: string): Promise<ChatReply[]> {
  const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  const { sessionId } = session.json() as { sessionId: string };
  const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { replies: ChatReply[] }).replies;
}

async function listQuestions(): Promise<ListedQuestion[]> {
  const result = await runCli(['questions', 'list', '--json'], { environment: { DATA_DIR: testApp.dataDirectory } });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ListedQuestion[];
}

function slugsOf(replies: ChatReply[]): string[] {
  return replies.flatMap((reply) => reply.sources.map((source) => source.slug));
}

beforeAll(async () => {
  testApp = await startTestApp();
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura' });
  await setClerkPassword(testApp.app.functionar.database.db, 'Ana Pop', clerkPassword);
}, 120_000);

afterAll(async () => {
  await testApp?.close();
});

describe('questions the bot could not answer', () => {
  it('a question refused twice in the web chat is listed once, counted twice, with its CNP and phone masked', async () => {
    await ask('Imi puteti recomanda un avocat bun? CNP 1850101264052, tel 0740 123 456');
    await ask('Îmi puteți recomanda un avocat bun? CNP 1850101264052, tel 0740 123 456');

    const listed = await listQuestions();
    const lawyer = listed.filter((question) => question.text.includes('avocat'));
    expect(lawyer).toHaveLength(1);
    expect(lawyer[0]).toMatchObject({ language: 'ro', count: 2, outcome: 'refused', taughtSlug: null, taughtOutOfScope: false });
    expect(lawyer[0]?.text).toContain('[CNP]');
    expect(lawyer[0]?.text).toContain('[telefon …56]');
    expect(lawyer[0]?.text).not.toMatch(/1850101264052|0740/);
    // ★ DESIGN §4: every item carries these keys.
    for (const key of ['id', 'text', 'language', 'count', 'lastAskedAt']) expect(Object.keys(lawyer[0] ?? {})).toContain(key);
    expect(Number.isNaN(Date.parse(lawyer[0]?.lastAskedAt ?? ''))).toBe(false);
  }, 60_000);

  it('chit-chat refusals are not kept: they are not town-hall questions', async () => {
    const replies = await ask('Care este reteta de sarmale?');
    expect(replies[0]?.text).toContain('nu vă pot ajuta');
    expect((await listQuestions()).some((question) => question.text.includes('sarmale'))).toBe(false);
  }, 60_000);

  it('`questions teach ID SLUG` makes the running app answer that phrasing with that procedure, citing it, without a restart', async () => {
    const before = await ask('vreau informatii despre acte');
    expect(before[0]?.text).toContain('La care dintre acestea');
    const clarified = (await listQuestions()).find((question) => question.text === 'vreau informatii despre acte');
    expect(clarified).toMatchObject({ outcome: 'clarified', count: 1 });

    const taught = await runCli(['questions', 'teach', String(clarified?.id), 'informatii-publice'], { environment: { DATA_DIR: testApp.dataDirectory } });
    expect(taught.status, taught.stderr).toBe(0);
    expect(taught.stdout).toContain('informatii-publice');

    // The same phrasing, written with diacritics and punctuation, in the app that never restarted.
    const after = await ask('Vreau informații despre acte!');
    expect(slugsOf(after)).toEqual(['informatii-publice']);
    expect(after[0]?.text).toContain('informații de interes public');
    // Answered now: not counted again.
    expect((await listQuestions()).find((question) => question.id === clarified?.id)).toMatchObject({ count: 1, taughtSlug: 'informatii-publice' });

    // `ask` (another process) answers it the same way.
    const asked = await runCli(['ask', '--json', 'vreau informatii despre acte'], { environment: { DATA_DIR: testApp.dataDirectory } });
    expect(asked.status, asked.stderr).toBe(0);
    expect((JSON.parse(asked.stdout) as { sources: { slug: string }[] }).sources.map((source) => source.slug)).toEqual(['informatii-publice']);

    const audit = await testApp.app.functionar.database.db.select().from(ticketEvents).where(eq(ticketEvents.kind, 'question_taught'));
    expect(audit.at(-1)).toMatchObject({ ticketId: null, actorType: 'system', channel: 'cli', detail: { questionId: clarified?.id, slug: 'informatii-publice' } });
  }, 120_000);

  it('`questions teach` refuses a slug that is no procedure, and an id that does not exist', async () => {
    const [first] = await listQuestions();
    const unknownSlug = await runCli(['questions', 'teach', String(first?.id), 'nu-exista'], { environment: { DATA_DIR: testApp.dataDirectory } });
    expect(unknownSlug.status).toBe(1);
    expect(unknownSlug.stderr).toContain('nu-exista');
    const unknownId = await runCli(['questions', 'teach', '999999', '--out-of-scope'], { environment: { DATA_DIR: testApp.dataDirectory } });
    expect(unknownId.status).toBe(1);
    expect(unknownId.stderr).toContain('999999');
  }, 60_000);

  it('`questions teach ID --out-of-scope` makes a clarified phrasing an out-of-scope answer', async () => {
    const before = await ask('Primaria are agentie de turism?');
    expect(before[0]?.text).toContain('La care dintre acestea');
    const question = (await listQuestions()).find((listed) => listed.text.includes('agentie de turism'));
    const taught = await runCli(['questions', 'teach', String(question?.id), '--out-of-scope'], { environment: { DATA_DIR: testApp.dataDirectory } });
    expect(taught.status, taught.stderr).toBe(0);

    const after = await ask('primaria are agentie de turism');
    expect(slugsOf(after)).toEqual([]);
    expect(after[0]?.text).toContain('vă pot ajuta doar cu procedurile');
    expect((await listQuestions()).find((listed) => listed.id === question?.id)).toMatchObject({ taughtOutOfScope: true, taughtSlug: null });
  }, 120_000);

  it('a clerk sees the questions at /admin/questions, most asked first, and teaches one with one click', async () => {
    await ask('Unde pot cumpara seminte de rosii?');
    const clerk = new AdminClient(testApp.app);
    await clerk.logIn('Ana Pop', clerkPassword);
    const listPage = await clerk.get('/admin/questions');
    expect(listPage.statusCode).toBe(200);
    const text = textOf(listPage.body);
    expect(text).toContain('Întrebări fără răspuns');
    // The lawyer question (asked twice) comes before the ones asked once; no CNP on the page.
    expect(text.indexOf('avocat')).toBeGreaterThan(-1);
    expect(text.indexOf('avocat')).toBeLessThan(text.indexOf('rosii'));
    expect(listPage.body).not.toContain('1850101264052');
    expect(listPage.body).toContain('href="/admin/questions" aria-current="page"');

    const seeds = (await listQuestions()).find((question) => question.text.includes('rosii'));
    expect(seeds).toBeDefined();
    const csrf = clerk.field('_csrf');
    // A form without the session's CSRF token changes nothing.
    const forged = await clerk.post(`/admin/questions/${seeds?.id}`, { _csrf: 'wrong', action: 'teach', slug: 'registrul-agricol' });
    expect(forged.statusCode).toBe(403);

    const slug = testApp.app.functionar.answering.knowledge?.procedures().find((procedure) => procedure.slug.includes('registru'))?.slug;
    expect(slug).toBeDefined();
    const done = await clerk.submit(`/admin/questions/${seeds?.id}`, { _csrf: csrf, action: 'teach', slug: slug ?? '' });
    expect(done.statusCode).toBe(200);
    expect(textOf(done.body)).toContain('primește de acum răspunsul procedurii');

    // In-process, at once: the same phrasing is answered with that procedure.
    expect(slugsOf(await ask('unde pot cumpara seminte de rosii'))).toEqual([slug]);
    const audit = await testApp.app.functionar.database.db.select().from(ticketEvents).where(eq(ticketEvents.kind, 'question_taught'));
    expect(audit.at(-1)).toMatchObject({ ticketId: null, actorType: 'clerk', channel: 'web', detail: { questionId: seeds?.id, slug } });

    // "În afara competenței": the lawyer phrasing is answered as out of scope from now on.
    const lawyer = (await listQuestions()).find((question) => question.text.includes('avocat'));
    await clerk.get('/admin/questions');
    await clerk.submit(`/admin/questions/${lawyer?.id}`, { _csrf: clerk.field('_csrf'), action: 'out-of-scope', slug: slug ?? '' });
    expect((await listQuestions()).find((question) => question.id === lawyer?.id)).toMatchObject({ taughtOutOfScope: true });
    const invalid = await clerk.submit(`/admin/questions/${lawyer?.id}`, { _csrf: clerk.field('_csrf'), action: 'teach', slug: 'nu-exista' });
    expect(textOf(invalid.body)).toContain('Alegeți o procedură din listă.');
  }, 120_000);
});
