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
