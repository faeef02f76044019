import { foldDiacritics } from '../language.ts';

// What makes a message a report (sesizare) about something broken or dirty in the commune, whatever the
// language it is written in. One list per kind of problem, with the words a citizen uses in Romanian,
// Hungarian and English side by side, so a report cannot become a "cerere" only because it is in
// Hungarian. Words are folded (no accents, lower case) and matched as word beginnings: Hungarian adds its
// endings to the word ("kátyúk", "kátyúban"), Romanian its articles ("groapa", "gropile").

const reportWords: Record<string, string[]> = {
  // The words for "report" and "complaint" themselves.
  report: ['sesizare', 'sesizez', 'reclamati', 'reclam', 'plangere', 'bejelent', 'panasz', 'reklamaci', 'complaint', 'report', 'complain'],
  roads: ['groapa', 'gropi', 'asfalt', 'drum stricat', 'drumul stricat', 'pod stricat', 'podet', 'katyu', 'uthiba', 'rossz ut', 'pothole', 'road damage', 'broken road'],
  lighting: ['iluminat', 'bec ars', 'becul', 'felinar', 'stalp', 'intuneric', 'nu merge lumina', 'kozvilagit', 'vilagitas', 'lampa', 'kiegett', 'sotet', 'nem eg a villany', 'streetlight', 'street light', 'street lamp', 'lamp', 'dark'],
  waste: ['gunoi', 'deseuri', 'moloz', 'szemet', 'hulladek', 'garbage', 'rubbish', 'trash', 'litter', 'waste'],
  animals: ['caini', 'caine', 'maidanez', 'kutya', 'kobor', 'stray dog'],
  water: ['teava sparta', 'canal infundat', 'sant infundat', 'inundat', 'csotores', 'arok', 'eldugult', 'elont', 'burst pipe', 'flooded', 'blocked drain', 'ditch'],
  noise: ['zgomot', 'galagie', 'zaj', 'larma', 'noise'],
  trees: ['copac cazut', 'creanga cazuta', 'kidolt fa', 'letort ag', 'fallen tree'],
  snow: ['zapada', 'polei', 'ho az uton', 'hokotro', 'jeges', 'snow', 'icy road'],
};

const reportPattern = new RegExp(
  `(?:^|[^a-z0-9])(?:${Object.values(reportWords)
    .flat()
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+'))
    .join('|')})`,
);

/** Whether the text describes a problem to report (a pothole, a dark street, garbage), in any of the three languages. */
export function describesReport(text: string): boolean {
  return reportPattern.test(foldDiacritics(text));
}
