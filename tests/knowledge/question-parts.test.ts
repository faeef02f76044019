import { describe, expect, it } from 'vitest';
import { questionParts, tellingsOf } from '../../src/knowledge/question-parts.ts';

describe('the parts of a message that ask something', () => {
  it('a sentence ending in a question mark asks, even without an asking word', () => {
    expect(questionParts('Cum cer venitul minim de incluziune? Și alocația copilului se depune tot la voi?')).toEqual([
      'cum cer venitul minim de incluziune',
      'si alocatia copilului se depune tot la voi',
    ]);
  });

  it('a polite request asks without a question word or mark, in each language', () => {
    expect(questionParts('Bună ziua. Îmi dați vă rog un număr de telefon de la primărie, fix sau mobil, oricare')).toEqual([
      'imi dati va rog un numar de telefon de la primarie, fix sau mobil, oricare',
    ]);
    expect(questionParts('Jó napot. Kérem, küldjék el a nyomtatványt e-mailben.')).toEqual(['kerem, kuldjek el a nyomtatvanyt e-mailben']);
    expect(questionParts('Hi there. Please send me the form for the building permit.')).toEqual(['please send me the form for the building permit']);
    expect(questionParts('Mulțumesc frumos pentru răspuns.')).toEqual([]);
  });

  it('a short question is read with the story told before it; a longer one stands alone', () => {
    expect(questionParts('Közös megegyezéssel válnánk, nincs kiskorú gyerekünk. Lehet ezt a hivatalban intézni?')).toEqual([
      'kozos megegyezessel valnank, nincs kiskoru gyerekunk lehet ezt a hivatalban intezni',
    ]);
    expect(questionParts('Meghalt az apósom a kórházban. A hagyatéki eljárást hogyan indítsuk el a hivatalnál?')).toEqual([
      'a hagyateki eljarast hogyan inditsuk el a hivatalnal',
    ]);
  });

  it('joining words in a row join once, and a sentence opened by one is not cut again', () => {
    expect(questionParts('Cum transcriem certificatul de deces italian, și apoi cum facem sesizarea de succesiune?')).toEqual([
      'cum transcriem certificatul de deces italian',
      'cum facem sesizarea de succesiune',
    ]);
    expect(questionParts('Unde se cere atestatul? Și dacă tot sunt acolo, pot să-mi declar și oile noi în registrul agricol?')).toEqual([
      'unde se cere atestatul',
      'si daca tot sunt acolo, pot sa-mi declar si oile noi in registrul agricol',
    ]);
  });

  it('a numbered list is one part per item', () => {
    expect(questionParts('Două întrebări: 1) cât durează adeverința de rol 2) unde plătesc impozitul pe teren')).toEqual([
      'doua intrebari cat dureaza adeverinta de rol',
      'unde platesc impozitul pe teren',
    ]);
  });
});

describe('what a message tells, piece by piece', () => {
  it('cuts sentences again where "but / while" joins two tellings, in each language', () => {
    expect(tellingsOf('Am născut la Sighișoara, iar soțul meu e la muncă în Italia. Cine face certificatul?', 'ro')).toEqual([
      'Am născut la Sighișoara,',
      'soțul meu e la muncă în Italia',
      'Cine face certificatul',
    ]);
    expect(tellingsOf('Otthon szült, de a férje Németországban dolgozik', 'hu')).toEqual(['Otthon szült,', 'a férje Németországban dolgozik']);
    // Romanian "de" is "of", not "but".
    expect(tellingsOf('certificatul de naștere din Germania', 'ro')).toEqual(['certificatul de naștere din Germania']);
  });
});
