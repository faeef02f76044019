import { describe, expect, it } from 'vitest';
import { renderMessageChunks } from '../../channels/telegram/message-rendering.ts';
import { renderOutbound } from '../../channels/whatsapp/outbound-rendering.ts';
import { withoutCitations } from '../../src/llm/citations.ts';
import type { OutboundMessage } from '../../src/messages.ts';

// A model answer cites its sources as [slug]; Telegram and WhatsApp list the sources under the text, so
// the citizen reads the title there and never the raw slug in the text.

const answer: OutboundMessage = {
  author: 'bot',
  text: 'Depuneți cererea F.1 [certificat-urbanism]. Se emite în 15 zile [certificat-urbanism, autorizatie-construire].',
  parts: [
    {
      type: 'sources',
      sources: [
        { slug: 'certificat-urbanism', title: 'Certificat de urbanism' },
        { slug: 'autorizatie-construire', title: 'Autorizație de construire' },
      ],
    },
  ],
};

describe('citations on the phone channels', () => {
  it('Telegram shows the text without slugs and the sources by title', () => {
    const [html] = renderMessageChunks(answer);
    expect(html).toBe('Depuneți cererea F.1. Se emite în 15 zile.\n\n📄 Certificat de urbanism\n📄 Autorizație de construire');
  });

  it('WhatsApp shows the text without slugs and the sources by title', () => {
    const rendered = renderOutbound(answer, 'ro');
    expect(rendered.text).toBe('Depuneți cererea F.1. Se emite în 15 zile.\n\nSurse:\n• Certificat de urbanism\n• Autorizație de construire');
  });

  it('leaves brackets that are not citations of the listed sources as they are', () => {
    expect(withoutCitations('Completați [formularul de mai jos] sau vedeți [altceva].', new Set(['certificat-urbanism']))).toBe('Completați [formularul de mai jos] sau vedeți [altceva].');
  });
});
