import { LanguageModelError, type GenerateRequest, type LanguageModel, type LanguageModelHealth } from './language-model.ts';

// Several Ollama hosts (OLLAMA_HOST=http://gpu-1:11434,http://gpu-2:11434) as one language model: each
// request goes to the host with the fewest requests in flight, and a host that cannot serve it — not
// reachable, model not installed, a server error — hands it to the next one before the citizen notices.
// A timeout is not handed on: the citizen has already waited the whole budget once.

export interface PooledHost {
  /** Where the host is, for logs and health reasons. */
  host: string;
  model: LanguageModel;
}

export type HostPoolLogger = { warn(details: Record<string, unknown>, message: string): void };

interface Member extends PooledHost {
  inFlight: number;
  /** From the last health probe; a host never probed is assumed usable. */
  healthy: boolean;
}

/** Failures another host may not share. */
function isWorthAnotherHost(error: unknown): boolean {
  if (!(error instanceof LanguageModelError)) return false;
  if (error.code === 'FV_ERR_LLM_UNREACHABLE' || error.code === 'FV_ERR_LLM_MODEL_MISSING') return true;
  return error.code === 'FV_ERR_LLM_BAD_RESPONSE' && error.retryable;
}

export function createHostPool(hosts: readonly PooledHost[], logger: HostPoolLogger): LanguageModel {
  if (hosts.length === 0) throw new Error('a host pool needs at least one host');
  const members: Member[] = hosts.map((host) => ({ ...host, inFlight: 0, healthy: true }));
  let turn = 0;

  /** Healthy hosts first, least busy first, and round robin among equals so the load spreads. */
  function order(): Member[] {
    turn = (turn + 1) % members.length;
    const rotated = [...members.slice(turn), ...members.slice(0, turn)];
    return rotated.sort((left, right) => Number(right.healthy) - Number(left.healthy) || left.inFlight - right.inFlight);
  }

  function handOn(member: Member, operation: string, error: unknown, isLast: boolean): void {
    if (isLast || !isWorthAnotherHost(error)) throw error;
    logger.warn({ operation, host: member.host, reason: (error as Error).message }, 'Ollama host could not serve the request; trying the next one');
  }

  async function onAnyHost<T>(operation: string, work: (model: LanguageModel) => Promise<T>): Promise<T> {
    const candidates = order();
    for (const [index, member] of candidates.entries()) {
      member.inFlight += 1;
      try {
        return await work(member.model);
      } catch (error) {
        handOn(member, operation, error, index === candidates.length - 1);
      } finally {
        member.inFlight -= 1;
      }
    }
    throw new Error('unreachable: the last host rethrows');
  }

  return {
    name: members[0]!.model.name,

    generate: (request: GenerateRequest) => onAnyHost('generate', (model) => model.generate(request)),

    async *stream(request: GenerateRequest) {
      const candidates = order();
      for (const [index, member] of candidates.entries()) {
        let started = false;
        member.inFlight += 1;
        try {
          for await (const delta of member.model.stream(request)) {
            started = true;
            yield delta;
          }
          return;
        } catch (error) {
          // Once text has reached the citizen, another host would start the answer over.
          if (started) throw error;
          handOn(member, 'stream', error, index === candidates.length - 1);
        } finally {
          member.inFlight -= 1;
        }
      }
    },

    embed: (texts: string[], signal?: AbortSignal) => onAnyHost('embed', (model) => model.embed(texts, signal)),

    listModels: () => onAnyHost('listModels', (model) => model.listModels()),

    /** Usable while one host is; the others are named so the administrator sees what to fix. */
    async health(): Promise<LanguageModelHealth> {
      const results = await Promise.all(
        members.map(async (member) => {
          const health = await member.model.health().catch((error: unknown): LanguageModelHealth => ({ ok: false, reason: (error as Error).message }));
          member.healthy = health.ok;
          return { member, health };
        }),
      );
      const failing = results.filter(({ health }) => !health.ok).map(({ member, health }) => `${member.host}: ${health.reason ?? 'not usable'}`);
      const warnings = [...new Set(results.flatMap(({ health }) => health.warnings ?? []))];
      if (failing.length === members.length) return { ok: false, reason: failing.join('; ') };
      const notices = [...warnings, ...failing.map((reason) => `host not used until it recovers — ${reason}`)];
      return notices.length > 0 ? { ok: true, warnings: notices } : { ok: true };
    },
  };
}
