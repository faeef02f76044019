import { describe, expect, it } from 'vitest';
import { languages } from '../../src/language.ts';
import { countedNouns, countOf, departmentIds, departmentName, departmentNames, statusLabel, statusLabels } from '../../src/tickets/ticket-labels.ts';
import { ticketStatuses } from '../../src/tickets/ticket-states.ts';

// One table of names for statuses and departments, used by the inbox, the chats, the CLI and citizens' answers.

describe('ticket labels', () => {
  it('name every status and department in Romanian, Hungarian and English', () => {
    for (const status of ticketStatuses) {
      for (const language of languages) {
        expect(statusLabels[status].staff[language], `${status} ${language}`).not.toBe('');
        expect(statusLabels[status].citizen[language], `${status} ${language}`).not.toBe('');
      }
    }
    for (const id of departmentIds) for (const language of languages) expect(departmentNames[id][language]).not.toBe('');
  });

  it('tell a citizen about their request (feminine in Romanian) and a clerk about the ticket', () => {
    expect(ticketStatuses.map((status) => statusLabel(status, 'ro', 'citizen'))).toEqual(['nouă', 'în lucru', 'așteaptă răspunsul dvs.', 'rezolvată', 'închisă']);
    expect(ticketStatuses.map((status) => statusLabel(status, 'ro', 'staff'))).toEqual(['nou', 'în lucru', 'așteaptă cetățeanul', 'rezolvat', 'închis']);
    expect(statusLabel('inchis', 'hu', 'citizen')).toBe('lezárva');
    expect(statusLabel('asteapta_cetatean', 'en', 'citizen')).toBe('waiting for your answer');
    // A code written by a newer version is shown as it is rather than hidden.
    expect(statusLabel('arhivat', 'ro', 'staff')).toBe('arhivat');
    expect(departmentName('taxe-impozite', 'hu')).toBe('adók és illetékek');
    expect(departmentName('necunoscut', 'ro')).toBe('necunoscut');
  });

  it('count in each language\'s grammar', () => {
    const request = countedNouns.request;
    expect([0, 1, 2, 19, 20, 101, 120].map((count) => countOf(count, request.ro, 'ro'))).toEqual([
      '0 cereri',
      '1 cerere',
      '2 cereri',
      '19 cereri',
      '20 de cereri',
      '101 cereri',
      '120 de cereri',
    ]);
    expect([1, 3].map((count) => countOf(count, request.en, 'en'))).toEqual(['1 request', '3 requests']);
    expect([1, 3].map((count) => countOf(count, request.hu, 'hu'))).toEqual(['1 kérelem', '3 kérelem']);
    expect(countOf(1200, countedNouns.ticket.ro, 'ro', (count) => count.toLocaleString('ro-RO'))).toBe('1.200 de tichete');
  });
});
