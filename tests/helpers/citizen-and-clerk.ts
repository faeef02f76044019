import type { Page } from 'puppeteer-core';
import { setClerkPassword } from '../../src/admin/clerk-accounts.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { launchBrowser, openPage, viewports, type LaunchedBrowser } from './browser.ts';
import { startTestApp, type TestApp } from './test-app.ts';

// The browser stories with two people: the app on a real port, clerks who can sign in, and one browser with
// the citizen's page (a phone) and the clerk's page, each in its own context.

export interface CitizenAndClerk {
  testApp: TestApp;
  baseUrl: string;
  launched: LaunchedBrowser;
  citizen: Page;
  clerk: Page;
}

export async function startCitizenAndClerk(options: {
  clerks: { name: string; department: string; password: string }[];
  clerkViewport: { width: number; height: number };
}): Promise<CitizenAndClerk> {
  const testApp = await startTestApp();
  const baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const { db } = testApp.app.functionar.database;
  for (const clerk of options.clerks) await addClerk(db, { name: clerk.name, department: clerk.department });
  for (const clerk of options.clerks) await setClerkPassword(db, clerk.name, clerk.password);
  let launched: LaunchedBrowser | undefined;
  try {
    launched = await launchBrowser();
    const citizen = await openPage(launched.browser, viewports.phone);
    const clerk = await openPage(launched.browser, options.clerkViewport);
    return { testApp, baseUrl, launched, citizen, clerk };
  } catch (error) {
    // The test's afterAll has nothing to close yet: what was started here is let go here.
    await launched?.close();
    await testApp.close();
    throw error;
  }
}
