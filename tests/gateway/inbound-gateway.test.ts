import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, outbox } from '../../src/database/schema.ts';
import type { InboundMessage } from '../../src/messages.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// The core's one door for every channel: an adapter hands it an InboundMessage and the gateway decides
// what happens — stored once, a clerk's command or a citizen's question, a fixed answer, the reply queued.
// Driven on the real app (the web chat channel is always on, so what is queued for it is delivered).

const channel = 'webchat';
let testApp: TestApp;
let sequence = 0;

function inbound(sender: string, text: string, fields: Partial<InboundMessage> = {}): InboundMessage {
  sequence += 1;
  return { channel, externalId: `gateway-test:${sequence}`, sender: { externalId: sender }, text, ...fields };
}

function gateway() {
  return testApp.app.functionar.gateway;
}

function database() {
  return testApp.app.functionar.database.db;
}

async function storedInbound(externalId: string) {
  return database().select().from(messages).where(and(eq(messages.channel, channel), eq(messages.externalId, externalId)));
}

async function queuedFor(recipient: string) {
  const rows = await database()
    .select()
    .from(outbox)
    .where(and(eq(outbox.channel, channel), eq(outbox.recipient, recipient)));
  return rows.map((row) => (row.payload as { message: { text: string } }).message.text);
}

beforeAll(async () => {
  testApp = await startTestApp();
  await addClerk(database(), { name: 'Ana Pop', department: 'registratura', telegramId: '700700' });
});

afterAll(async () => {
  await testApp?.close();
});

describe('the inbound gateway', () => {
  it('accepts a message delivered twice once: one stored message, one answer, the same replies for both', async () => {
    const message = inbound('citizen-duplicate', 'ce acte trebuie pentru certificatul de urbanism?');
    const first = await gateway().accept(message);
    const second = await gateway().accept(message);
    expect(first.route).toBe('citizen');
    expect(second.route).toBe('duplicate');
    const [firstResult, secondResult] = await Promise.all([first.answered, second.answered]);
    expect(await storedInbound(message.externalId)).toHaveLength(1);
    expect(firstResult?.replies.length).toBeGreaterThan(0);
    expect(secondResult?.duplicate).toBe(true);
    expect(secondResult?.replies.map((row) => row.id)).toEqual(firstResult?.replies.map((row) => row.id));
    expect(await queuedFor('citizen-duplicate')).toHaveLength(firstResult!.replies.length);
  });

  it('runs a registered clerk\'s command once and keeps it out of the citizens\' messages', async () => {
    const command = inbound('700700', '/tichete');
    const options = { clerk: { kind: 'telegram' as const, value: '700700' } };
    const first = await gateway().accept(command, options);
    const again = await gateway().accept(command, options);
    expect(first.route).toBe('clerk');
    expect(again.route).toBe('duplicate');
    expect(await storedInbound(command.externalId)).toEqual([]);
    const answers = await queuedFor('700700');
    expect(answers).toHaveLength(1);
    expect(answers[0]).not.toMatch(/Nu aveți dreptul|doar pentru funcționarii/);
  });

  it('gives the same command from someone who is not a clerk to the pipeline, which refuses it', async () => {
    const command = inbound('800800', '/tichete');
    const outcome = await gateway().accept(command, { clerk: { kind: 'telegram', value: '800800' } });
    expect(outcome.route).toBe('citizen');
    const result = await outcome.answered;
    expect(result?.intent).toBe('clerk_command');
    expect(result?.replies[0]?.text).toBe('Această comandă este doar pentru funcționarii primăriei. Nimic nu a fost modificat.');
    expect(await storedInbound(command.externalId)).toHaveLength(1);
  });

  it('speaks the language of the contact\'s latest conversation, also in a fixed answer', async () => {
    const sender = 'citizen-hungarian';
    expect(await gateway().languageOf(channel, sender)).toBeUndefined();
    const question = await gateway().accept(inbound(sender, 'Jó napot! Milyen iratok kellenek az építési engedélyhez?', { sender: { externalId: sender, languageHint: 'hu' } }));
    await question.answered;
    expect(await gateway().languageOf(channel, sender)).toBe('hu');

    const voiceNote = inbound(sender, '');
    const fixed = await gateway().accept(voiceNote, { fixedAnswer: { intent: 'voice_note', text: (language) => `fixed answer in ${language}` } });
    expect(fixed.route).toBe('fixed');
    expect(await queuedFor(sender)).toContain('fixed answer in hu');
    // Stored as answered: a restart does not hand it to the pipeline, a redelivery is not answered again.
    expect((await storedInbound(voiceNote.externalId))[0]).toMatchObject({ intent: 'voice_note', processedAt: expect.any(String) });
    const redelivered = await gateway().accept(voiceNote, { fixedAnswer: { intent: 'voice_note', text: (language) => `fixed answer in ${language}` } });
    expect(redelivered.route).toBe('duplicate');
    expect((await queuedFor(sender)).filter((text) => text === 'fixed answer in hu')).toHaveLength(1);
  });

  it('says a notice once per claim key', async () => {
    const notice = { channel, recipient: 'citizen-notice', text: 'Editările nu sunt citite.', claimKey: 'edit:1:2:3' };
    expect(await gateway().notify(notice)).toBe(true);
    expect(await gateway().notify(notice)).toBe(false);
    expect(await queuedFor('citizen-notice')).toEqual(['Editările nu sunt citite.']);
  });
});
