import type { Procedure, Retrieval, RetrievedProcedure } from '../../src/knowledge/knowledge-base.ts';

// Procedures shaped like knowledge/procedures/*.md, with facts (a 15-day deadline, a 20 lei fee, two laws)
// that tests can quote or contradict. Test data only: not the town hall's real fees.

export function urbanismCertificate(overrides: Partial<Procedure> = {}): Procedure {
  return {
    slug: 'certificat-urbanism',
    title: { ro: 'Certificat de urbanism', hu: 'Településrendezési bizonyítvány', en: 'Urbanism certificate' },
    department: 'urbanism',
    requestType: 'cerere',
    legalBasis: ['Legea 50/1991 privind autorizarea executării lucrărilor de construcții', 'Legea 227/2015 privind Codul fiscal, art. 474'],
    deadline: {
      days: 15,
      workingDays: false,
      text: {
        ro: 'Se emite în cel mult 15 zile de la înregistrarea cererii.',
        hu: 'Legfeljebb 15 napon belül adják ki.',
        en: 'Issued within 15 days of registration.',
      },
    },
    documents: [
      { ro: 'Cerere-tip F.1', hu: 'F.1 típuskérelem', en: 'Standard form F.1' },
      { ro: 'Copie după actul de identitate', hu: 'Személyi igazolvány másolata', en: 'Copy of the identity card' },
      { ro: 'Dovada plății taxei', hu: 'Az illeték befizetését igazoló irat', en: 'Proof of payment of the fee' },
    ],
    fee: {
      ro: 'Taxa este de 20 lei pentru terenuri de până la 150 mp, conform HCL.',
      hu: 'Az illeték 20 lej 150 négyzetméterig, a helyi tanács határozata szerint.',
      en: 'The fee is 20 lei for plots up to 150 sqm, set by local council decision.',
    },
    where: {
      ro: 'Compartimentul urbanism, luni–joi 8:00–16:00, vineri 8:00–14:00.',
      hu: 'Településrendezési részleg, hétfőtől csütörtökig 8:00–16:00, pénteken 8:00–14:00.',
      en: 'Urban planning office, Monday–Thursday 8:00–16:00, Friday 8:00–14:00.',
    },
    online: '',
    keywords: { ro: ['certificat de urbanism'], hu: ['településrendezési bizonyítvány'], en: ['urbanism certificate'] },
    updated: '2026-01-15',
    source: ['Legea 50/1991, republicată – https://legislatie.just.ro/Public/DetaliiDocument/1462'],
    toConfirm: [],
    body: '## Ce este\n\nCertificatul de urbanism este un act de informare.\n\n## Termen\n\nCel mult 15 zile.\n\n## Magyarul\n\nTájékoztató jellegű irat, legfeljebb 15 napon belül adják ki.',
    file: 'procedures/certificat-urbanism.md',
    ...overrides,
  };
}

export function buildingPermit(overrides: Partial<Procedure> = {}): Procedure {
  return urbanismCertificate({
    slug: 'autorizatie-construire',
    title: { ro: 'Autorizație de construire', hu: 'Építési engedély', en: 'Building permit' },
    legalBasis: ['Legea 50/1991 privind autorizarea executării lucrărilor de construcții'],
    deadline: {
      days: 30,
      workingDays: false,
      text: { ro: 'Se emite în cel mult 30 de zile.', hu: 'Legfeljebb 30 napon belül adják ki.', en: 'Issued within 30 days.' },
    },
    fee: { ro: 'Taxa este 0,5% din valoarea lucrărilor.', hu: 'Az illeték a munkálatok értékének 0,5%-a.', en: 'The fee is 0.5% of the value of the works.' },
    body: '## Ce este\n\nAutorizația de construire vă dă dreptul să construiți.',
    file: 'procedures/autorizatie-construire.md',
    ...overrides,
  });
}

export function retrieved(procedure: Procedure, score = 0.9, excerpts: string[] = []): RetrievedProcedure {
  return { procedure, score, sections: [], excerpts };
}

export function retrievalOf(...candidates: RetrievedProcedure[]): Retrieval {
  return { decision: candidates.length === 0 ? 'out_of_scope' : 'answer', candidates };
}
