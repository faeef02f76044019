import { describe, expect, it } from 'vitest';
import { finalStatuses, nextStatus, openStatuses, replyEvent, ticketStatuses, ticketTransitions, withinReopenWindow, type TicketEvent, type TicketStatus } from '../../src/tickets/ticket-states.ts';

// The life of a ticket, read from the one transition table every command uses.

describe('the ticket transition table', () => {
  it('follows a request from new to resolved and back when the citizen writes again', () => {
    const path: [TicketEvent, TicketStatus][] = [
      ['taken', 'in_lucru'],
      ['asked_citizen', 'asteapta_cetatean'],
      ['citizen_followed_up', 'in_lucru'],
      ['closed_with_answer', 'rezolvat'],
      ['citizen_followed_up', 'in_lucru'],
      ['closed', 'inchis'],
    ];
    let status: TicketStatus = 'nou';
    for (const [event, expected] of path) {
      status = nextStatus(status, event)!;
      expect(status, event).toBe(expected);
    }
  });

  it('reaches every status from a new ticket', () => {
    const reached = new Set<TicketStatus>(['nou']);
    for (let changed = true; changed; ) {
      changed = false;
      for (const status of [...reached]) {
        for (const next of Object.values(ticketTransitions[status])) {
          if (!reached.has(next)) {
            reached.add(next);
            changed = true;
          }
        }
      }
    }
    expect([...reached].sort()).toEqual([...ticketStatuses].sort());
  });

  it('refuses answers and closing on a closed ticket, and nothing reopens "inchis"', () => {
    for (const status of finalStatuses) {
      for (const event of ['answered', 'asked_citizen', 'closed', 'closed_with_answer'] as const) expect(nextStatus(status, event), `${status} + ${event}`).toBeUndefined();
    }
    expect(nextStatus('inchis', 'citizen_followed_up')).toBeUndefined();
    expect(nextStatus('in_lucru', 'closed')).toBe('inchis');
    expect(nextStatus('unknown-status', 'taken')).toBeUndefined();
  });

  it('lets every open ticket be answered, asked, taken and closed', () => {
    for (const status of openStatuses) {
      for (const event of ['taken', 'answered', 'asked_citizen', 'closed', 'closed_with_answer', 'citizen_followed_up'] as const) {
        expect(nextStatus(status, event), `${status} + ${event}`).toBeDefined();
      }
    }
  });

  it('reads a reply whose last sentence is a question as asking the citizen', () => {
    expect(replyEvent('Ne puteți trimite o copie a actului de proprietate?')).toBe('asked_citizen');
    expect(replyEvent('Aveți actul? Îl puteți aduce luni.')).toBe('answered');
    expect(replyEvent('Actele sunt gata.')).toBe('answered');
    expect(replyEvent('Mikor jön be?  ')).toBe('asked_citizen');
  });

  it('reopens a resolved ticket only within the window', () => {
    const now = new Date('2026-12-06T10:00:00Z');
    expect(withinReopenWindow('2026-11-20T10:00:00Z', now)).toBe(true);
    expect(withinReopenWindow('2026-10-01T10:00:00Z', now)).toBe(false);
    expect(withinReopenWindow(null, now)).toBe(false);
  });
});
