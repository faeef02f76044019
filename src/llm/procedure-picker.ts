import { z } from 'zod';
import type { Procedure } from '../knowledge/knowledge-base.ts';
import type { Language } from '../language.ts';
import type { LanguageModel } from './language-model.ts';

// When retrieval is unsure, the model reads the whole catalogue of procedure titles and names at most
// two that the message asks about. Its answer only chooses among existing slugs (structured output, then
// validated); it never writes text for the citizen here, so nothing it says can be invented.

const maximumPicks = 2;

const instructions: Record<Language, string> = {
  ro: 'Ești asistentul unei primării de comună. Mai jos este lista procedurilor primăriei (cod: titlu). Citește mesajul cetățeanului și alege cel mult două proceduri despre care întreabă, cea mai importantă prima. Dacă mesajul nu cere nimic din listă, răspunde cu o listă goală. Răspunde doar cu JSON.',
  hu: 'Egy községi polgármesteri hivatal asszisztense vagy. Alább a hivatal ügyeinek listája (kód: cím). Olvasd el az állampolgár üzenetét, és válassz legfeljebb két ügyet, amelyről kérdez, a legfontosabbat elsőként. Ha az üzenet semmit sem kér a listából, adj üres listát. Csak JSON-nal válaszolj.',
  en: "You assist a commune town hall. Below is the list of the town hall's procedures (code: title). Read the citizen's message and choose at most two procedures it asks about, the most important first. If the message asks for nothing on the list, answer with an empty list. Answer only with JSON.",
};

export async function pickProceduresWithModel(
  model: LanguageModel,
  message: string,
  language: Language,
  procedures: readonly Procedure[],
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<string[]> {
  const slugs = procedures.map((procedure) => procedure.slug);
  if (slugs.length === 0) return [];
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const catalogue = procedures.map((procedure) => `${procedure.slug}: ${procedure.title[language]}`).join('\n');
  const content = await model.generate({
    messages: [
      { role: 'system', content: `${instructions[language]}\n\n${catalogue}` },
      { role: 'user', content: message },
    ],
    format: {
      type: 'object',
      properties: { procedures: { type: 'array', items: { type: 'string', enum: slugs }, maxItems: maximumPicks } },
      required: ['procedures'],
    },
    temperature: 0,
    // Part of this citizen's answer: it waits its turn like the answer does (the intent label does not).
    signal,
  });
  const parsed = z.object({ procedures: z.array(z.string()) }).safeParse(JSON.parse(content.trim().replace(/^```(?:json)?\s*|\s*```$/g, '')));
  if (!parsed.success) return [];
  // A model may still name a slug that does not exist or repeat one: keep only real, distinct ones.
  return [...new Set(parsed.data.procedures.filter((slug) => slugs.includes(slug)))].slice(0, maximumPicks);
}
