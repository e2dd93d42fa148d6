import { describe, expect, it } from '@jest/globals';
import { accessibilityViolations, type Page, useBrowser, useStack, waitFor } from '@meridian/testing';

/**
 * The web console in a real headless Chromium, against the whole stack: every page is reached by
 * signing in with a key and clicking, what it shows is what the API answers, and what it does
 * through its buttons the API then answers too. Each page is checked with axe-core and saved as a
 * picture under test-results/console/.
 */
describe('web console', () => {
  const ctx = useStack({ apps: ['api', 'scheduler', 'worker'] });
  const browser = useBrowser('console');
  let key = '';

  const page = (): Page => browser.page;
  const api = () => ctx.api.as(key);

  /** Opens a console address as a new visit: the key was only in the old page's memory, so sign in. */
  async function visit(path: string): Promise<void> {
    await page().goto(`${ctx.stack.apiUrl}/console${path}`);
    await page().getByLabel('API key').fill(key);
    await page().getByRole('button', { name: 'Sign in' }).click();
    await page().getByRole('navigation', { name: 'Sections' }).waitFor();
  }

  async function expectAccessible(): Promise<void> {
    expect(await accessibilityViolations(page())).toEqual([]);
  }

  it('should refuse a wrong key on the sign-in page and keep a good one out of storage', async () => {
    const created = await ctx.api.request<{ key: string }>('POST', '/v1/keys', {
      name: 'console',
      namespace: 'console-team',
      scopes: ['admin'],
    });
    key = created.body.key;

    await page().goto(`${ctx.stack.apiUrl}/console/`);
    await page()
      .getByLabel('API key')
      .fill(`mk_${'0'.repeat(32)}_${'A'.repeat(43)}`);
    await page().getByRole('button', { name: 'Sign in' }).click();
    await expect(page().getByRole('alert').textContent()).resolves.toMatch(/key/i);
    await expectAccessible();
    await browser.screenshot('sign-in');

    await page().getByLabel('API key').fill(key);
    await page().getByRole('button', { name: 'Sign in' }).click();
    await page().getByRole('heading', { name: 'Overview' }).waitFor();
    const stored = await page().evaluate(() => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookies: document.cookie,
    }));
    expect(stored).toEqual({ local: 0, session: 0, cookies: '' });

    await page().reload();
    await page().getByLabel('API key').waitFor();
  });

  it("should show a recurring job's next runs and a skipped occurrence with its reason", async () => {
    // Every second, each run sleeping 2.5 s, overlap skip: occurrences are skipped while a run goes.
    const job = await api().createJob({
      name: 'nightly-report',
      handler: 'sleep',
      payload: { ms: 2500 },
      schedule: { cron: '* * * * * *', timezone: 'Europe/Berlin' },
      overlap: 'skip',
    });
    await waitFor(async () =>
      (await api().occurrences(job.id)).some((occurrence) => occurrence.outcome === 'SKIPPED_OVERLAP')
        ? true
        : undefined,
    );

    await visit('/');
    await page().getByRole('link', { name: 'Schedules' }).click();
    await page().getByRole('link', { name: 'nightly-report' }).click();
    await page().getByRole('heading', { name: 'Next runs' }).waitFor();

    const upcoming = page().locator('table.upcoming tbody tr');
    await upcoming.nth(9).waitFor();
    await expect(upcoming.count()).resolves.toBe(10);
    await expect(page().locator('table.upcoming thead').textContent()).resolves.toContain('Europe/Berlin');
    const skipped = page().locator('table.occurrences tr[data-outcome="SKIPPED_OVERLAP"]').first();
    await skipped.waitFor();
    await expect(skipped.textContent()).resolves.toContain('Skipped: the previous run was still going (overlap skip).');
    await expect(page().locator('ol.timeline .occurrence-skipped').count()).resolves.toBeGreaterThan(0);
    await expectAccessible();
    await browser.screenshot('schedule');

    // Pause from the console, with a note: the API answers the schedule paused with that note.
    await page().getByText('Pause…').click();
    await page().getByLabel(/Note/).fill('maintenance window');
    await page().getByRole('button', { name: 'Pause schedule' }).click();
    await waitFor(async () => ((await api().job(job.id)).schedule?.state === 'PAUSED' ? true : undefined));
    expect((await api().job(job.id)).schedule?.pauseNote).toBe('maintenance window');
    await page().getByText('maintenance window').first().waitFor();

    await page().getByRole('link', { name: 'Schedules' }).click();
    await page().getByText('PAUSED').first().waitFor();
    await browser.screenshot('schedules');
  });

  it('should list jobs with live status, filter them, and cancel one from its page', async () => {
    const later = await api().createJob({
      name: 'send-invoices',
      handler: 'noop',
      runAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const failing = await api().createJob({
      name: 'flaky-import',
      handler: 'sleep',
      payload: { ms: 10, fail: true },
      retry: { maxAttempts: 2, backoff: { type: 'fixed', delayMs: 100 } },
    });
    await api().waitForExecution(failing, 'DEAD');

    await visit('/jobs');
    await page().getByRole('link', { name: 'send-invoices' }).waitFor();
    await page().getByLabel('Status').selectOption('DEAD');
    // The unfiltered page showed both: the filtered one has gone once the delayed job has.
    await page().getByRole('link', { name: 'send-invoices' }).waitFor({ state: 'detached' });
    await page().getByRole('link', { name: 'flaky-import' }).waitFor();
    await expectAccessible();
    await browser.screenshot('jobs');

    // The failed job's page: both attempts, each with its outcome, worker and error.
    await page().getByRole('link', { name: 'flaky-import' }).click();
    await page().locator('#executions button[aria-expanded]').first().click();
    const attempts = page().locator('table.attempts tbody tr');
    await attempts.nth(1).waitFor();
    await expect(attempts.count()).resolves.toBe(2);
    await expect(attempts.first().textContent()).resolves.toContain('FAILED');
    await expect(attempts.first().textContent()).resolves.toContain('slept 10 ms and failed as asked');
    await expectAccessible();
    await browser.screenshot('job');

    // Cancel from the console, through its confirmation: the API answers the job cancelled.
    await visit(`/jobs/${later.id}`);
    await page().getByRole('button', { name: 'Cancel job' }).click();
    const dialog = page().getByRole('dialog', { name: 'Cancel job' });
    await expect(
      dialog.getByRole('button', { name: 'Keep' }).evaluate((button) => button === document.activeElement),
    ).resolves.toBe(true);
    await dialog.getByRole('button', { name: 'Cancel job' }).click();
    await waitFor(async () => ((await api().job(later.id)).status === 'CANCELLED' ? true : undefined));
    await page().locator('h1 .badge', { hasText: 'CANCELLED' }).waitFor();

    // The action went through the public API, so the audit log has it, with the console's key.
    const audit = await api().request<{ items: { action: string; targetId: string }[] }>(
      'GET',
      `/v1/audit?targetId=${later.id}`,
    );
    expect(audit.body.items.map((entry) => entry.action)).toContain('job.cancelled');
  });

  it('should draw a workflow with the state of each job, and retry and cancel from the console', async () => {
    const created = await api().request<{ id: string; jobs: { key: string; executionId: string }[] }>(
      'POST',
      '/v1/workflows',
      {
        name: 'etl',
        failurePolicy: 'continue',
        jobs: [
          { key: 'extract', name: 'extract', handler: 'noop' },
          { key: 'transform-a', name: 'transform-a', handler: 'noop', dependsOn: ['extract'] },
          {
            key: 'transform-b',
            name: 'transform-b',
            handler: 'sleep',
            payload: { ms: 10, fail: true },
            retry: { maxAttempts: 1 },
            dependsOn: ['extract'],
          },
          { key: 'load', name: 'load', handler: 'noop', dependsOn: ['transform-a', 'transform-b'] },
        ],
      },
    );
    expect(created.status).toBe(201);
    const workflowId = created.body.id;
    await waitFor(async () => {
      const workflow = await api().request<{ status: string }>('GET', `/v1/workflows/${workflowId}`);
      return workflow.body.status === 'RUNNING' ? undefined : workflow.body;
    });

    await visit('/workflows');
    await page().getByRole('link', { name: 'etl' }).click();
    const node = (nodeKey: string) => page().locator(`svg.workflow-graph g.node[data-key="${nodeKey}"]`);
    await node('load').waitFor();
    await expect(node('extract').getAttribute('data-status')).resolves.toBe('SUCCEEDED');
    await expect(node('transform-b').getAttribute('data-status')).resolves.toBe('DEAD');
    await expect(page().locator('svg.workflow-graph path.edge').count()).resolves.toBe(4);
    await expectAccessible();
    await browser.screenshot('workflow');

    // Retry the failed node from the console, reached by keyboard: it runs again as a new execution.
    const failedExecution = created.body.jobs.find((job) => job.key === 'transform-b')?.executionId ?? '';
    await node('transform-b').focus();
    await page().keyboard.press('Enter');
    await page().getByRole('button', { name: 'Retry execution' }).click();
    const retried = await waitFor(async () => {
      const workflow = await api().request<{ jobs: { key: string; executionId: string }[] }>(
        'GET',
        `/v1/workflows/${workflowId}`,
      );
      const executionId = workflow.body.jobs.find((job) => job.key === 'transform-b')?.executionId;
      return executionId !== failedExecution ? executionId : undefined;
    });
    await page().locator(`section[aria-label="Execution ${retried}"]`).waitFor();

    // A workflow still running, cancelled from the console.
    const slow = await api().request<{ id: string }>('POST', '/v1/workflows', {
      name: 'slow-etl',
      jobs: [
        { key: 'wait', name: 'wait', handler: 'sleep', payload: { ms: 60_000 } },
        { key: 'after', name: 'after', handler: 'noop', dependsOn: ['wait'] },
      ],
    });
    await visit(`/workflows/${slow.body.id}`);
    await page().getByRole('button', { name: 'Cancel workflow' }).click();
    await page()
      .getByRole('dialog', { name: 'Cancel workflow' })
      .getByRole('button', { name: 'Cancel workflow' })
      .click();
    await waitFor(async () => {
      const workflow = await api().request<{ status: string }>('GET', `/v1/workflows/${slow.body.id}`);
      return workflow.body.status === 'CANCELLED' ? true : undefined;
    });
    await node('after').and(page().locator('[data-status="CANCELLED"]')).waitFor();
  });

  it('should show throughput, failures, lateness, queues and the outbox on the overview', async () => {
    await visit('/');
    await page().getByRole('heading', { name: 'Throughput and failures' }).waitFor();
    const cards = await page().locator('.card').allTextContents();
    expect(cards.join(' ')).toMatch(/succeeded/);
    const succeeded = Number(await page().locator('.card .value').first().textContent());
    expect(succeeded).toBeGreaterThan(0);
    await expect(page().getByRole('cell', { name: 'default', exact: true }).count()).resolves.toBeGreaterThan(0);
    await expectAccessible();
    await browser.screenshot('overview');
  });

  it('should serve every console address as the app, under a policy that allows only its own scripts', async () => {
    const page = await fetch(`${ctx.stack.apiUrl}/console/jobs/some-job`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${ctx.stack.apiUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const post = await fetch(`${ctx.stack.apiUrl}/console/jobs`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('should have logged no script error on any page', () => {
    expect(browser.pageErrors.filter((error) => !error.includes('401'))).toEqual([]);
  });
});
