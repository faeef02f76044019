import { describe, expect, it } from 'vitest';
import { maskPersonalData } from '../../src/privacy/masking.ts';

// The formats an outside probe found unmasked in the logs (issue 16), and the ones that were already
// masked; each row: what was written, what may be kept.

describe('one masking function for logs, exports and Open311', () => {
  it.each([
    // numbers in URL paths
    ['GET /verify/0740123456', 'GET /verify/[telefon …56]'],
    ['/receipts/1850101264051.pdf', '/receipts/[CNP].pdf'],
    // URL-encoded
    ['/verify/%2B40742345678', '/verify/[telefon …78]'],
    ['?phone=0744%20123%20456&x=1', '?phone=[telefon …56]&x=1'],
    ['to=ion.pop%40example.com', 'to=[e-mail]'],
    // glued to letters and underscores
    ['CNP1850101264052', 'CNP[CNP]'],
    ['tel0746789012_cnp1850101264054.pdf', 'tel[telefon …12]_cnp[CNP].pdf'],
    // dashed, dotted, grouped
    ['sunati la 0747-12-34-56', 'sunati la [telefon …56]'],
    ['0740.123.456', '[telefon …56]'],
    ['tel 0740 123 456', 'tel [telefon …56]'],
    ['tel 0740123456', 'tel [telefon …56]'],
    // landlines
    ['fix 0265 987 654', 'fix [telefon …54]'],
    ['(0265) 987 654', '[telefon …54]'],
    ['021 312 3456', '[telefon …56]'],
    // international forms
    ['+40 740 123 456', '[telefon …56]'],
    ['+40740123456', '[telefon …56]'],
    ['0040 740 123 456', '[telefon …56]'],
    ['+36 30 123 4567', '[telefon …67]'],
    ['06 30 123 4567', '[telefon …67]'],
    ['+44 20 7946 0958', '[telefon …58]'],
    // CNPs: 13 digits, first digit 1-9, a real birth date
    ['CNP 1850101123456 in text', 'CNP [CNP] in text'],
    ['CNP: 2900512123458.', 'CNP: [CNP].'],
    // e-mails
    ['scrieti-mi la Maria.Szabo@example.com.', 'scrieti-mi la [e-mail].'],
    ['ion_pop+primarie@mail.example.ro', '[e-mail]'],
  ])('masks %j', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it.each([
    'cererea 12/2026, Legea 544/2001, 26.11.2026',
    'programare pe 02.03.2026 10:00',
    'Locație: 46.4012, 24.6843',
    'taxa de 1.000.000 lei',
    'a 0123456789012 lot',
    '/api/tickets/123456789',
    '/verify/%E2%9C%93',
  ])('leaves %j alone', (input) => {
    expect(maskPersonalData(input)).toBe(input);
  });

  it.each([
    ['Mă numesc Ion Secretescu și locuiesc aici', 'Mă numesc [nume] și locuiesc aici'],
    ['Stimate domnule Secretescu, am verificat.', 'Stimate domnule [nume], am verificat.'],
    ['Subsemnata Maria Popescu solicit', 'Subsemnata [nume] solicit'],
    ['Semnat: Ion Secretescu', 'Semnat: [nume]'],
    ['Popescu Ion, din Chendu', '[nume], din Chendu'],
    ['Tisztelt Szabó Mária!', 'Tisztelt [nume]!'],
    ['My name is John Smith.', 'My name is [nume].'],
  ])('masks the name in %j', (input, expected) => {
    expect(maskPersonalData(input, { personNames: true })).toBe(expected);
  });

  it.each([
    'Groapă mare pe str. Mihai Eminescu nr. 4',
    'Becul de pe strada Ion Creangă nu arde',
    'a Petőfi Sándor utca végén',
    'Primăria Bălăușeri răspunde',
    'Sunt gropi multe în Chendu',
  ])('leaves streets and places in %j alone', (input) => {
    expect(maskPersonalData(input, { personNames: true })).toBe(input);
  });

  it('masks the names it is told about, with or without diacritics, whole or in part', () => {
    const names = ['Maria Szabó', 'Ion Secretescu'];
    expect(maskPersonalData('Raport de la maria szabo; Dl Secretescu a sunat, iar SZABÓ a confirmat', { names })).toBe(
      'Raport de la [nume]; Dl [nume] a sunat, iar [nume] a confirmat',
    );
    // Without names or heuristics, names stay: logs mask numbers and addresses only.
    expect(maskPersonalData('Maria Szabó')).toBe('Maria Szabó');
  });

  it('masks inside a long unbroken run as it does in a short one (a 6 000-character URL)', () => {
    const filler = 'a'.repeat(3000);
    expect(maskPersonalData(`/widget.js?q=${filler}ion.pop%40example.com`)).toBe('/widget.js?q=[e-mail]');
    expect(maskPersonalData(`/x?q=${'%F0%9F%8F%9B'.repeat(500)}&cnp=1850101264052`)).toBe(`/x?q=${'🏛'.repeat(500)}&cnp=[CNP]`);
    expect(maskPersonalData(`${filler}.${filler}`)).toBe(`${filler}.${filler}`);
  });
});
