import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { pluginNames, plugins } from '../../src/app-plugins.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startTestApp, temporaryDirectory, unreachableOllama, type TestApp } from '../helpers/test-app.ts';

describe('the composition root', () => {
  let testApp: TestApp | undefined;
  afterEach(async () => {
    await testApp?.close();
    testApp = undefined;
  });

  it('refuses to register the channels before the outbox and the conversation core they need', async () => {
    const config = loadConfig({ DATA_DIR: temporaryDirectory(), OLLAMA_HOST: unreachableOllama, LOG_LEVEL: 'silent' });
    const options = { config, logger: createLogger('silent') };
    const app = Fastify();
    await app.register(plugins.database, options);
    await expect(app.register(plugins.channels, options)).rejects.toMatchObject({ code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED' });
    await app.close();
  });

  it('refuses the outbox without the database it reads', async () => {
    const app = Fastify();
    const config = loadConfig({ DATA_DIR: temporaryDirectory(), OLLAMA_HOST: unreachableOllama, LOG_LEVEL: 'silent' });
    await expect(app.register(plugins.outbox, { config, logger: createLogger('silent') })).rejects.toMatchObject({
      code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED',
      message: expect.stringContaining(pluginNames.database),
    });
    await app.close();
  });

  it('builds the app from every plugin, each decorating what it owns', async () => {
    testApp = await startTestApp();
    const { app } = testApp;
    for (const name of Object.values(pluginNames)) expect(app.hasPlugin(name), name).toBe(true);
    // The compatibility view is made of the owners' decorations, not copies.
    expect(app.functionar.database).toBe(app.database);
    expect(app.functionar.outbox).toBe(app.outbox);
    expect(app.functionar.channels).toBe(app.channels);
    expect(app.functionar.gateway).toBe(app.gateway);
    // The outbox delivers through the adapters the channels plugin registered (the web chat is always on).
    expect(app.channels.has('webchat')).toBe(true);
  });
});
