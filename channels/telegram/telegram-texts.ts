import type { Language } from '../../src/language.ts';

// What the Telegram adapter says on its own, about Telegram things (files, edits, groups). Everything
// about the town hall's business comes from the conversation pipeline.

export interface TelegramTexts {
  fileTooLarge(maximumMegabytes: number): string;
  fileTypeRefused: string;
  fileNotReceived: string;
  unsupportedMessage: string;
  editIgnored: string;
  privateChatOnly(botUsername: string | undefined): string;
  slowDown: string;
  buttonExpired: string;
}

export const telegramTexts: Record<Language, TelegramTexts> = {
  ro: {
    fileTooLarge: (maximum) => `Fișierul este prea mare; pot primi fișiere de cel mult ${maximum} MB. Îl puteți aduce la ghișeu sau trimite unul mai mic.`,
    fileTypeRefused: 'Pot primi fotografii, PDF-uri și documente Word, Excel sau text. Acest tip de fișier nu îl pot atașa.',
    fileNotReceived: 'Nu am reușit să descarc fișierul de la Telegram. Vă rog trimiteți-l încă o dată.',
    unsupportedMessage: 'Pot citi mesaje scrise, fotografii, documente și locații. Vă rog scrieți întrebarea dvs.',
    editIgnored: 'Am văzut că ați modificat un mesaj. Mesajul inițial a fost deja preluat; trimiteți vă rog textul corectat ca mesaj nou.',
    privateChatOnly: (bot) => `Cetățenilor le răspund doar în chat privat${bot ? `: https://t.me/${bot}` : ''}.`,
    slowDown: 'Primesc prea multe mesaje deodată de la dvs. Vă rog așteptați un minut și scrieți din nou.',
    buttonExpired: 'Acest buton nu mai este valabil. Vă rog scrieți răspunsul.',
  },
  hu: {
    fileTooLarge: (maximum) => `A fájl túl nagy; legfeljebb ${maximum} MB-os fájlt tudok fogadni. Behozhatja a hivatalba, vagy küldjön kisebbet.`,
    fileTypeRefused: 'Fényképet, PDF-et, Word-, Excel- vagy szöveges dokumentumot tudok fogadni. Ezt a fájltípust nem tudom csatolni.',
    fileNotReceived: 'Nem sikerült letölteni a fájlt a Telegramról. Kérem, küldje el még egyszer.',
    unsupportedMessage: 'Írott üzenetet, fényképet, dokumentumot és helyszínt tudok olvasni. Kérem, írja meg a kérdését.',
    editIgnored: 'Látom, hogy módosított egy üzenetet. Az eredeti üzenetet már feldolgoztam; kérem, a javított szöveget küldje új üzenetként.',
    privateChatOnly: (bot) => `Az állampolgároknak csak privát beszélgetésben válaszolok${bot ? `: https://t.me/${bot}` : ''}.`,
    slowDown: 'Túl sok üzenetet kapok egyszerre Öntől. Kérem, várjon egy percet, és írjon újra.',
    buttonExpired: 'Ez a gomb már nem érvényes. Kérem, írja meg a válaszát.',
  },
  en: {
    fileTooLarge: (maximum) => `The file is too large; I can receive files of at most ${maximum} MB. You can bring it to the counter or send a smaller one.`,
    fileTypeRefused: 'I can receive photos, PDFs and Word, Excel or text documents. I cannot attach this type of file.',
    fileNotReceived: 'I could not download the file from Telegram. Please send it again.',
    unsupportedMessage: 'I can read text messages, photos, documents and locations. Please write your question.',
    editIgnored: 'I saw that you edited a message. The original was already taken into account; please send the corrected text as a new message.',
    privateChatOnly: (bot) => `I answer citizens in a private chat only${bot ? `: https://t.me/${bot}` : ''}.`,
    slowDown: 'I am receiving too many messages from you at once. Please wait a minute and write again.',
    buttonExpired: 'This button is no longer valid. Please type your answer.',
  },
};

/** Clerks work in Romanian, like the reply commands and the staff notices. */
export const clerkTexts = {
  replyPrompt: (label: string) => `✍️ Răspuns la tichetul ${label}: scrieți textul pentru cetățean ca răspuns (reply) la acest mesaj.`,
  notePrompt: (label: string) => `📝 Notă internă la tichetul ${label}: scrieți nota ca răspuns (reply) la acest mesaj.`,
  replyPlaceholder: 'Textul pentru cetățean',
  notePlaceholder: 'Nota internă',
  promptSent: 'Scrieți răspunsul ca reply la mesajul de mai jos.',
};
