#!/usr/bin/env node
/**
 * LEVER UP Badges — headless Chromium driver for the end-to-end tests.
 *
 * Drives the system's Chromium (Debian's `chromium`; never a downloaded
 * browser) with playwright-core, and runs axe-core inside pages. The Python
 * tests (tests/e2e) send it steps as JSON and read JSON answers, so pytest
 * owns the scenario and this script owns only the browser.
 *
 *   node browser.mjs serve            JSON lines: one step in, one answer out
 *   node browser.mjs run [JOB]        JOB = {"steps": [...]} as an argument or
 *                                     on stdin; prints {"results": [...]}
 *
 * Each answer is {"ok": true, "result": ...} or {"ok": false, "error": "..."}
 * (serve echoes the step's "id"). Steps, by "op":
 *   open       {page, url, javaScript=true, locale?, viewport?}   a new page in
 *              a new context (a fresh profile each; viewport {width, height}, e.g.
 *              a phone's); every request URL it makes is recorded.
 *              -> {status, url, lang}
 *   reload     {page}                  -> {status, url, lang}
 *   click      {page, selector}        clicks and waits for the page load
 *                                      -> {status, url, lang}
 *   fill       {page, selector, value}  types into a text field -> null
 *   upload     {page, selector, path}   chooses a file in a file input -> null
 *   query      {page, selector, attributes=[]}
 *              -> [{text, attributes: {name: value|null}}] per match
 *   box        {page, selector}        the first match's position in the document
 *              (CSS px) -> {top, height} | null
 *   axe        {page, tags=[...]}      axe-core on the page
 *              -> {violations: [{id, impact, help, helpUrl?, nodes: [...]}],
 *                  passes: N}
 *   screenshot {page, path, fullPage=true}   -> {path, bytes}
 *   pdf        {page, path?, format="A4"}  prints the page (print media)
 *              -> {pages, bytes}
 *   requests   {page}                  every request URL of the page's context
 *   wait       {page, selector}        waits until the selector is visible
 *                                      (pages that render with script) -> null
 *   tap        {page, selector}        clicks without waiting for a page load
 *                                      (a script's button) -> null
 *   close      {page}
 *   ping                               -> "pong"
 *
 * Chromium: LEVERUP_TEST_CHROMIUM, else `chromium` on PATH. Playwright gives each
 * launch a fresh temporary user-data-dir and removes it at exit.
 */
import {accessSync, constants, readFileSync, statSync} from 'node:fs';
import {createRequire} from 'node:module';
import {createInterface} from 'node:readline';
import {delimiter, join} from 'node:path';

import {chromium} from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const TIMEOUT_MS = 30_000;

/** The Chromium executable: LEVERUP_TEST_CHROMIUM, else `chromium` on PATH. */
function findChromium() {
  if(process.env.LEVERUP_TEST_CHROMIUM) {
    return process.env.LEVERUP_TEST_CHROMIUM;
  }
  for(const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'chromium');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error('chromium not found: set LEVERUP_TEST_CHROMIUM or put chromium on PATH');
}

class Driver {
  constructor() {
    this.browser = null;
    this.pages = new Map(); // name -> {context, page, requests}
  }

  async launch() {
    if(!this.browser) {
      this.browser = await chromium.launch({
        executablePath: findChromium(),
        headless: true,
        args: ARGS,
        timeout: TIMEOUT_MS,
      });
    }
    return this.browser;
  }

  slot(name) {
    const slot = this.pages.get(name);
    if(!slot) {
      throw new Error(`no open page named ${JSON.stringify(name)}`);
    }
    return slot;
  }

  async state(slot, response) {
    return {
      status: response ? response.status() : null,
      url: slot.page.url(),
      lang: await slot.page.evaluate(
        () => document.documentElement.getAttribute('lang')),
    };
  }

  async open({page: name, url, javaScript = true, locale, viewport}) {
    const browser = await this.launch();
    if(this.pages.has(name)) {
      await this.close({page: name});
    }
    const context = await browser.newContext({
      javaScriptEnabled: javaScript,
      ...(locale ? {locale} : {}),
      ...(viewport ? {viewport} : {}),  // e.g. {width: 390, height: 844}, a phone
    });
    context.setDefaultTimeout(TIMEOUT_MS);
    const requests = [];
    context.on('request', request => requests.push(request.url()));
    const page = await context.newPage();
    const slot = {context, page, requests};
    this.pages.set(name, slot);
    const response = await page.goto(url, {waitUntil: 'load'});
    return this.state(slot, response);
  }

  async reload({page: name}) {
    const slot = this.slot(name);
    const response = await slot.page.reload({waitUntil: 'load'});
    return this.state(slot, response);
  }

  async click({page: name, selector}) {
    const slot = this.slot(name);
    const [response] = await Promise.all([
      slot.page.waitForNavigation({waitUntil: 'load'}),
      slot.page.click(selector),
    ]);
    return this.state(slot, response);
  }

  async fill({page: name, selector, value}) {
    await this.slot(name).page.fill(selector, value);
    return null;
  }

  async upload({page: name, selector, path}) {
    await this.slot(name).page.setInputFiles(selector, path);
    return null;
  }

  async query({page: name, selector, attributes = []}) {
    const slot = this.slot(name);
    // $$eval runs in the page, so it works with JavaScript disabled too
    // (Playwright's evaluation is not page script).
    return slot.page.$$eval(selector, (elements, names) => elements.map(el => ({
      text: el.textContent.trim().replace(/\s+/g, ' '),
      attributes: Object.fromEntries(names.map(n => [n, el.getAttribute(n)])),
    })), attributes);
  }

  async box({page: name, selector}) {
    // Where the first element matching selector lies on the page (CSS px from the top of the
    // document), or null: how far down a reader must scroll to see it.
    const box = await this.slot(name).page.$eval(selector, el => {
      const rect = el.getBoundingClientRect();
      return {top: rect.top + window.scrollY, height: rect.height};
    }).catch(() => null);
    return box;
  }

  async axe({page: name, tags = WCAG_TAGS}) {
    const slot = this.slot(name);
    // Evaluated through the DevTools protocol, not as a <script> element: the
    // page's Content-Security-Policy (script-src 'none') stays in force.
    if(!await slot.page.evaluate(() => Boolean(globalThis.axe))) {
      await slot.page.evaluate(AXE_SOURCE);
    }
    const results = await slot.page.evaluate(
      runTags => globalThis.axe.run(document, {
        runOnly: {type: 'tag', values: runTags},
        resultTypes: ['violations'],
      }), tags);
    return {
      violations: results.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        tags: v.tags,
        nodes: v.nodes.map(n => ({
          target: n.target,
          html: n.html.slice(0, 300),
          summary: n.failureSummary,
        })),
      })),
      passes: results.passes.length,
    };
  }

  async screenshot({page: name, path, fullPage = true}) {
    const slot = this.slot(name);
    await slot.page.screenshot({path, fullPage});
    return {path, bytes: statSync(path).size};
  }

  async pdf({page: name, path, format = 'A4'}) {
    const buffer = await this.slot(name).page.pdf({
      format, printBackground: true, ...(path ? {path} : {}),
    });
    // Chromium writes one "/Type /Page" object per page (and "/Type /Pages" once).
    const pages = buffer.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
    return {pages: pages.length, bytes: buffer.length};
  }

  async wait({page: name, selector}) {
    await this.slot(name).page.waitForSelector(selector, {state: 'visible'});
    return null;
  }

  async tap({page: name, selector}) {
    await this.slot(name).page.click(selector);
    return null;
  }

  async requests({page: name}) {
    return [...this.slot(name).requests];
  }

  async close({page: name}) {
    const slot = this.pages.get(name);
    if(slot) {
      this.pages.delete(name);
      await slot.context.close();
    }
    return null;
  }

  async ping() {
    await this.launch();
    return 'pong';
  }

  async shutdown() {
    if(this.browser) {
      await this.browser.close();
      this.browser = null;
    }
  }

  async step(step) {
    const ops = {
      open: this.open, reload: this.reload, click: this.click,
      fill: this.fill, upload: this.upload, query: this.query,
      axe: this.axe, screenshot: this.screenshot, pdf: this.pdf,
      requests: this.requests, wait: this.wait, tap: this.tap, box: this.box,
      close: this.close, ping: this.ping,
    };
    const op = ops[step?.op];
    if(!op) {
      throw new Error(`unknown op ${JSON.stringify(step?.op)}`);
    }
    return op.call(this, step);
  }
}

async function answer(driver, step) {
  try {
    return {ok: true, result: await driver.step(step)};
  } catch(error) {
    return {ok: false, error: String(error?.message ?? error)};
  }
}

async function serve(driver) {
  const lines = createInterface({input: process.stdin, crlfDelay: Infinity});
  for await (const line of lines) {
    if(!line.trim()) {
      continue;
    }
    let step;
    try {
      step = JSON.parse(line);
    } catch(error) {
      process.stdout.write(JSON.stringify(
        {ok: false, error: `not JSON: ${error.message}`}) + '\n');
      continue;
    }
    const reply = await answer(driver, step);
    process.stdout.write(JSON.stringify({id: step.id ?? null, ...reply}) + '\n');
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function run(driver, text) {
  const job = JSON.parse(text);
  const results = [];
  for(const step of job.steps ?? []) {
    const reply = await answer(driver, step);
    results.push(reply);
    if(!reply.ok) {
      break;
    }
  }
  process.stdout.write(JSON.stringify({results}) + '\n');
  return results.every(r => r.ok);
}

async function main() {
  const [command, job] = process.argv.slice(2);
  const driver = new Driver();
  try {
    if(command === 'serve') {
      await serve(driver);
      return 0;
    }
    if(command === 'run') {
      return (await run(driver, job ?? await readStdin())) ? 0 : 1;
    }
    process.stderr.write('usage: node browser.mjs serve | run [JOB]\n');
    return 2;
  } finally {
    await driver.shutdown();
  }
}

process.exitCode = await main();
