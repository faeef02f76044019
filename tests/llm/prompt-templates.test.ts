import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { languages } from '../../src/language.ts';
import {
  fillTemplate,
  loadPromptLibrary,
  parsePromptFile,
  promptNames,
  PromptTemplateError,
} from '../../src/llm/prompt-templates.ts';

describe('prompt templates', () => {
  it('fills {{variables}} and does not expand text inside a value', () => {
    expect(fillTemplate('Clerk of {{townHallName}}: {{ question }}', { townHallName: 'Primăria Bălăușeri', question: '{{townHallName}}?' })).toBe(
      'Clerk of Primăria Bălăușeri: {{townHallName}}?',
    );
  });

  it('names an unknown variable', () => {
    expect(() => fillTemplate('Hello {{citizenName}}', {}, 'ro/answer.md')).toThrowError(new PromptTemplateError('ro/answer.md: unknown variable {{citizenName}}'));
  });

  it('reads the version from the front matter and refuses a file without one', () => {
    expect(parsePromptFile('---\nversion: 3\n---\nText', 'x.md')).toEqual({ version: 3, body: 'Text' });
    expect(() => parsePromptFile('Text', 'x.md')).toThrow(/front matter/);
    expect(() => parsePromptFile('---\nversion: zero\n---\nText', 'x.md')).toThrow(/version/);
  });

  it('ships every prompt in every language, versioned, using only known variables', async () => {
    const prompts = await loadPromptLibrary();
    for (const language of languages) {
      for (const name of promptNames) {
        const template = prompts.template(name, language);
        expect(template.version).toBeGreaterThanOrEqual(1);
        expect(template.file).toContain(path.join('prompts', language, `${name}.md`));
      }
    }
    expect(prompts.render('answer', 'ro', { townHallName: 'Primăria Bălăușeri', sources: 'S', sourceCount: '1' })).toContain(
      'Ești funcționarul virtual al Primăria Bălăușeri',
    );
  });

  it('the answer prompts carry the rules in each language', async () => {
    const prompts = await loadPromptLibrary();
    const render = (language: 'ro' | 'hu' | 'en') => prompts.render('answer', language, { townHallName: 'T', sources: '', sourceCount: '0' });
    expect(render('ro')).toMatch(/NUMAI din sursele[\s\S]*Pot să deschid o cerere[\s\S]*o singură întrebare de clarificare[\s\S]*altor persoane/);
    expect(render('hu')).toMatch(/KIZÁRÓLAG[\s\S]*nyithatok egy kérelmet[\s\S]*egyetlen tisztázó kérdést[\s\S]*magyarul válaszolsz/);
    expect(render('en')).toMatch(/ONLY from the sources[\s\S]*I can open a request[\s\S]*one clarifying question[\s\S]*other people's requests/);
  });

  it('refuses at load time a prompt file with a misspelt variable, naming file and variable', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'prompts-'));
    try {
      await fs.cp(path.resolve('prompts'), directory, { recursive: true });
      await fs.writeFile(path.join(directory, 'hu', 'answer.md'), '---\nversion: 2\n---\nTe {{townHalName}} ügyintézője vagy.');
      await expect(loadPromptLibrary(directory)).rejects.toThrow(/hu[/\\]answer\.md: unknown variable\(s\) \{\{townHalName\}\}/);
    } finally {
      await fs.rm(directory, { recursive: true, force: true });
    }
  });
});
