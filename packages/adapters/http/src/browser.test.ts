// The portal in a real Chromium (Debian's /usr/bin/chromium through playwright-core),
// against the server on a real SQLite file on an ephemeral port.
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ADMIN_TOKEN, admin, type Harness, harness, PASSWORD, PINS, provisionPhone } from './testing/harness.js';

// SELFPROV_CHROMIUM only lets the failure below be tried; CI uses Debian's package.
const CHROMIUM = process.env.SELFPROV_CHROMIUM ?? '/usr/bin/chromium';
const MISSING = `Chromium is missing at ${CHROMIUM}: install Debian's package (apt-get install -y chromium); the test command installs it when run as root with apt`;
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
/** Per browser action: a safety net for a loaded machine, not a measure of speed. */
const ACTION_TIMEOUT_MS = 30_000;

let h: Harness | undefined;
let browser: Browser | undefined;
let url = '';
let device = '';

/**
 * A page in a browser context of its own (its own cookies and storage): no test sees what another
 * left behind, so each runs alone or in any order. `body`'s context is closed afterwards, even on failure.
 */
const inPage = async (body: (p: Page) => Promise<void>): Promise<void> => {
  // Without Chromium every browser test FAILS with this message: they never skip.
  if (browser === undefined) throw new Error(MISSING);
  const context = await browser.newContext();
  try {
    const p = await context.newPage();
    p.setDefaultTimeout(ACTION_TIMEOUT_MS);
    await body(p);
  } finally {
    await context.close();
  }
};

/** Logs `user` in through the portal's form (the demo password) and waits for the portal. */
const logIn = async (p: Page, user: string): Promise<void> => {
  await p.goto(`${url}/`);
  await p.getByLabel('User ID').fill(user);
  await p.getByLabel('Password').fill(PASSWORD);
  await p.getByRole('button', { name: 'Log in' }).click();
  await p.locator('#portal').waitFor({ state: 'visible' });
  assert.is(await p.locator('#who-name').textContent(), user);
};

/** `inPage`, with `user` logged in first. */
const loggedInPage = (user: string, body: (p: Page) => Promise<void>): Promise<void> =>
  inPage(async (p) => {
    await logIn(p, user);
    await body(p);
  });

test.before(async () => {
  if (!existsSync(CHROMIUM)) return;
  // IVR timers on simulated time: a slow machine cannot make a no-input timeout fire during the provisioning.
  h = await harness({ store: 'sqlite', simulatedIvr: true });
  device = await provisionPhone(h.server, '001122334455', '2001', PINS.alice as string);
  // The operator hides "Others" on the phone page.
  const hidden = await h.server.inject({
    method: 'PUT',
    url: '/api/admin/selfcare/visible-features/phone',
    headers: admin,
    payload: { features: 'General,SpeedDials,DoNotDisturb,Locale,MusicOnHold' },
  });
  if (hidden.statusCode !== 200) throw new Error(hidden.body);
  await h.server.listen({ port: 0, host: '127.0.0.1' });
  const address = h.server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  url = `http://127.0.0.1:${address.port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
});

test.after(async () => {
  await browser?.close();
  await h?.close();
});

test('Chromium is there (the browser tests fail without it, they never skip)', () => {
  assert.ok(existsSync(CHROMIUM) && browser !== undefined, MISSING);
});

test('a wrong password is refused and the login form stays', () =>
  inPage(async (p) => {
    await p.goto(`${url}/`);
    await p.getByLabel('User ID').fill('alice');
    await p.getByLabel('Password').fill('not-the-password');
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.locator('#login-error', { hasText: 'wrong' }).waitFor();
    assert.ok(await p.locator('#login').isVisible());
    assert.not.ok(await p.locator('#portal').isVisible());
    assert.not.ok(await p.getByRole('button', { name: 'Log out' }).isVisible(), 'no logout button before login');
  }));

test('alice logs in with the keyboard, changes call forwarding and a speed dial, and sees them after a reload', () =>
  inPage(async (p) => {
    await p.goto(`${url}/`);
    // Keyboard only: the user field has the focus, Tab goes to the password, Enter submits.
    await p.locator('#login-user:focus').waitFor();
    await p.keyboard.type('alice');
    await p.keyboard.press('Tab');
    // (Browser-side code is given as strings: this package type-checks without the DOM library.)
    assert.is(await p.evaluate('document.activeElement && document.activeElement.id'), 'login-password');
    await p.keyboard.type(PASSWORD);
    await p.keyboard.press('Enter');
    await p.locator('#portal').waitFor({ state: 'visible' });
    assert.is(await p.locator('#who-name').textContent(), 'alice');
    assert.ok(await p.locator(`#carousel-items button[data-device="${device}"][aria-pressed="true"]`).isVisible());

    // Call forwarding: forward all calls to a number.
    const forward = p.locator('#feature-line-CallForward');
    await forward.getByLabel('Forward all calls', { exact: true }).selectOption('number');
    await forward.getByLabel('Forward all calls: number').fill('5551234');
    await forward.getByRole('button', { name: 'Save' }).click();
    await p.locator('#feature-line-CallForward [role="status"]', { hasText: 'Saved.' }).waitFor();

    // A speed dial, with pauses.
    const dials = p.locator('#feature-phone-SpeedDials');
    await dials.getByRole('button', { name: 'Add a speed dial' }).click();
    await dials.locator('[data-role="number"]').last().fill('5550100,,42#');
    await dials.locator('[data-role="label"]').last().fill('Bank');
    await dials.getByRole('button', { name: 'Save' }).click();
    await p.locator('#feature-phone-SpeedDials [role="status"]', { hasText: 'Saved.' }).waitFor();

    // After a reload (the session cookie keeps her logged in) the changes are there.
    await p.reload();
    await p.locator('#portal').waitFor({ state: 'visible' });
    const after = p.locator('#feature-line-CallForward');
    assert.is(await after.getByLabel('Forward all calls', { exact: true }).inputValue(), 'number');
    assert.is(await after.getByLabel('Forward all calls: number').inputValue(), '5551234');
    const values = async (selector: string) => Promise.all((await p.locator(selector).all()).map((l) => l.inputValue()));
    assert.equal(await values('#feature-phone-SpeedDials [data-role="number"]'), ['5550100,,42#']);
    assert.equal(await values('#feature-phone-SpeedDials [data-role="label"]'), ['Bank']);

    // What the server holds agrees with the page.
    const phone = await h?.backend.selfCare.carousel({ kind: 'administrator', administratorId: 'test', onBehalfOf: 'alice' })();
    assert.ok(phone?._tag === 'Right');
    if (phone?._tag === 'Right')
      assert.equal(phone.right.items[0]?.lines[0]?.settings.callForward.all, { to: 'number', number: '5551234' });
  }));

test('a hidden feature is absent from the page, and refused by the API', () =>
  loggedInPage('alice', async (p) => {
    assert.is(await p.locator('#feature-phone-Others').count(), 0, 'Others is not built at all');
    assert.is(await p.getByText('Speakerphone and headset').count(), 0);
    for (const shown of ['General', 'SpeedDials', 'DoNotDisturb', 'Locale', 'MusicOnHold'])
      assert.is(await p.locator(`#feature-phone-${shown}`).count(), 1, `${shown} is shown`);
    const refused = await p.evaluate(async (deviceName) => {
      const session = (await (await fetch('/api/selfcare/session')).json()) as { csrfToken: string };
      const r = await fetch(`/api/selfcare/phones/${deviceName}/options`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ video: false }),
      });
      return { status: r.status, body: (await r.json()) as { code: string } };
    }, device);
    assert.is(refused.status, 403);
    assert.is(refused.body.code, 'feature_hidden');
  }));

test('keyboard focus is visible, and the portal fits a phone-sized screen', () =>
  inPage(async (p) => {
    await p.setViewportSize({ width: 360, height: 740 });
    await logIn(p, 'alice');
    // A fresh load of the logged-in portal, so the first Tab starts from the top of the page.
    await p.reload();
    await p.locator('#portal').waitFor({ state: 'visible' });
    await p.keyboard.press('Tab');
    const outline = (await p.evaluate(
      '(() => { const el = document.activeElement; return { tag: el.tagName, outline: getComputedStyle(el).outlineStyle }; })()',
    )) as { tag: string; outline: string };
    assert.is.not(outline.tag, 'BODY', 'Tab moved the focus onto a control');
    assert.is.not(outline.outline, 'none', `focus on ${outline.tag} is visible`);
    const overflow = (await p.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
    assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);
    // Every form control has a label.
    const unlabelled = await p.evaluate(
      `[...document.querySelectorAll('#portal input:not([hidden]), #portal select')]
         .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label'))
         .map((el) => el.outerHTML)`,
    );
    assert.equal(unlabelled, []);
  }));

test('logging out returns to the login form, and a reload stays there (the session is gone)', () =>
  loggedInPage('alice', async (p) => {
    await p.getByRole('button', { name: 'Log out' }).click();
    await p.locator('#login').waitFor({ state: 'visible' });
    assert.not.ok(await p.locator('#portal').isVisible());
    await p.reload();
    await p.locator('#login').waitFor({ state: 'visible' });
    assert.not.ok(await p.locator('#portal').isVisible());
    const session = await p.evaluate(async () => (await fetch('/api/selfcare/session')).status);
    assert.is(session, 401, 'the server ended the session');
  }));

test('the administrator view shows the readiness report and the phones after the token is given', () =>
  inPage(async (p) => {
    await p.goto(`${url}/admin`);
    await p.getByLabel('Token (SELFPROV_ADMIN_TOKEN)').fill('not-the-token-not-the-token');
    await p.getByRole('button', { name: 'Open' }).click();
    await p.locator('#token-error', { hasText: 'not the administrator token' }).waitFor();
    await p.getByLabel('Token (SELFPROV_ADMIN_TOKEN)').fill(ADMIN_TOKEN);
    await p.keyboard.press('Enter');
    await p.locator('#admin').waitFor({ state: 'visible' });
    await p.getByText('Cluster cluster-1: ready for self-provisioning').waitFor();
    const row = p.locator('#phones-body tr', { hasText: device });
    assert.match((await row.textContent()) ?? '', /provisioned/);
    assert.match((await row.textContent()) ?? '', /alice/);
    assert.match((await row.textContent()) ?? '', /2001/);
  }));

test.run();
