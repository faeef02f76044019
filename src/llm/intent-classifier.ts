import { z } from 'zod';
import type { Language } from '../language.ts';
import type { LanguageModel } from './language-model.ts';
import { loadPromptLibrary, type PromptLibrary } from './prompt-templates.ts';

// The model is asked for JSON constrained by a schema (Ollama's structured output), and the answer is
// still validated: anything else — an error, a timeout, prose, an unknown label — returns undefined so
// the pipeline uses its offline rules, which always work.

import { intents, type Intent } from '../conversation/intent-detection.ts';

export { intents, type Intent };

export const intentJsonSchema = {
  type: 'object',
  properties: { intent: { type: 'string', enum: [...intents] } },
  required: ['intent'],
} as const;

const intentAnswer = z.object({ intent: z.enum(intents) });

export interface IntentClassificationOptions {
  /** Defaults to the prompts shipped in prompts/. */
  prompts?: PromptLibrary;
  townHallName?: string;
  signal?: AbortSignal;
  /** Classification must not hold the conversation up: past this the offline rules decide (default 10 s). */
  timeoutMs?: number;
}

let shippedPrompts: Promise<PromptLibrary> | undefined;

export async function classifyIntentWithModel(
  model: LanguageModel,
  text: string,
  language: Language,
  options: IntentClassificationOptions = {},
): Promise<Intent | undefined> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  // A label is only a hint: when the model is busy answering other citizens, nobody waits for one.
  const busy = new AbortController();
  const signal = AbortSignal.any([busy.signal, timeout, ...(options.signal ? [options.signal] : [])]);
  try {
    const prompts = options.prompts ?? (await (shippedPrompts ??= loadPromptLibrary()));
    const content = await model.generate({
      messages: [
        { role: 'system', content: prompts.render('intent', language, { townHallName: options.townHallName ?? 'Primăria Bălăușeri' }) },
        { role: 'user', content: text },
      ],
      format: { ...intentJsonSchema },
      temperature: 0,
      signal,
      onQueued: () => busy.abort(new Error('the model is busy: no label')),
    });
    const parsed = intentAnswer.safeParse(JSON.parse(withoutCodeFence(content)));
    return parsed.success ? parsed.data.intent : undefined;
  } catch {
    return undefined;
  }
}

/** Some models wrap JSON in a ```json fence even in structured-output mode. */
function withoutCodeFence(content: string): string {
  return content
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
}
