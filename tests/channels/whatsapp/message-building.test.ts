import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { interactiveMessage, sessionMessages, templateMessage } from '../../../channels/whatsapp/cloud/cloud-message-building.ts';
import { isValidSignature } from '../../../channels/whatsapp/cloud/webhook-signature.ts';
import { renderOutbound, splitText } from '../../../channels/whatsapp/outbound-rendering.ts';
import { toE164 } from '../../../channels/whatsapp/phone-numbers.ts';
import { removeStaleBrowserLock } from '../../../channels/whatsapp/web/web-driver.ts';
import { temporaryDirectory } from '../../helpers/test-app.ts';
import { signature } from './cloud-webhook.ts';

const option = (label: string) => ({ label, value: label });

describe('WhatsApp numbers become E.164', () => {
  it('normalises wa_ids, WhatsApp Web ids and typed numbers, and refuses what is not a number', () => {
    expect(toE164('40740123456')).toBe('+40740123456');
    expect(toE164('40740123456@c.us')).toBe('+40740123456');
    expect(toE164('0740 123 456')).toBe('+40740123456');
    expect(toE164('16505551234')).toBe('+16505551234');
    expect(toE164('36301234567@s.whatsapp.net')).toBe('+36301234567');
    expect(toE164('178312345678901@lid')).toBeUndefined();
    expect(toE164('40740111222-1600000000@g.us')).toBeUndefined();
    expect(toE164('status@broadcast')).toBeUndefined();
    expect(toE164(undefined)).toBeUndefined();
  });
});

describe('what the bot sends through the Cloud API', () => {
  it('uses reply buttons for up to three short options, a list otherwise, numbers beyond ten', () => {
    const buttons = interactiveMessage('40740123456', 'Sunteți de acord?', [option('Da'), option('Nu')], 'ro');
    expect(buttons).toMatchObject({ type: 'interactive', interactive: { type: 'button', action: { buttons: [{ reply: { id: 'Da', title: 'Da' } }, { reply: { id: 'Nu', title: 'Nu' } }] } } });

    const longLabel = 'Vorbesc cu un funcționar de la registratură';
    const list = interactiveMessage('40740123456', 'Alegeți', [option('Depun o cerere'), option(longLabel)], 'hu') as { interactive: { type: string; action: { button: string; sections: { rows: { id: string; title: string; description?: string }[] }[] } } };
    expect(list.interactive.type).toBe('list');
    expect(list.interactive.action.button).toBe('Lehetőségek');
    const row = list.interactive.action.sections[0]!.rows[1]!;
    expect(row.id).toBe(longLabel);
    expect(row.title.length).toBeLessThanOrEqual(24);
    expect(row.description).toBe(longLabel);

    const four = interactiveMessage('40740123456', 'Alegeți', ['A', 'B', 'C', 'D'].map(option), 'ro') as { interactive: { type: string } };
    expect(four.interactive.type).toBe('list');
    expect(interactiveMessage('40740123456', 'Alegeți', Array.from({ length: 11 }, (_, index) => option(`Opțiunea ${index + 1}`)), 'ro')).toBeUndefined();

    const numbered = sessionMessages('40740123456', { text: 'Alegeți procedura', choices: Array.from({ length: 11 }, (_, index) => option(`Opțiunea ${index + 1}`)), attachments: [] }, 'ro');
    expect(numbered).toHaveLength(1);
    expect((numbered[0] as { text: { body: string } }).text.body).toMatch(/1\. Opțiunea 1\n[\s\S]*11\. Opțiunea 11\n\nRăspundeți cu numărul opțiunii\./);
  });

  it('sends a long answer with options as text followed by the options', () => {
    const text = 'Acte necesare:\n' + '• document\n'.repeat(150);
    const messages = sessionMessages('40740123456', { text, choices: [option('Da'), option('Nu')], attachments: [] }, 'en') as { type: string; interactive?: { body: { text: string } } }[];
    expect(messages.map((message) => message.type)).toEqual(['text', 'interactive']);
    expect(messages[1]?.interactive?.body.text).toBe('Choose an option:');
  });

  it('splits text above 4096 characters at paragraph boundaries', () => {
    const paragraphs = Array.from({ length: 30 }, (_, index) => `Paragraful ${index}: ${'text '.repeat(40)}`).join('\n\n');
    const pieces = splitText(paragraphs, 4096);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((piece) => piece.length <= 4096)).toBe(true);
    expect(pieces.every((piece) => piece.startsWith('Paragraful'))).toBe(true);
    expect(pieces.join(' ').replace(/\s+/g, ' ').trim()).toBe(paragraphs.replace(/\s+/g, ' ').trim());
  });

  it('puts the reply into a template variable Meta accepts', () => {
    const message = templateMessage('40740123456', `Răspuns la cererea 3/2026:\n\tAprobat.     Ridicați actul.\n${'x'.repeat(2000)}`, 'raspuns_cerere', 'ro') as {
      template: { name: string; language: { code: string }; components: { parameters: { text: string }[] }[] };
    };
    const parameter = message.template.components[0]!.parameters[0]!.text;
    expect(message.template).toMatchObject({ name: 'raspuns_cerere', language: { code: 'ro' } });
    expect(parameter).not.toMatch(/[\n\t]| {5,}/);
    expect(parameter.length).toBeLessThanOrEqual(900);
    expect(parameter.startsWith('Răspuns la cererea 3/2026: — Aprobat.')).toBe(true);
  });

  it('lists the sources an answer does not already name', () => {
    const rendered = renderOutbound(
      {
        author: 'bot',
        text: 'Pentru autorizația de construire aveți nevoie de certificatul de urbanism.',
        parts: [{ type: 'sources', sources: [{ slug: 'autorizatie-construire', title: 'Autorizație de construire', url: 'https://www.balauseri.ro/autorizatie' }] }],
      },
      'ro',
    );
    expect(rendered.text).toContain('Surse:\n• Autorizație de construire — https://www.balauseri.ro/autorizatie');
  });
});

describe('the webhook signature', () => {
  it('accepts only an HMAC-SHA256 of the exact bytes with the app secret', () => {
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    expect(isValidSignature(body, signature(body.toString(), 's3cret'), 's3cret')).toBe(true);
    expect(isValidSignature(body, signature(body.toString(), 's3cret').toUpperCase().replace('SHA256=', 'sha256='), 's3cret')).toBe(true);
    expect(isValidSignature(body, signature(`${body.toString()} `, 's3cret'), 's3cret')).toBe(false);
    expect(isValidSignature(body, signature(body.toString(), 'other'), 's3cret')).toBe(false);
    expect(isValidSignature(body, undefined, 's3cret')).toBe(false);
    expect(isValidSignature(body, ['sha256=00'], 's3cret')).toBe(false);
  });
});

describe('the WhatsApp Web session after a crash', () => {
  it('clears a browser lock left by a process that no longer runs, and keeps a live one', () => {
    const profile = temporaryDirectory();
    try {
      fs.symlinkSync(`${os.hostname()}-999999999`, path.join(profile, 'SingletonLock'));
      fs.writeFileSync(path.join(profile, 'SingletonCookie'), '');
      removeStaleBrowserLock(profile);
      expect(fs.readdirSync(profile)).toEqual([]);

      fs.symlinkSync(`${os.hostname()}-${process.pid}`, path.join(profile, 'SingletonLock'));
      removeStaleBrowserLock(profile);
      expect(fs.readdirSync(profile)).toEqual(['SingletonLock']);
    } finally {
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
