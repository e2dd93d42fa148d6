import { useMemo, useState } from 'preact/hooks';
import { Link, Redirect, Route, Router, Switch, useRoute } from 'wouter-preact';

import { checkKey, clientFor, keyIdOf, type Session, SessionContext } from './api/session.js';
import { JobPage } from './pages/job-page.js';
import { JobsPage } from './pages/jobs-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { SchedulesPage } from './pages/schedules-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { WorkflowPage } from './pages/workflow-page.js';
import { WorkflowsPage } from './pages/workflows-page.js';

/** The console's address on the api; every route below is relative to it. */
const BASE = '/console';

export function App(): preact.JSX.Element {
  const [apiKey, setApiKey] = useState<string | null>(null);
  const session = useMemo<Session | null>(
    () =>
      apiKey === null ? null : { client: clientFor(apiKey), keyId: keyIdOf(apiKey), signOut: () => setApiKey(null) },
    [apiKey],
  );

  if (session === null) {
    return (
      <SignInPage
        onSignIn={async (key) => {
          const refusal = await checkKey(clientFor(key));
          if (refusal === null) {
            setApiKey(key);
          }
          return refusal;
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Router base={BASE}>
        <Shell session={session}>
          <Switch>
            <Route path="/" component={OverviewPage} />
            <Route path="/jobs" component={JobsPage} />
            <Route path="/jobs/:id">{(params) => <JobPage id={params.id} />}</Route>
            <Route path="/schedules" component={SchedulesPage} />
            <Route path="/workflows" component={WorkflowsPage} />
            <Route path="/workflows/:id">{(params) => <WorkflowPage id={params.id} />}</Route>
            <Route>
              <Redirect to="/" />
            </Route>
          </Switch>
        </Shell>
      </Router>
    </SessionContext.Provider>
  );
}

function Shell({ session, children }: { session: Session; children: preact.ComponentChildren }) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Meridian</span>
        <nav aria-label="Sections">
          <NavLink href="/" label="Overview" exact />
          <NavLink href="/jobs" label="Jobs" />
          <NavLink href="/schedules" label="Schedules" />
          <NavLink href="/workflows" label="Workflows" />
        </nav>
        <span class="who">
          key <code>{session.keyId}</code>
          <button type="button" class="link" onClick={session.signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function NavLink({ href, label, exact = false }: { href: string; label: string; exact?: boolean }) {
  const [matchesExactly] = useRoute(href);
  const [matchesNested] = useRoute(`${href}/*`);
  const current = matchesExactly || (!exact && matchesNested);
  return (
    <Link href={href} aria-current={current ? 'page' : undefined}>
      {label}
    </Link>
  );
}
