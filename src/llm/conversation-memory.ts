import type { ChatMessage } from './language-model.ts';

// The model sees only the last turns of this one conversation: enough to resolve "and how much does
// it cost?", small enough to leave the context window to the sources, which are what answers rest on.

export interface ConversationTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface MemoryBudget {
  maxCharacters: number;
  /** At most this many messages, whatever their length (default 8: four exchanges). */
  maxTurns?: number;
}

/** Romanian and Hungarian run at roughly 3 characters per token in the tokenizers of small models. */
const charactersPerToken = 3;

export function charactersForTokens(tokens: number): number {
  return Math.max(0, Math.floor(tokens * charactersPerToken));
}

/**
 * The newest turns that fit the budget, oldest first. System messages are dropped: a stored turn must
 * never be able to speak with the authority of the instructions. The newest turn is kept even when it
 * alone is too long, cut to the budget.
 */
export function recentTurns(history: readonly ChatMessage[], budget: MemoryBudget): ConversationTurn[] {
  const maxTurns = budget.maxTurns ?? 8;
  const kept: ConversationTurn[] = [];
  let remaining = budget.maxCharacters;
  for (let index = history.length - 1; index >= 0 && kept.length < maxTurns && remaining > 0; index -= 1) {
    const message = history[index];
    if (!message || message.role === 'system') continue;
    const content = message.content.trim();
    if (content === '') continue;
    if (content.length > remaining) {
      if (kept.length === 0) kept.push({ role: message.role, content: `${content.slice(0, Math.max(0, remaining - 1))}…` });
      break;
    }
    kept.push({ role: message.role, content });
    remaining -= content.length;
  }
  return kept.reverse();
}
