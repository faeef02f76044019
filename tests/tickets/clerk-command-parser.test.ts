import { describe, expect, it } from 'vitest';
import { ClerkCommandSyntaxError, isClerkCommandText, parseClerkCommand } from '../../src/tickets/clerk-command-parser.ts';

describe('clerk command grammar', () => {
  it.each([
    ['/tichete', { name: 'list', filter: 'open' }],
    ['/tickets overdue', { name: 'list', filter: 'overdue' }],
    ['/tichete ale-mele', { name: 'list', filter: 'mine' }],
    ['/tichete întârziate', { name: 'list', filter: 'overdue' }],
    ['/vezi 12', { name: 'show', ticket: { number: 12, year: undefined } }],
    ['/show 12/2026', { name: 'show', ticket: { number: 12, year: 2026 } }],
    ['/raspunde 12 Actele sunt gata.\nVeniți luni.', { name: 'reply', ticket: { number: 12, year: undefined }, text: 'Actele sunt gata.\nVeniți luni.' }],
    ['/răspunde 3/2026 Bună ziua', { name: 'reply', ticket: { number: 3, year: 2026 }, text: 'Bună ziua' }],
    ['/reply@BalauseriBot 7 ok', { name: 'reply', ticket: { number: 7, year: undefined }, text: 'ok' }],
    ['/nota 5 sunat, revine', { name: 'note', ticket: { number: 5, year: undefined }, text: 'sunat, revine' }],
    ['/aloca 5 urbanism', { name: 'assign', ticket: { number: 5, year: undefined }, target: { kind: 'department', department: 'urbanism' } }],
    ['/assign 5 Ana Pop', { name: 'assign', ticket: { number: 5, year: undefined }, target: { kind: 'clerk-name', name: 'Ana Pop' } }],
    ['/inchide 5', { name: 'close', ticket: { number: 5, year: undefined }, text: '' }],
    ['/close 5/2026 Rezolvat la ghișeu', { name: 'close', ticket: { number: 5, year: 2026 }, text: 'Rezolvat la ghișeu' }],
    ['/preia 9', { name: 'take', ticket: { number: 9, year: undefined } }],
  ])('parses %j', (text, expected) => {
    expect(parseClerkCommand(text)).toEqual(expected);
  });

  it.each(['/raspunde', '/raspunde abc text', '/raspunde 12', '/aloca 3', '/tichete ciudate', '/vezi'])('rejects %j with a usage hint', (text) => {
    expect(() => parseClerkCommand(text)).toThrow(ClerkCommandSyntaxError);
  });

  it('tells commands from ordinary text', () => {
    expect(isClerkCommandText('/raspunde 1 x')).toBe(true);
    expect(isClerkCommandText('raspunde 1 x')).toBe(false);
    expect(isClerkCommandText('/start')).toBe(false);
    expect(isClerkCommandText('/stare 12/2026')).toBe(false);
  });
});
