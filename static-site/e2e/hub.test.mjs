// End-to-end: the Knowledge Hub in a real browser against the real server. An admin starts an empty library, writes a
// note in the markdown editor (previewed as the server renders it), keeps a private one, finds the first by a word
// inside it with `/` and search as you type, narrows by tag and changes it under its version; a mentee finds the
// shared note and reads it, never the private one, and may not change it. A PDF dropped on the library uploads with a
// progress bar, is found by a word that occurs only inside it once the ingest job has read it, and opens in the PDF
// viewer; the mentee, who may not see it, never finds it. A zipped Obsidian vault is imported and its wikilink, backlink
// and embed are followed in the viewer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchIsolatedBrowser } from './browser.mjs';
import { startServer } from './server.mjs';
import { audit, session, json, signIn } from './support.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-results');
const ADMIN = { name: 'Hana Hub', email: 'hana@example.org', password: 'cedar lamplight wander 83' };
const MENTEE = { name: 'Mo Mentee', email: 'mo@example.org', password: 'river basket humble 26' };
/** A PDF made by reportlab (scripts/fixtures/make_documents.py); only its second page names a Quetzalcoatlus. */
const PDF = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'extract', 'tests', 'fixtures', 'two-pages.pdf');
/** A PNG made by Pillow, the vault's attachment. */
const PNG = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'extract', 'tests', 'fixtures', 'transparent.png');

/** The organisation and its admin through the first-run API, and a mentee through an invitation accepted by API. */
async function seed(url, setupCode) {
  const setup = await fetch(`${url}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: setupCode, org_slug: 'hub-church', org_name: 'Hub Church', email: ADMIN.email, display_name: ADMIN.name, password: ADMIN.password }),
  });
  await json(setup, 'setup');
  const admin = session(setup);
  const me = await json(await fetch(`${url}/api/auth/session`, { headers: { cookie: admin.cookie } }), 'session');
  const org = me.organisations[0].id;
  const invited = await json(
    await fetch(`${url}/api/people/${org}/invitations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      body: JSON.stringify({ email: MENTEE.email, role: 'mentee' }),
    }),
    'invitation',
  );
  const token = new URL(invited.link).hash.replace('#token=', '');
  await json(
    await fetch(`${url}/api/auth/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, display_name: MENTEE.name, password: MENTEE.password }),
    }),
    'accept',
  );
}

describe('Knowledge Hub', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let admin;
  let mentee;
  let noteUrl;
  const pageErrors = [];

  const watch = async (who) => {
    // The site's CSP admits only its own scripts; bypassing it lets the test load axe.
    const page = await (await browser.newContext({ bypassCSP: true })).newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));
    return page;
  };

  before(async () => {
    server = await startServer();
    await seed(server.url, await server.setupCode());
    browser = await launchIsolatedBrowser();
    admin = await watch('admin');
    mentee = await watch('mentee');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('an empty library teaches where to start', async () => {
    await signIn(admin, server.url, ADMIN);
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hub' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Knowledge Hub' }).waitFor();
    await admin.getByTestId('hub-empty').filter({ hasText: 'The library is empty' }).waitFor();
    await audit(admin, 'the empty library');
  });

  test('a note written in the editor is previewed as rendered and saved', async () => {
    await admin.getByRole('link', { name: 'New note' }).first().click();
    await admin.getByRole('heading', { level: 1, name: 'New note' }).waitFor();
    await admin.getByLabel('Title').fill('Road to Emmaus');
    await admin.getByLabel('Tags').fill('#Gospel/Luke, walking');
    const editor = admin.getByRole('textbox', { name: 'Text (markdown)' });
    await editor.click();
    await admin.keyboard.type('Two disciples walk with **Cleopas** to the village.');
    await admin.getByRole('tab', { name: 'Preview' }).click();
    await admin.getByRole('tabpanel').locator('strong', { hasText: 'Cleopas' }).waitFor();
    await audit(admin, 'the note editor');
    await admin.getByRole('button', { name: 'Create the note' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Road to Emmaus' }).waitFor();
    noteUrl = admin.url();
    assert.match(noteUrl, /\/hub\/[0-9A-Z]+$/);
    await admin.getByTestId('note-body').locator('strong', { hasText: 'Cleopas' }).waitFor();
    await audit(admin, 'the note viewer');
  });

  test('a private note is kept from everyone else', async () => {
    await admin.goto(`${server.url}/hub/new`);
    await admin.getByLabel('Title').fill('Prayer journal');
    await admin.getByRole('button', { name: /Who can see it/ }).click();
    await admin.getByRole('option', { name: 'Only me' }).click();
    await admin.getByRole('textbox', { name: 'Text (markdown)' }).click();
    await admin.keyboard.type('Thankful for zephyrine mornings.');
    await admin.getByRole('button', { name: 'Create the note' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Prayer journal' }).waitFor();
  });

  test('the library finds a note by a word inside it, as one types, and narrows by tag', async () => {
    await admin.goto(`${server.url}/hub`);
    await admin.getByRole('heading', { level: 1, name: 'Knowledge Hub' }).waitFor();
    await admin.locator('body').click({ position: { x: 5, y: 5 } });
    await admin.keyboard.press('/');
    const search = admin.getByRole('searchbox', { name: 'Search the library' });
    assert.equal(await search.evaluate((element) => element === document.activeElement), true, '/ focuses the search');
    await admin.keyboard.type('cleop');
    const hit = admin.getByRole('link', { name: 'Road to Emmaus' });
    await hit.waitFor();
    await admin.waitForURL(/\?q=cleop/);
    assert.equal(await admin.locator('.hub__snippet mark').first().textContent(), 'Cleopas');
    await search.fill('');
    await admin.getByRole('button', { name: /^#gospel/ }).click();
    await admin.waitForURL(/tag=gospel/);
    await admin.getByRole('status').filter({ hasText: '1 resource' }).waitFor();
    await audit(admin, 'the library, searched and filtered');
    await hit.click();
    await admin.getByRole('heading', { level: 1, name: 'Road to Emmaus' }).waitFor();
  });

  test('a change is saved under its version and the earlier text stays a version', async () => {
    await admin.getByRole('link', { name: 'Edit' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Edit the note' }).waitFor();
    await admin.getByRole('textbox', { name: 'Text (markdown)' }).click();
    await admin.keyboard.press('Control+End');
    await admin.keyboard.type(' Their hearts burned.');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByTestId('note-body').filter({ hasText: 'Their hearts burned.' }).waitFor();
    await admin.getByRole('button', { name: 'Earlier versions' }).click();
    await admin.getByText('Version 1, saved').waitFor();
    await admin.getByText(/Version 2, saved .* · current/).waitFor();
  });

  test('several resources are tagged at once', async () => {
    await admin.goto(`${server.url}/hub`);
    await admin.getByRole('checkbox', { name: 'Select Road to Emmaus' }).check();
    await admin.getByRole('checkbox', { name: 'Select Prayer journal' }).check();
    const bar = admin.getByRole('region', { name: 'Change the selected resources' });
    await bar.getByRole('status').filter({ hasText: '2 selected' }).waitFor();
    await audit(admin, 'the library with a selection');
    await bar.getByLabel('Tags').fill('lent');
    await bar.getByRole('button', { name: 'Add these tags' }).click();
    await admin.getByRole('button', { name: /^#lent 2$/ }).waitFor();
    assert.equal(await admin.getByRole('region', { name: 'Change the selected resources' }).count(), 0, 'the selection is cleared');
  });

  test("an admin's keyword rule suggests a tag that the author adds with one click", async () => {
    await admin.goto(`${server.url}/hub`);
    await admin.getByRole('link', { name: 'Tag rules' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Tag rules' }).waitFor();
    await admin.getByRole('button', { name: 'Add a rule' }).click();
    await admin.getByLabel('Keyword').fill('disciples');
    await admin.getByLabel('Tag', { exact: true }).fill('people/disciples');
    await audit(admin, 'the tag rules');
    await admin.getByRole('button', { name: 'Save the rules' }).click();
    await admin.getByText('Rules saved').waitFor();
    await admin.goto(noteUrl);
    const suggestions = admin.getByRole('region', { name: 'Suggested tags' });
    await suggestions.getByText('“disciples” appears once').waitFor();
    await suggestions.getByRole('button', { name: 'Add the tag people/disciples' }).click();
    await admin.getByRole('link', { name: '#people/disciples' }).waitFor();
    assert.equal(await admin.getByRole('region', { name: 'Suggested tags' }).count(), 0, 'an accepted tag is no longer offered');
  });

  test('a PDF dropped on the library is uploaded, found by a word inside it and opened in the viewer', async () => {
    await admin.goto(`${server.url}/hub`);
    await admin.getByRole('heading', { level: 1, name: 'Knowledge Hub' }).waitFor();
    await admin.getByTestId('hub-storage').waitFor();
    await admin.getByRole('button', { name: /Who can see it/ }).click();
    await admin.getByRole('option', { name: 'Only me' }).click();
    const bytes = [...(await readFile(PDF))];
    const transfer = await admin.evaluateHandle(({ bytes, name }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type: 'application/pdf' }));
      return data;
    }, { bytes, name: 'Fossil sermon.pdf' });
    const drop = admin.getByTestId('hub-drop');
    await drop.dispatchEvent('dragover', { dataTransfer: transfer });
    await drop.dispatchEvent('drop', { dataTransfer: transfer });
    const row = admin.getByTestId('hub-upload').filter({ hasText: 'Fossil sermon.pdf' });
    await row.getByText('Added to the library').waitFor();
    assert.equal(await row.locator('progress').getAttribute('value'), '100');
    await audit(admin, 'the library with an upload');

    // The word is on the PDF's second page only: found once the ingest job (every 2 s here) has read it.
    const results = admin.getByRole('region', { name: 'Results' });
    const hit = results.getByRole('link', { name: 'Fossil sermon.pdf' });
    for (let tries = 0; tries < 20 && (await hit.count()) === 0; tries += 1) {
      await admin.goto(`${server.url}/hub?q=quetzalcoatlus`);
      await results.getByRole('status').or(results.getByText('Nothing you can see matches')).first().waitFor();
      if ((await hit.count()) === 0) await admin.waitForTimeout(1000);
    }
    await hit.click();
    await admin.getByRole('heading', { level: 1, name: 'Fossil sermon.pdf' }).waitFor();
    await admin.getByTestId('file-reading').filter({ hasText: 'Searchable by the words inside it (2 pages or slides)' }).waitFor();
    const viewer = admin.getByTestId('pdf-viewer');
    await viewer.getByText('Page 1 of 2').waitFor();
    await viewer.getByRole('button', { name: 'Next page' }).click();
    await viewer.getByText('Page 2 of 2').waitFor();
    const canvas = viewer.getByRole('img', { name: 'Fossil sermon.pdf, page 2' });
    await admin.waitForFunction(() => (document.querySelector('[data-testid="pdf-viewer"] canvas')?.width ?? 0) > 100);
    assert.ok((await canvas.boundingBox()).height > 100, 'the page is drawn');
    await audit(admin, 'the PDF viewer');

    // Its details are changed in place, under its version.
    await admin.getByRole('button', { name: 'Edit the details' }).click();
    const details = admin.getByRole('form', { name: 'The details' });
    await details.getByLabel('Title').fill('Fossils of the Holy Land');
    await details.getByLabel('Tags').fill('creation, sermons');
    await audit(admin, 'the details form');
    await details.getByRole('button', { name: 'Save the details' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Fossils of the Holy Land' }).waitFor();
    await admin.getByRole('link', { name: '#creation' }).waitFor();
  });

  test('the library shows a grid of cards and a detail pane beside the results', async () => {
    await admin.goto(`${server.url}/hub`);
    await admin.getByRole('group', { name: 'Show the results as' }).getByRole('button', { name: 'Grid' }).click();
    await admin.waitForURL(/layout=grid/);
    const card = admin.locator('.hub__card').filter({ hasText: 'Road to Emmaus' });
    await card.getByRole('button', { name: 'Details of Road to Emmaus' }).click();
    const pane = admin.getByTestId('hub-pane');
    await pane.getByRole('heading', { name: 'Road to Emmaus' }).waitFor();
    await admin.waitForURL(/open=/);
    assert.equal(await pane.getByRole('heading', { name: 'Road to Emmaus' }).evaluate((h) => h === document.activeElement), true, 'focus moves to the pane');
    await audit(admin, 'the grid with the detail pane');
    await admin.keyboard.press('Escape');
    await admin.waitForURL((url) => !url.search.includes('open='));
    assert.equal(await admin.getByTestId('hub-pane').count(), 0, 'Escape closes the pane');
    await admin.getByRole('group', { name: 'Show the results as' }).getByRole('button', { name: 'List' }).click();
    await admin.waitForURL((url) => !url.search.includes('layout='));
  });

  test('a mentee finds and reads the shared note, never the private one, and may not change it', async () => {
    await signIn(mentee, server.url, MENTEE);
    await mentee.goto(`${server.url}/hub?q=zephyrine`);
    await mentee.getByText('Nothing you can see matches “zephyrine”').waitFor();
    await mentee.goto(`${server.url}/hub?q=quetzalcoatlus`);
    await mentee.getByText('Nothing you can see matches “quetzalcoatlus”').waitFor();
    await mentee.goto(`${server.url}/hub?q=hearts`);
    await mentee.getByRole('link', { name: 'Road to Emmaus' }).click();
    await mentee.getByTestId('note-body').filter({ hasText: 'Their hearts burned.' }).waitFor();
    assert.equal(await mentee.getByRole('link', { name: 'Edit' }).count(), 0);
    assert.equal(await mentee.getByRole('button', { name: 'Delete' }).count(), 0);
    await mentee.goto(`${server.url}/hub?q=`);
    await mentee.getByRole('status').filter({ hasText: '1 resource' }).waitFor();
  });

  test('a zipped Obsidian vault is imported, and its wikilink and embed open in the viewer', async () => {
    const zip = join(resultsDir, 'vault.zip');
    await mkdir(resultsDir, { recursive: true });
    // The archive as a person's zip tool makes it: the vault's folder with its settings folder inside.
    execFileSync('python3', [
      '-c',
      `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('Psalms vault/Psalms/Shepherd.md', '---\\ntags: [psalms]\\n---\\n# The Shepherd\\n\\nSee [[Still Waters#Rest|the rest]] and [[Not written yet]].\\n\\n![[lamb.png|120]]\\n')
    z.writestr('Psalms vault/Psalms/Still Waters.md', '# Still Waters\\n\\n## Rest\\n\\nHe leads me beside still waters.\\n')
    z.write(sys.argv[2], 'Psalms vault/Attachments/lamb.png')
    z.writestr('Psalms vault/.obsidian/app.json', '{}')`,
      zip,
      PNG,
    ]);
    await admin.goto(`${server.url}/hub`);
    await admin.getByRole('link', { name: 'Import a vault' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Import an Obsidian vault' }).waitFor();
    await admin.getByText('No vault imported yet.').waitFor();
    await audit(admin, 'the import page');
    await admin.getByLabel('The vault as a .zip').setInputFiles(zip);
    assert.equal(await admin.getByLabel('Vault name').inputValue(), 'vault', 'the name comes from the file');
    await admin.getByLabel('Vault name').fill('Psalms');
    await admin.getByRole('button', { name: 'Upload and import' }).click();
    // The ingest job (every 2 s here) imports it; the page follows until it is done.
    const summary = admin.getByTestId('import-summary');
    await summary.getByText('“Psalms” is imported.').waitFor({ timeout: 30_000 });
    await summary.getByText('2 notes and 1 attachments (1 left out as Obsidian leaves them out)').waitFor();
    await summary.getByText('2 links resolved (0 by the nearest of several), 1 not yet').waitFor();
    await summary.getByText('1 link leads nowhere yet').click();
    await summary.getByText('[[Not written yet]] in Psalms/Shepherd.md').waitFor();
    await audit(admin, 'the import summary');

    await admin.goto(`${server.url}/hub?q=shepherd`);
    await admin.getByRole('region', { name: 'Results' }).getByRole('link', { name: 'Shepherd', exact: true }).click();
    const body = admin.getByTestId('note-body');
    await body.locator('.wikilink--unresolved').filter({ hasText: 'Not written yet' }).waitFor();
    const picture = body.locator('.embed--image img');
    await admin.waitForFunction(() => (document.querySelector('.embed--image img')?.naturalWidth ?? 0) > 0);
    assert.equal(await picture.getAttribute('width'), '120');
    await audit(admin, 'an imported note');
    await body.getByRole('link', { name: 'the rest' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Still Waters', exact: true }).waitFor();
    await admin.getByTestId('note-body').locator('#h-rest').waitFor();
    await admin.getByRole('region', { name: 'Linked from' }).getByRole('link', { name: 'Shepherd', exact: true }).click();
    await admin.getByRole('heading', { level: 1, name: 'Shepherd', exact: true }).waitFor();
    await admin.getByTestId('note-body').locator('.embed--image').click();
    await admin.getByRole('heading', { level: 1, name: 'lamb.png' }).waitFor();
  });

  test('no page threw', async () => {
    if (pageErrors.length > 0) {
      await mkdir(resultsDir, { recursive: true });
      await admin.screenshot({ path: join(resultsDir, 'hub-admin.png') });
    }
    assert.deepEqual(pageErrors, []);
  });
});
