import { describe, expect, it } from 'vitest';
import { describesReport } from '../../src/conversation/report-keywords.ts';
import { subjectGivenWithRequest } from '../../src/conversation/request-intake.ts';

describe('a report is recognised in any of the three languages', () => {
  it.each([
    ['ro', 'Becul de pe strada Morii este ars de o săptămână'],
    ['hu', 'A Fő utcán nem működik a közvilágítás, teljes sötét van'],
    ['en', 'The street light on Main Street has been out for a week'],
    ['ro', 'Sunt gropi mari pe ulița Bisericii'],
    ['hu', 'Nagy kátyúk vannak a Malom utcában'],
    ['en', 'There is a huge pothole on Mill Street'],
    ['ro', 'Nu s-a ridicat gunoiul de joi'],
    ['hu', 'Nem vitték el a szemetet csütörtökön'],
    ['en', 'The rubbish was not collected on Thursday'],
    ['ro', 'Câini fără stăpân lângă școală'],
    ['hu', 'Kóbor kutyák a falu szélén'],
    ['en', 'Stray dogs near the school'],
  ])('%s: %s', (_language, text) => {
    expect(describesReport(text)).toBe(true);
  });

  it.each(['Solicit un certificat de atestare fiscală', 'Adóigazolást kérek a ház eladásához', 'I need a tax certificate to sell the house'])('not a report: %s', (text) => {
    expect(describesReport(text)).toBe(false);
  });
});

describe('the subject given with the wish to file', () => {
  it.each(['Vreau să depun o cerere', 'Vreau să depun o sesizare, vă rog', 'Szeretnék bejelentést tenni', 'I would like to file a complaint please', '/sesizare'])(
    'is not there in "%s"',
    (text) => {
      expect(subjectGivenWithRequest(text)).toBeUndefined();
    },
  );

  it.each([
    'Vreau să depun o sesizare: becul de pe strada Morii este ars',
    'Szeretnék bejelentést tenni: a Fő utcán nem ég a közvilágítás',
    'I want to file a complaint about the pothole on Mill Street',
  ])('is the whole message in "%s"', (text) => {
    expect(subjectGivenWithRequest(text)).toBe(text);
  });
});
