export interface ServerSentEvent {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

/**
 * Reads a server-sent event stream's body, handing each event to `onEvent` as it arrives, until the stream
 * ends, is aborted, or `enough()` says so after a chunk. Blocks without an event name or data (the retry
 * line, keep-alive comments) are passed over.
 */
export async function readServerSentEvents(body: ReadableStream<Uint8Array> | null, onEvent: (event: ServerSentEvent) => void, enough: () => boolean = () => false): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) onEvent({ id: /^id: (.*)$/m.exec(block)?.[1], event, data: JSON.parse(data) as Record<string, unknown> });
      }
      if (enough()) break;
    }
  } catch {
    // Aborted: the test has what it waited for, or the time is up.
  }
}

/**
 * Opens a server-sent event stream over a real socket and collects events until `until` says enough
 * (or `timeoutMs` passes). `events` fills as they arrive; `finished` resolves when reading stops.
 */
export async function collectServerSentEvents(
  url: string,
  until: (events: ServerSentEvent[]) => boolean,
  timeoutMs = 8000,
): Promise<{ events: ServerSentEvent[]; contentType: string | null; finished: Promise<void> }> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  const events: ServerSentEvent[] = [];
  const reading = readServerSentEvents(response.body, (event) => events.push(event), () => until(events));
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs));
  const finished = Promise.race([reading, timeout]).finally(() => controller.abort());
  return { events, contentType: response.headers.get('content-type'), finished };
}
