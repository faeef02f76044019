import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPersonalData } from '../src/logger.ts';

describe('personal data in logs', () => {
  it.each([
    ['CNP 1850101123456 in text', 'CNP [CNP] in text'],
    ['tel 0740 123 456', 'tel [telefon …56]'],
    ['tel 0740123456', 'tel [telefon …56]'],
    ['+40 740 123 456', '[telefon …56]'],
    ['+36 30 123 4567', '[telefon …67]'],
  ])('masks %j', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it('leaves ticket numbers, laws and dates alone', () => {
    expect(maskPersonalData('cererea 12/2026, Legea 544/2001, 26.11.2026')).toBe('cererea 12/2026, Legea 544/2001, 26.11.2026');
  });

  it('masks every field of a structured log line, nested or in the message', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ citizen: { phone: '0740123456', note: 'CNP 2900512123458' } }, 'citizen 0755 111 222 wrote');
    const output = lines.join('');
    expect(output).not.toMatch(/0740123456|2900512123458|0755 111 222/);
    expect(output).toContain('[CNP]');
    expect(output).toContain('[telefon …22]');
  });
});

describe('masking whole log lines', () => {
  it('keeps numbers valid JSON while masking strings', async () => {
    const { maskLogLine } = await import('../src/logger.ts');
    const line = '{"responseTime":11.6940130674101,"other":8.740123456,"msg":"from 0740123456, CNP 1850101123456","time":1801011234567}';
    const masked = maskLogLine(line);
    expect(() => JSON.parse(masked)).not.toThrow();
    expect(JSON.parse(masked)).toMatchObject({ responseTime: 11.6940130674101, other: 8.740123456, time: 1801011234567 });
    expect(masked).not.toContain('0740123456');
    expect(masked).not.toContain('1850101123456');
  });
});

describe('credentials in request logs', () => {
  it("never writes a web chat session id — the citizen's only key — in any log line", async () => {
    const { startTestApp } = await import('./helpers/test-app.ts');
    const testApp = await startTestApp();
    try {
      const created = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {} });
      const { sessionId } = created.json() as { sessionId: string };
      await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text: 'program registratura' } });
      await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages?after=0` });
      await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/nowhere` });
      const written = JSON.stringify(testApp.logLines);
      expect(written).toContain('/api/webchat/sessions/[session]/messages');
      expect(written).not.toContain(sessionId);
    } finally {
      await testApp.close();
    }
  });

  it('redacts API keys in query strings and numbers in URL paths', async () => {
    const { serializeRequest } = await import('../src/logger.ts');
    expect(serializeRequest({ method: 'GET', url: '/open311/v2/requests.json?api_key=secret-0123456789abcdef&status=open' }).url).toBe(
      '/open311/v2/requests.json?api_key=[redacted]&status=open',
    );
    expect(serializeRequest({ method: 'GET', url: '/verify/%2B40742345678' }).url).toBe('/verify/[telefon …78]');
  });
});
