import { describe, expect, it } from 'vitest';
import { commandOfCardAction, isCardActionData, renderActivity, type CardActionData } from '../../../channels/teams/cards.ts';
import { deliveryErrorOf } from '../../../channels/teams/teams-adapter.ts';
import { DeliveryError } from '../../../src/gateway/channel-contract.ts';
import { staffNotice } from '../../../src/tickets/staff-notice.ts';
import type { TicketRow } from '../../../src/database/schema.ts';

// How clerk-facing messages look in Teams, and what a click on a card sends back.

const ticket = {
  id: 7,
  number: 12,
  year: 2026,
  subject: 'Groapă în asfalt pe strada Principală',
  type: 'sesizare',
  department: 'urbanism',
  channel: 'telegram',
  dueDate: '2026-12-28',
  dueRule: 'OG 27/2002, art. 8',
  handover: false,
} as TicketRow;

describe('Teams rendering of outbound messages', () => {
  it('turns a staff notice into an Adaptive Card with the summary, the due date and take/answer/view/close actions', () => {
    const activity = renderActivity(staffNotice(ticket));
    expect(activity.text).toBeUndefined();
    expect(activity.summary).toBe('📥 Tichet nou 12/2026');
    const card = activity.attachments![0]!;
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const content = card.content as { body: Record<string, unknown>[]; actions: Record<string, unknown>[] };
    expect(content.body[0]).toMatchObject({ type: 'TextBlock', text: '📥 Tichet nou 12/2026', weight: 'Bolder' });
    const facts = content.body.filter((element) => element.type === 'FactSet').flatMap((element) => element.facts as { title: string; value: string }[]);
    expect(facts).toEqual(
      expect.arrayContaining([
        { title: 'Subiect', value: 'Groapă în asfalt pe strada Principală' },
        { title: 'Compartiment', value: 'urbanism' },
        { title: 'Termen legal', value: '28.12.2026 (OG 27/2002, art. 8)' },
      ]),
    );
    expect(content.actions).toEqual([
      { type: 'Action.Submit', title: 'Preia', data: { verb: 'clerk-command', command: '/preia 12/2026' } },
      {
        type: 'Action.ShowCard',
        title: 'Răspunde',
        card: expect.objectContaining({
          body: [expect.objectContaining({ type: 'Input.Text', id: 'text1', isRequired: true })],
          actions: [{ type: 'Action.Submit', title: 'Trimite', data: { verb: 'clerk-command', command: '/raspunde 12/2026', textInput: 'text1' } }],
        }),
      },
      { type: 'Action.Submit', title: 'Vezi', data: { verb: 'clerk-command', command: '/vezi 12/2026' } },
      {
        type: 'Action.ShowCard',
        title: 'Închide',
        card: expect.objectContaining({
          body: [expect.objectContaining({ type: 'Input.Text', id: 'closeText', isRequired: false })],
          actions: [{ type: 'Action.Submit', title: 'Trimite', data: { verb: 'clerk-command', command: '/inchide 12/2026', textInput: 'closeText' } }],
        }),
      },
    ]);
  });

  it('keeps text without buttons as plain text, with sources listed', () => {
    const activity = renderActivity({ author: 'bot', text: '*Termene* azi:\n• 3/2026', parts: [{ type: 'sources', sources: [{ slug: 'x', title: 'Certificat fiscal', url: 'https://balauseri.ro/cf' }] }] });
    expect(activity).toEqual({ type: 'message', textFormat: 'plain', text: '*Termene* azi:\n• 3/2026\nSurse:\n• Certificat fiscal — https://balauseri.ro/cf' });
  });

  it('sends buttons that are not commands back as the clerk\'s own text', () => {
    const activity = renderActivity({ author: 'bot', text: 'Continuați?', parts: [{ type: 'buttons', buttons: [{ label: 'Da', value: 'Da' }] }] });
    const content = activity.attachments![0]!.content as { actions: Record<string, unknown>[] };
    expect(content.actions).toEqual([{ type: 'Action.Submit', title: 'Da', data: { msteams: { type: 'imBack', value: 'Da' } } }]);
  });
});

describe('a click on a card', () => {
  it('runs the button\'s command, completed by what the clerk typed', () => {
    const answer: CardActionData = { verb: 'clerk-command', command: '/raspunde 12/2026', textInput: 'text1', text1: '  Vă sunăm mâine.  ' };
    expect(isCardActionData(answer)).toBe(true);
    expect(commandOfCardAction(answer)).toBe('/raspunde 12/2026 Vă sunăm mâine.');
    expect(commandOfCardAction({ verb: 'clerk-command', command: '/inchide 12/2026', textInput: 'closeText', closeText: '' })).toBe('/inchide 12/2026');
    expect(commandOfCardAction({ verb: 'clerk-command', command: '/preia 12/2026' })).toBe('/preia 12/2026');
    expect(isCardActionData({ verb: 'something-else', command: '/preia 1' })).toBe(false);
    expect(isCardActionData({ msteams: { type: 'imBack' } })).toBe(false);
  });
});

describe('Teams delivery failures', () => {
  const failure = (statusCode: number, retryAfter?: string) =>
    Object.assign(new Error(`HTTP ${statusCode}`), { statusCode, response: { headers: { get: (name: string) => (name === 'retry-after' ? retryAfter : undefined) } } });

  it.each([
    ['throttled (429), after the time Teams asks', failure(429, '7'), true, 7000],
    ['a server error (503)', failure(503), true, undefined],
    ['the bot removed from the team (403)', failure(403), false, undefined],
    ['a conversation that no longer exists (404)', failure(404), false, undefined],
    ['a refused connection: the request never left', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }), true, undefined],
    ['a connection reset after sending: the message may be posted', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), false, undefined],
  ])('%s → retryable %s', (_case, error, retryable, retryAfterMs) => {
    const mapped = deliveryErrorOf(error);
    expect(mapped).toBeInstanceOf(DeliveryError);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.retryAfterMs).toBe(retryAfterMs);
  });
});
